"""LTI endpoints: OIDC login initiation, launch, JWKS, deep linking, and the instructor's results page.

Every refusal is an LtiError shown on lti/error.html (never a 500). Pages of an LTI session may be framed
by the registered platforms' origins only (lti.middleware).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import LtiContext, LtiLaunch, LtiRegistration

from accounts.models import SignInLink
from config.origins import origin_of
from exams.models import Exam
from lti import deep_linking, errors, keys, launch, learners, roster
from lti.errors import LtiError
from lti.middleware import allow_framing
from lti.models import LtiAttempt, frame_origins
from lti.passback import SESSION_KEY

PROBE_COOKIE = "dxam_lti_probe"
CLAIM = launch.CLAIM


def refused(request: HttpRequest, error: LtiError) -> HttpResponse:
    response = render(request, "lti/error.html", {"error": error}, status=error.status)
    # Shown inside the platform's frame: every registered platform may frame a refusal.
    registrations = LtiRegistration.objects.active().select_related("dxam")
    return allow_framing(response, sorted({o for r in registrations for o in frame_origins(r)}))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """OIDC third-party login initiation: redirect to the platform's auth endpoint with a state and nonce."""
    try:
        return launch.login_redirect(request)
    except LtiError as error:
        return refused(request, error)


@csrf_exempt
@never_cache
@require_POST
def launch_view(request: HttpRequest) -> HttpResponse:
    """The platform's form post of the id_token: validate, link the learner, and hand over to dxam's pages."""
    try:
        lti_launch = launch.validated_launch(request)
        launch.record(lti_launch)
        user = learners.learner_for(lti_launch)
        next_path, session = _destination(lti_launch)
    except LtiError as error:
        return refused(request, error)
    origins = frame_origins(lti_launch.registration)
    session["frame_origins"] = origins
    return_url = launch.claim_dict(lti_launch, f"{CLAIM}launch_presentation").get("return_url")
    if isinstance(return_url, str) and origin_of(return_url):
        session["return_url"] = return_url
    _link, token = SignInLink.issue(user, next_path, session)
    context = {
        "user_name": user.display_name,
        "platform": lti_launch.registration.name,
        "enter_url": reverse("sign_in_link", args=[token]),
    }
    response = allow_framing(render(request, "lti/launch.html", context), origins)
    # Read by the page's script: if this cookie is visible, the frame may keep cookies (see lti-launch.js).
    response.set_cookie(PROBE_COOKIE, "1", max_age=120, secure=True, samesite="None")
    return response


def _destination(lti_launch: LtiLaunch) -> tuple[str, dict]:
    """Where the launch leads (a path) and what the learner's session must remember of it."""
    staff = learners.is_course_staff(lti_launch.membership) if lti_launch.context_claim else False
    if lti_launch.is_deep_link_launch:
        if not staff:
            raise LtiError(
                errors.NOT_INSTRUCTOR, "Only instructors can add dxam exams to a course.", status=403
            )
        session = {
            deep_linking.SESSION_KEY: {
                "launch_id": lti_launch.get_launch_id(),
                "registration": lti_launch.registration.pk,
            }
        }
        return reverse("lti_deep_link"), session
    if not lti_launch.is_resource_launch:
        raise LtiError(errors.UNSUPPORTED_MESSAGE, "dxam handles resource links and deep linking only.")
    if staff:
        return reverse("lti_context_results", args=[lti_launch.context.pk]), {}
    slug = launch.claim_dict(lti_launch, f"{CLAIM}custom").get("exam", "")
    exam = Exam.objects.filter(slug=str(slug), is_published=True).first()
    if exam is None:
        raise LtiError(
            errors.UNKNOWN_EXAM,
            "This link does not name a published dxam exam. Ask your instructor to choose the exam again "
            "(the resource link's custom parameter exam=<slug>).",
            status=404,
        )
    launched = {
        "exam": exam.slug,
        "resource_link": lti_launch.resource_link.pk,
        "lti_user": lti_launch.user.pk,
        "ags": launch.claim_dict(lti_launch, "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"),
    }
    return reverse("exam_start", args=[exam.slug]), {SESSION_KEY: launched}


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys (current and not yet retired), for platforms to check what dxam signs."""
    return JsonResponse(keys.jwks())


@login_required
@require_http_methods(["GET", "POST"])
def deep_link(request: HttpRequest) -> HttpResponse:
    """Deep Linking 2.0: the instructor picks an exam, and it goes back to the platform as a resource link."""
    try:
        if request.method == "GET":
            pending = deep_linking.pending(request)
            exams = Exam.objects.filter(is_published=True)
            return render(request, "lti/deep_link.html", {"exams": exams, "launch_id": pending["launch_id"]})
        return_url, token = deep_linking.respond(
            request, request.POST.get("launch_id", ""), request.POST.get("exam", "")
        )
    except LtiError as error:
        return refused(request, error)
    response = render(request, "lti/deep_link_return.html", {"return_url": return_url, "jwt": token})
    return allow_framing(response, [], form_action=[origin_of(return_url) or ""])


@login_required
@require_GET
def context_results(request: HttpRequest, context_id: int) -> HttpResponse:
    """An instructor's view of a course (LTI context): each learner's dxam attempts at the course's exams."""
    context = get_object_or_404(LtiContext, pk=context_id)
    if not (request.user.is_staff or learners.staff_membership(request.user, context)):
        return refused(
            request,
            LtiError(errors.NOT_INSTRUCTOR, "Only the course's instructors see its results.", status=403),
        )
    attempts = (
        LtiAttempt.objects.filter(resource_link__context=context)
        .select_related("attempt__exam", "attempt__learner", "lti_user")
        .prefetch_related("score_posts")
        .order_by("attempt__exam__title", "attempt__learner__display_name", "-attempt__started_at")
    )
    roster = (
        context.memberships.filter(is_learner=True).select_related("user") if context.memberships_url else []
    )
    attempted = {row.lti_user_id for row in attempts}
    context_data = {
        "context": context,
        "attempts": attempts,
        "not_started": [member for member in roster if member.user_id not in attempted],
        "can_sync_roster": bool(context.memberships_url),
    }
    return render(request, "lti/context_results.html", context_data)


@login_required
@require_POST
def sync_roster(request: HttpRequest, context_id: int) -> HttpResponse:
    """Names and Role Provisioning Services: refresh the course's members from the platform."""
    context = get_object_or_404(LtiContext, pk=context_id)
    if not (request.user.is_staff or learners.staff_membership(request.user, context)):
        return refused(
            request,
            LtiError(errors.NOT_INSTRUCTOR, "Only the course's instructors see its results.", status=403),
        )
    try:
        roster.sync_members(context)
    except LtiError as error:
        return refused(request, error)
    return redirect("lti_context_results", context.pk)
