"""Celery tasks of the LTI app: grade passback with retries, key retirement, re-sending lost posts.

Retry policy of a score post: up to MAX_ATTEMPTS attempts; after failed attempt n the next one waits
LTI_SCORE_RETRY_BASE_SECONDS × 2^(n-1), capped at an hour; then the post is marked failed (admin → Score
posts can send it again). An older grading's post is never sent after a newer one.
"""

import logging

from celery import shared_task
from django.conf import settings

from lti import keys, passback
from lti.models import ScorePost

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
MAX_DELAY_SECONDS = 3600


def retry_delay(attempt: int) -> int:
    return min(settings.LTI_SCORE_RETRY_BASE_SECONDS * 2 ** (attempt - 1), MAX_DELAY_SECONDS)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=MAX_ATTEMPTS - 1)
def post_score(self, post_id: int) -> None:
    post = (
        ScorePost.objects.select_related("lti_attempt__lti_user__registration", "lti_attempt__attempt__exam")
        .filter(pk=post_id)
        .first()
    )
    if post is None or post.status != ScorePost.Status.PENDING:
        return
    if not post.is_latest:
        post.record("Superseded by a later grading of the same attempt.", give_up=True)
        return
    attempt = self.request.retries + 1
    try:
        passback.send(post)
        error = ""
    except Exception as failure:  # the platform or the network: recorded, retried, never lost
        error = f"{type(failure).__name__}: {failure}"[:2000]
        logger.warning("LTI score post %s failed (attempt %d): %s", post.pk, attempt, error)
    # In the embedded mode (eager) there is no one to retry later: the sweep re-sends pending posts.
    give_up = attempt >= MAX_ATTEMPTS
    post.record(error, give_up=give_up)
    if error and not give_up and not self.request.is_eager:
        raise self.retry(countdown=retry_delay(attempt))


@shared_task(ignore_result=True)
def resend_stale_scores() -> int:
    stale = list(passback.stale_posts())
    for post in stale:
        post_score.delay(post.pk)
    return len(stale)


@shared_task(ignore_result=True)
def retire_old_keys() -> int:
    return keys.retire_superseded()
