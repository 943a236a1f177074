"""The regrade as a Celery task: it takes the Regrade's id, records progress as it goes, and is idempotent
(a retried or repeated run finds nothing left to change)."""

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=3600, time_limit=3700)
def apply_regrade(regrade_id: int) -> None:
    from analytics.models import Regrade
    from analytics.regrade import affected_attempts, regrade_attempt

    regrade = Regrade.objects.select_related("question", "requested_by").filter(pk=regrade_id).first()
    if regrade is None or regrade.status == Regrade.Status.DONE:
        return
    attempts = list(affected_attempts(regrade.question, regrade.versions))
    regrade.status, regrade.total, regrade.done, regrade.changes = (
        Regrade.Status.RUNNING,
        len(attempts),
        0,
        [],
    )
    regrade.save(update_fields=["status", "total", "done", "changes"])
    try:
        for attempt in attempts:
            change = regrade_attempt(
                attempt, regrade.requested_by, regrade.reason, regrade.question, regrade.versions
            )
            if change is not None:
                regrade.changes.append(change.as_dict())
            regrade.done += 1
            regrade.save(update_fields=["done", "changes"])
    except Exception as error:
        regrade.status, regrade.error = Regrade.Status.FAILED, f"{type(error).__name__}: {error}"
        regrade.finished_at = timezone.now()
        regrade.save(update_fields=["status", "error", "finished_at"])
        raise
    regrade.status, regrade.finished_at = Regrade.Status.DONE, timezone.now()
    regrade.save(update_fields=["status", "finished_at"])
