"""Deep Linking 2.0: answer a platform's deep-linking request with the exam an instructor picked.

The request's launch stays in the cache (pylti1p3 keeps validated launches); the instructor's session
remembers which launch it may answer, so a selection can never answer another course's or platform's
request.
"""

from django.http import HttpRequest
from django.urls import reverse
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from exams.models import Exam
from lti import errors
from lti.errors import LtiError
from lti.launch import MALFORMED, DxamLaunch, DxamMessageLaunch, LaunchStorage, ToolConfig

SESSION_KEY = "lti_deep_link"


def pending(request: HttpRequest) -> dict:
    """The deep-linking request this browser's session may answer."""
    data = request.session.get(SESSION_KEY)
    if not data:
        raise LtiError(
            errors.DEEP_LINK_MISMATCH,
            "No request to add an exam to a course is waiting here. Start again from your course's "
            "“add an activity” dialog.",
            status=403,
        )
    return data


def respond(request: HttpRequest, launch_id: str, slug: str) -> tuple[str, str]:
    """The platform's deep-link return URL and the signed response placing `slug` in the course."""
    data = pending(request)
    if launch_id != data["launch_id"]:
        raise LtiError(
            errors.DEEP_LINK_MISMATCH, "This selection answers another course's request.", status=403
        )
    exam = Exam.objects.filter(slug=slug, is_published=True).first()
    if exam is None:
        raise LtiError(errors.UNKNOWN_EXAM, "Choose one of the published exams.", status=400)
    try:
        message_launch = DxamMessageLaunch.from_cache(
            launch_id, request, ToolConfig(), launch_data_storage=LaunchStorage()
        )
        deep_link = message_launch.get_deep_link()
    except MALFORMED:
        raise LtiError(
            errors.UNKNOWN_STATE, "This request has expired. Start again from your course."
        ) from None
    lti_launch = DxamLaunch(message_launch)
    if not lti_launch.is_deep_link_launch or lti_launch.registration.pk != data["registration"]:
        raise LtiError(
            errors.DEEP_LINK_MISMATCH, "This selection answers another platform's request.", status=403
        )
    resource = (
        DeepLinkResource()
        .set_title(exam.title)
        .set_url(request.build_absolute_uri(reverse("lti_launch")))
        .set_custom_params({"exam": exam.slug})
        .set_lineitem(
            LineItem()
            .set_label(exam.title)
            .set_score_maximum(100)
            .set_resource_id(exam.slug)
            .set_tag(f"dxam:{exam.slug}")
        )
    )
    token = deep_link.get_response_jwt([resource])
    del request.session[SESSION_KEY]
    return lti_launch.get_claim("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings")[
        "deep_link_return_url"
    ], token
