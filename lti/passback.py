"""Assignment and Grade Services: the attempts an LTI launch started, and their scores posted to the
platform's gradebook (on grading, and again on every regrade)."""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from lti_tool.models import LtiResourceLink, LtiUser
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector

from config.times import iso
from lti import keys, outbound
from lti.models import LtiAttempt, ScorePost

logger = logging.getLogger(__name__)
SESSION_KEY = "lti"


def link_attempt_to_launch(sender, attempt, request: HttpRequest, **kwargs) -> None:
    """Receiver of attempt_started: an attempt of the exam the LTI launch opened reports to its link."""
    launched = request.session.get(SESSION_KEY)
    if not launched or launched.get("exam") != attempt.exam.slug or hasattr(attempt, "lti"):
        return
    resource_link = LtiResourceLink.objects.filter(pk=launched["resource_link"]).first()
    lti_user = LtiUser.objects.filter(pk=launched["lti_user"], auth_user=attempt.learner).first()
    if resource_link is None or lti_user is None:
        return
    LtiAttempt.objects.get_or_create(
        attempt=attempt,
        defaults={"resource_link": resource_link, "lti_user": lti_user, "ags": launched["ags"]},
    )


def queue_score(sender, attempt, **kwargs) -> None:
    """Receiver of attempt_graded: post the score once per grading (graded_at) of an LTI-launched attempt."""
    link = LtiAttempt.objects.filter(attempt=attempt).first()
    if link is None or not link.can_post_scores or attempt.score is None:
        return
    with transaction.atomic():  # a savepoint: a failure here never poisons the grading transaction
        post, created = ScorePost.objects.get_or_create(
            lti_attempt=link,
            graded_at=attempt.graded_at,
            defaults={"score_given": round(attempt.score * 100, 2), "score_maximum": 100},
        )
    if created:
        post.send_after_commit()


def grade_of(post: ScorePost) -> Grade:
    return (
        Grade()
        .set_score_given(post.score_given)
        .set_score_maximum(post.score_maximum)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(iso(post.graded_at))
        .set_user_id(post.lti_attempt.lti_user.sub)
    )


def line_item_of(link: LtiAttempt) -> LineItem:
    """The line item to create when the platform gave none: one per resource link, found again by its tag."""
    exam = link.attempt.exam
    return (
        LineItem()
        .set_tag(f"dxam:{exam.slug}")
        .set_resource_id(exam.slug)
        .set_resource_link_id(link.resource_link.id_on_platform)
        .set_label(exam.title)
        .set_score_maximum(100)
    )


def send(post: ScorePost) -> None:
    """POST the score to the platform (creating the line item if the launch named none); raises on failure."""
    link = post.lti_attempt
    registration = keys.platform_registration(link.lti_user.registration)
    service = AssignmentsGradesService(ServiceConnector(registration, outbound.session()), link.ags)
    line_item = None if link.ags.get("lineitem") else line_item_of(link)
    service.put_grade(grade_of(post), line_item)


def due_posts(now: datetime | None = None) -> QuerySet[ScorePost]:
    """Pending posts whose next attempt is due (see ScorePost.record)."""
    return ScorePost.objects.filter(
        status=ScorePost.Status.PENDING, next_attempt_at__lte=now or timezone.now()
    ).order_by("next_attempt_at")
