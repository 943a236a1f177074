from django.urls import path

from lti import views

urlpatterns = [
    path("login/", views.login, name="lti_login"),
    path("launch/", views.launch_view, name="lti_launch"),
    path("jwks/", views.jwks, name="lti_jwks"),
    path("deep-link/", views.deep_link, name="lti_deep_link"),
    path("contexts/<int:context_id>/results/", views.context_results, name="lti_context_results"),
    path("contexts/<int:context_id>/roster/", views.sync_roster, name="lti_sync_roster"),
]
