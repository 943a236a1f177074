from django.urls import path

from progress import views

urlpatterns = [path("dashboard/", views.dashboard, name="dashboard")]
