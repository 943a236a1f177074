"""Celery tasks sending webhook deliveries (see integrations.webhooks for the request and its signature).

Retry policy (integrations.models): up to MAX_ATTEMPTS attempts per series with exponential backoff, then the
delivery is marked failed and an admin can retry it. A delivery's next attempt is also recorded in the
database (`next_attempt_at`), so a retry that waited in the broker when it lost its queue is still made: the
periodic re-send sends every pending delivery whose attempt is overdue.
"""

import time
from datetime import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from integrations import webhooks
from integrations.models import MAX_ATTEMPTS, WebhookDelivery, lost_task_deadline, retry_delay

__all__ = ["MAX_ATTEMPTS", "deliver_webhook", "resend_due_deliveries", "retry_delay"]

# At most this many deliveries are re-sent per run of the periodic re-send; the next run takes the rest.
RESEND_BATCH = 500


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=MAX_ATTEMPTS - 1)
def deliver_webhook(self, delivery_id):
    """Send one delivery; a failure is retried later with backoff, and the series' last one marks it failed.

    The delivery's row is locked while it is sent, so a retry and the periodic re-send never send it at the
    same time (the second finds it locked and leaves it), and every attempt is counted."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint__integration")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return  # delivered already (never twice), given up, or being sent right now
        endpoint = delivery.endpoint
        if not (endpoint.is_active and endpoint.integration.is_active):
            delivery.abandon("Not sent: the endpoint or its integration has been deactivated.")
            return
        if self.request.is_eager:
            _deliver_in_process(delivery)
            return
        delivery.record_attempt(webhooks.send(delivery))
    if delivery.status == WebhookDelivery.Status.PENDING:
        raise self.retry(countdown=retry_delay(delivery.series_attempts))


def _deliver_in_process(delivery):
    """The embedded mode (CELERY_TASK_ALWAYS_EAGER) runs the task inside the request that graded the attempt.

    Celery 5.7 cannot retry there: with task_eager_propagates (our setting) `self.retry` raises Retry into
    the caller, and without it the retry runs at once, ignoring the countdown. So the attempts are made
    here, one after the other without waiting, and stop once TIMEOUT_SECONDS have passed: an endpoint
    that is down or slow holds the request up for one or two timeouts, not for the minutes of a backoff.
    """
    started = time.monotonic()
    while delivery.status == WebhookDelivery.Status.PENDING:
        outcome = webhooks.send(delivery)
        delivery.record_attempt(outcome, give_up=time.monotonic() - started >= webhooks.TIMEOUT_SECONDS)


@shared_task(ignore_result=True)
def resend_due_deliveries(now: datetime | None = None) -> int:
    """Periodic: send the pending deliveries whose attempt is overdue (never enqueued because the broker was
    down, or a retry lost with the broker's queue). Each is given a new deadline first, so one still waiting
    in a long queue is not enqueued again on every run."""
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now or timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:RESEND_BATCH]
    )
    WebhookDelivery.objects.filter(pk__in=due).update(next_attempt_at=lost_task_deadline())
    for delivery_id in due:
        deliver_webhook.delay(delivery_id)
    return len(due)
