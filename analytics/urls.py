from django.urls import path

from analytics import views

urlpatterns = [
    path("", views.overview, name="statistics"),
    path("export.csv", views.export_csv, name="statistics_csv"),
]
