"""Celery tasks of the LTI app: grade passback with retries (policy: lti.models.retry_delay), key retirement,
and the periodic resend of score posts whose next attempt is due.

With a broker, a failed post is retried by Celery after its backoff delay. In the embedded mode (tasks run
eagerly, inside the request that graded the attempt) there is no one to retry later: the periodic resend
(`manage.py resend_lti_scores --every N`, started by `make run`) makes the next attempt when it is due. An
older grading's post is never sent after a newer one.
"""

import logging
from datetime import datetime

from celery import shared_task

from lti import keys, passback
from lti.models import SCORE_POST_MAX_ATTEMPTS, ScorePost, lost_task_deadline, retry_delay

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=SCORE_POST_MAX_ATTEMPTS - 1)
def post_score(self, post_id: int) -> None:
    post = (
        ScorePost.objects.select_related("lti_attempt__lti_user__registration", "lti_attempt__attempt__exam")
        .filter(pk=post_id)
        .first()
    )
    if post is None or post.status != ScorePost.Status.PENDING:
        return
    if not post.is_latest:
        post.abandon("Superseded by a later grading of the same attempt.")
        return
    try:
        passback.send(post)
        error = ""
    except Exception as failure:  # the platform or the network: recorded, retried, never lost
        error = f"{type(failure).__name__}: {failure}"[:2000]
        logger.warning("LTI score post %s failed (attempt %d): %s", post.pk, post.attempts + 1, error)
    retry_queued = not self.request.is_eager
    post.record(error, retry_queued=retry_queued)
    if post.status == ScorePost.Status.PENDING and retry_queued:
        raise self.retry(countdown=retry_delay(post.attempts))


@shared_task(ignore_result=True)
def resend_stale_scores(now: datetime | None = None) -> int:
    """Periodic: send the pending posts whose next attempt is due (a retry, or a first sending whose task
    was lost). Each is given a new deadline first, so one still waiting in a long queue is not enqueued again
    on every run."""
    due = list(passback.due_posts(now))
    ScorePost.objects.filter(pk__in=[post.pk for post in due]).update(next_attempt_at=lost_task_deadline())
    for post in due:
        post_score.delay(post.pk)
    return len(due)


@shared_task(ignore_result=True)
def retire_old_keys() -> int:
    return keys.retire_superseded()
