from django.contrib import admin
from django.urls import include, path

from config.api_urls import urlpatterns as api_urls
from config.api_urls import v1 as v1_urls
from config.health import healthz
from exams.admin import author_site

admin.site.site_header = "dxam administration"
admin.site.site_title = "dxam admin"

urlpatterns = [
    path("", include("exams.urls")),
    path("", include("certificates.urls")),
    path("", include("progress.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/my-data/", include("privacy.urls")),
    path("lti/", include("lti.urls")),
    path("admin/", admin.site.urls),
    path("author/bank/", author_site.urls),
    path("author/review/", include("reviews.urls")),
    path("author/statistics/", include("analytics.urls")),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(v1_urls)),
    path("api/", include(api_urls)),
]

handler404 = "config.api_errors.not_found"
handler500 = "config.api_errors.server_error"
