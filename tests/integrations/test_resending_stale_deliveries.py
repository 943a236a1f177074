"""A delivery that never reached the queue (the broker was down) is sent by the periodic re-send."""

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import WebhookDelivery
from integrations.tasks import resend_stale_deliveries

pytestmark = pytest.mark.django_db


def pending(endpoint, key, age):
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="attempt.graded",
        event_key=key,
        payload={"event": "attempt.graded", "data": {"id": key}},
        created_at=timezone.now() - age,
    )


def test_a_stale_unsent_delivery_is_sent(endpoint, receiver):
    stale = pending(endpoint, "old", timedelta(minutes=10))
    assert resend_stale_deliveries() == 1
    stale.refresh_from_db()
    assert stale.status == WebhookDelivery.Status.SUCCEEDED
    assert len(receiver.requests) == 1


def test_a_delivery_lost_in_a_broker_outage_goes_out_within_two_minutes(endpoint, receiver):
    lost = pending(endpoint, "lost", timedelta(seconds=90))
    assert resend_stale_deliveries() == 1
    lost.refresh_from_db()
    assert lost.status == WebhookDelivery.Status.SUCCEEDED


def test_a_fresh_delivery_is_left_to_its_own_task(endpoint, receiver):
    fresh = pending(endpoint, "new", timedelta(seconds=5))
    assert resend_stale_deliveries() == 0
    fresh.refresh_from_db()
    assert fresh.status == WebhookDelivery.Status.PENDING
    assert receiver.requests == []
