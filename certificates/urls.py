from django.urls import path

from certificates import views

urlpatterns = [
    path("certificates/<str:code>/", views.detail, name="certificate"),
    path("certificates/<str:code>/pdf", views.pdf, name="certificate_pdf"),
    path("verify/<str:code>", views.verify, name="verify_certificate"),
]
