"""Failed deliveries are retried with exponential backoff, then given up (in the embedded mode, at once)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import webhooks
from integrations.models import LOST_TASK_AFTER, WebhookDelivery
from integrations.tasks import MAX_ATTEMPTS, retry_delay
from integrations.webhooks import queue_event

pytestmark = pytest.mark.django_db
PAYLOAD = {"event": "attempt.graded", "created_at": "2026-01-31T12:00:00Z", "data": {"id": "a1"}}


def deliver(integration, committed):
    [delivery] = committed(queue_event, integration, "attempt.graded", "attempt.graded:a1", PAYLOAD)
    delivery.refresh_from_db()
    return delivery


def test_it_retries_a_server_error_until_it_succeeds(integration, endpoint, receiver, committed):
    receiver.respond_with(500)
    delivery = deliver(integration, committed)
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 2
    assert delivery.last_status_code == 200
    assert len(receiver.requests) == 2
    assert receiver.requests[0].body == receiver.requests[1].body
    assert receiver.requests[0].headers["X-Dxam-Delivery"] == receiver.requests[1].headers["X-Dxam-Delivery"]


def test_an_endpoint_that_always_fails_is_given_up_after_the_last_attempt(
    integration, endpoint, receiver, committed
):
    receiver.respond_with(*[503] * 20)
    delivery = deliver(integration, committed)
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == MAX_ATTEMPTS == 8
    assert delivery.last_status_code == 503
    assert "503" in delivery.last_error
    assert delivery.delivered_at is None
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_a_redirect_is_a_failure_not_followed(integration, endpoint, receiver, committed):
    receiver.respond_with(*[302] * 20)
    delivery = deliver(integration, committed)
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.last_status_code == 302
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_an_unreachable_endpoint_is_given_up_with_the_reason(integration, endpoint, receiver, committed):
    receiver.server.server_close()  # nothing listens on that port any more
    delivery = deliver(integration, committed)
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.last_status_code is None
    assert "refused" in delivery.last_error.lower()


def test_a_slow_endpoint_holds_the_embedded_mode_up_for_one_timeout(
    integration, endpoint, receiver, committed, monkeypatch
):
    monkeypatch.setattr(webhooks, "TIMEOUT_SECONDS", 0.3)
    receiver.delay_seconds = 1
    delivery = deliver(integration, committed)
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 1
    assert "timed out" in delivery.last_error.lower()


def test_it_retries_with_backoff(settings):
    assert [retry_delay(attempt) for attempt in range(1, MAX_ATTEMPTS)] == [10, 20, 40, 80, 160, 320, 640]
    settings.WEBHOOK_RETRY_BASE_SECONDS = 600
    assert retry_delay(7) == 3600, "capped"


def test_an_admin_retry_starts_a_new_series(integration, endpoint, receiver, committed):
    receiver.respond_with(*[500] * MAX_ATTEMPTS)
    delivery = deliver(integration, committed)
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert committed(delivery.retry) is True
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == MAX_ATTEMPTS + 1


def test_a_failed_attempt_records_when_the_next_one_is_due(endpoint):
    """The task's retry waits in the broker; the database knows when it is overdue (lost with the queue)."""
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="attempt.graded", event_key="k", payload={}
    )
    failed_at = timezone.now()
    delivery.record_attempt(webhooks.Outcome(status_code=503, error="HTTP 503"), now=failed_at)
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.next_attempt_at == failed_at + timedelta(seconds=retry_delay(1)) + LOST_TASK_AFTER
    delivery.record_attempt(webhooks.Outcome(status_code=503, error="HTTP 503"), now=failed_at)
    assert delivery.next_attempt_at == failed_at + timedelta(seconds=retry_delay(2)) + LOST_TASK_AFTER
