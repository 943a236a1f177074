"""Framing for LTI: dxam's pages refuse every frame (X-Frame-Options DENY, CSP frame-ancestors 'none'),
except the pages of an LTI launch and of the session it started, which the launching platform's registered
origins may frame. Such a session's cookies are SameSite=None; Secure, so that a browser that allows
third-party cookies keeps them inside the platform's iframe (one that blocks them gets the new-window
hand-over of lti/launch.html instead)."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.csp import CSP


def allow_framing(
    response: HttpResponse, origins: list[str], form_action: list[str] | None = None
) -> HttpResponse:
    """Let `origins` frame this response (and its forms post to `form_action`), whatever the session."""
    setattr(response, "lti_frame_origins", origins)  # noqa: B010  (read back by LtiFrameMiddleware)
    setattr(response, "lti_form_action", form_action or [])  # noqa: B010
    return response


class LtiFrameMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        origins = getattr(response, "lti_frame_origins", None)
        if not origins and session is not None:
            origins = session.get("frame_origins")
        if not origins:
            return response
        policy = dict(getattr(response, "_csp_config", None) or settings.SECURE_CSP)
        policy["frame-ancestors"] = [CSP.SELF, *origins]
        if form_action := getattr(response, "lti_form_action", None):
            policy["form-action"] = [CSP.SELF, *form_action]
        response._csp_config = policy
        if "X-Frame-Options" in response:
            del response["X-Frame-Options"]
        for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
            if name in response.cookies:
                response.cookies[name]["samesite"] = "None"
                response.cookies[name]["secure"] = True
        return response
