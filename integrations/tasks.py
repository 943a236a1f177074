"""Celery task sending webhook deliveries (see integrations.webhooks for the request and its signature).

Retry policy: up to MAX_ATTEMPTS attempts; after failed attempt n the next one waits
WEBHOOK_RETRY_BASE_SECONDS × 2^(n-1) (10 s, 20 s, 40 s … 640 s by default, capped at an hour), about 21
minutes in all; then the delivery is marked failed, and an admin can retry it.
"""

import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from integrations import webhooks
from integrations.models import WebhookDelivery

MAX_ATTEMPTS = 8
# A pending delivery never attempted after this long was not enqueued (the broker was down when its attempt
# was graded, or lost its queue in a restart): the periodic re-send sends it. A delivery normally goes out
# within seconds; one sent twice is within the contract (at least once, with a delivery id to deduplicate).
STALE_AFTER_SECONDS = 60
MAX_DELAY_SECONDS = 3600


def retry_delay(attempt):
    """Seconds to wait after failed attempt number `attempt` (counting from 1)."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    return min(base * 2 ** (attempt - 1), MAX_DELAY_SECONDS)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=MAX_ATTEMPTS - 1)
def deliver_webhook(self, delivery_id):
    """Send one delivery; a failure is retried later with backoff, and the last one marks it failed."""
    delivery = WebhookDelivery.objects.select_related("endpoint__integration").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return  # delivered already (never twice), or given up
    endpoint = delivery.endpoint
    if not (endpoint.is_active and endpoint.integration.is_active):
        delivery.abandon("Not sent: the endpoint or its integration has been deactivated.")
        return
    if self.request.is_eager:
        _deliver_in_process(delivery)
        return
    attempt = self.request.retries + 1  # of this series: an admin's retry starts a new one
    outcome = webhooks.send(delivery)
    delivery.record_attempt(outcome, give_up=attempt >= MAX_ATTEMPTS)
    if not outcome.ok and attempt < MAX_ATTEMPTS:
        raise self.retry(countdown=retry_delay(attempt))


def _deliver_in_process(delivery):
    """The embedded mode (CELERY_TASK_ALWAYS_EAGER) runs the task inside the request that graded the attempt.

    Celery 5.7 cannot retry there: with task_eager_propagates (our setting) `self.retry` raises Retry into
    the caller, and without it the retry runs at once, ignoring the countdown. So the attempts are made
    here, one after the other without waiting, and stop once TIMEOUT_SECONDS have passed: an endpoint
    that is down or slow holds the request up for one or two timeouts, not for the minutes of a backoff.
    """
    started = time.monotonic()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcome = webhooks.send(delivery)
        out_of_time = time.monotonic() - started >= webhooks.TIMEOUT_SECONDS
        delivery.record_attempt(outcome, give_up=attempt >= MAX_ATTEMPTS or out_of_time)
        if delivery.status != WebhookDelivery.Status.PENDING:
            return


@shared_task
def resend_stale_deliveries():
    """Periodic: re-enqueue deliveries that never got onto the queue (the broker was down when they were
    created), so an event is not lost to a broker outage."""
    stale = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING,
        attempts=0,
        created_at__lt=timezone.now() - timedelta(seconds=STALE_AFTER_SECONDS),
    )
    for delivery in stale:
        deliver_webhook.delay(delivery.pk)
    return len(stale)
