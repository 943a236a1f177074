"""A delivery whose attempt is overdue — never enqueued because the broker was down, or a retry lost with
the broker's queue — is sent by the periodic re-send."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import tasks
from integrations.models import LOST_TASK_AFTER, MAX_ATTEMPTS, WebhookDelivery
from integrations.tasks import resend_due_deliveries

pytestmark = pytest.mark.django_db


def pending(endpoint, key, due_in, **fields):
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="attempt.graded",
        event_key=key,
        payload={"event": "attempt.graded", "data": {"id": key}},
        next_attempt_at=timezone.now() + due_in,
        **fields,
    )


def test_a_new_delivery_is_due_once_its_task_had_time_to_run(endpoint):
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="attempt.graded", event_key="k", payload={}
    )
    assert timedelta(seconds=55) < delivery.next_attempt_at - delivery.created_at <= LOST_TASK_AFTER


def test_a_delivery_never_enqueued_is_sent_once_overdue(endpoint, receiver):
    lost = pending(endpoint, "lost", timedelta(seconds=-30))
    assert resend_due_deliveries() == 1
    lost.refresh_from_db()
    assert lost.status == WebhookDelivery.Status.SUCCEEDED
    assert len(receiver.requests) == 1


def test_a_retry_lost_with_the_brokers_queue_is_made(endpoint, receiver):
    """Two attempts failed and the third waited in Redis, which restarted without persistence."""
    retrying = pending(endpoint, "retrying", timedelta(seconds=-1), attempts=2, last_status_code=503)
    assert resend_due_deliveries() == 1
    retrying.refresh_from_db()
    assert retrying.status == WebhookDelivery.Status.SUCCEEDED
    assert retrying.attempts == 3
    assert len(receiver.requests) == 1


def test_a_delivery_not_yet_due_is_left_to_its_own_task(endpoint, receiver):
    waiting = pending(endpoint, "waiting", timedelta(seconds=20))
    assert resend_due_deliveries() == 0
    waiting.refresh_from_db()
    assert waiting.status == WebhookDelivery.Status.PENDING
    assert receiver.requests == []


def test_a_resent_delivery_is_not_enqueued_again_while_it_waits_in_the_queue(endpoint, monkeypatch):
    """A long queue (a backlog of grading) must not fill up with copies of the same delivery."""
    sent = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", sent.append)
    delivery = pending(endpoint, "queued", timedelta(seconds=-5))
    assert resend_due_deliveries() == 1
    assert resend_due_deliveries() == 0
    assert sent == [delivery.pk]
    later = timezone.now() + LOST_TASK_AFTER + timedelta(seconds=1)
    assert resend_due_deliveries(now=later) == 1, "lost again: sent again"


def test_a_resent_series_keeps_its_count_and_gives_up_after_its_last_attempt(endpoint, receiver):
    receiver.respond_with(*[500] * 5)
    last = pending(endpoint, "last", timedelta(seconds=-1), attempts=MAX_ATTEMPTS - 1)
    assert resend_due_deliveries() == 1
    last.refresh_from_db()
    assert last.status == WebhookDelivery.Status.FAILED
    assert last.attempts == MAX_ATTEMPTS
    assert len(receiver.requests) == 1


def test_delivered_and_failed_deliveries_are_never_resent(endpoint, receiver):
    past = timedelta(minutes=-10)
    pending(endpoint, "done", past, status=WebhookDelivery.Status.SUCCEEDED)
    pending(endpoint, "gone", past, status=WebhookDelivery.Status.FAILED)
    assert resend_due_deliveries() == 0
    assert receiver.requests == []
