from django.urls import path

from exams import views

urlpatterns = [
    path("", views.home, name="home"),
    path("exams/", views.catalogue, name="catalogue"),
]
