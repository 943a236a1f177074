"""Celery tasks wrapping the grading engine and the attempt lifecycle. They take ids and do little:
the rules live in the models (exams.models.attempts) and the engine (grading.engine)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from grading.engine import ConfigError, EngineError, check

logger = logging.getLogger(__name__)


@shared_task(soft_time_limit=5, time_limit=10)
def check_expression(symbols, expected, answer):
    """Grade one free-form answer; returns the engine's result as JSON-safe data.

    A broken key or an engine failure is nobody's answer's fault: it comes back as verdict `review` (and an
    ERROR log line), never as a wrong answer, as in attempt grading."""
    try:
        return check(symbols, expected, answer).to_dict()
    except (ConfigError, EngineError) as error:
        logger.error("check_expression could not grade %r against %r: %s", answer, expected, error)
        return {
            "verdict": "review",
            "method": None,
            "diagnosis": [],
            "message": "This answer could not be graded automatically and was put up for review.",
        }


# Late acknowledgement: a worker killed mid-task leaves the message on the broker for the next worker, and
# grading is idempotent, so running a task twice is harmless. The outcome is stored on the attempt, so no
# Celery result is kept: sending the task then needs only the broker, and fails fast when it is down (the
# submission is kept and the sweep re-enqueues it) instead of waiting on the result store.
@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(Exception,), retry_backoff=True,
             max_retries=5, soft_time_limit=240, time_limit=300, ignore_result=True)  # fmt: skip
def grade_attempt(attempt_id):
    """Grade a submitted attempt and issue the certificate it earns, in one transaction; idempotent."""
    from certificates.models import Certificate
    from exams.models import Attempt
    from exams.signals import attempt_graded, send_to_receivers
    from integrations.webhooks import notify_attempt_graded, notify_certificate_issued

    attempt = Attempt.objects.filter(pk=attempt_id).first()
    if attempt is None:
        return None
    with transaction.atomic():
        attempt = attempt.grade()
        certificate = Certificate.issue_for(attempt)
        if attempt.status == Attempt.Status.GRADED:
            notify_attempt_graded(attempt)
            send_to_receivers(attempt_graded, Attempt, attempt=attempt)
        if certificate is not None:
            notify_certificate_issued(certificate)
    return attempt.status


@shared_task
def sweep_attempts():
    """Finalize attempts whose time is up (the learner's page submits on time, but a closed tab does not)
    and re-enqueue grading the queue lost (broker restarts, killed workers). Run by beat every
    SWEEP_SECONDS: deadlines deliberately do not rely on ETA tasks, which a worker holds unacknowledged
    until they are due, so every open attempt would leave one for a broker restart to lose."""
    from exams.models import Attempt

    now = timezone.now()
    expired = Attempt.objects.filter(
        status=Attempt.Status.OPEN, deadline__lt=now - timedelta(seconds=settings.EXAM_GRACE_SECONDS)
    )
    finalized = sum(attempt.finalize_if_expired(now, by=Attempt.FinalizedBy.SWEEP) for attempt in expired)
    stuck = Attempt.objects.filter(
        status=Attempt.Status.SUBMITTED,
        grading_enqueued_at__lt=now - timedelta(seconds=settings.GRADING_RETRY_AFTER_SECONDS),
    )
    requeued = 0
    for attempt in stuck:
        Attempt.objects.filter(pk=attempt.pk).update(grading_enqueued_at=now)
        grade_attempt.delay(str(attempt.pk))
        requeued += 1
    if finalized or requeued:
        logger.info("sweep: finalized %d expired attempt(s), re-enqueued %d ungraded", finalized, requeued)
    return {"finalized": finalized, "requeued": requeued}
