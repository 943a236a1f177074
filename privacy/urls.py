from django.urls import path

from privacy import views

urlpatterns = [
    path("data.json", views.download, name="download_my_data"),
    path("delete/", views.delete_account, name="delete_account"),
]
