from django.contrib import admin
from django.urls import include, path

from config.health import healthz
from exams.admin import author_site

admin.site.site_header = "dxam administration"
admin.site.site_title = "dxam admin"

urlpatterns = [
    path("", include("exams.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("author/bank/", author_site.urls),
    path("healthz", healthz, name="healthz"),
]
