"""A delivery reaches a real HTTP server as the exact signed JSON body, with its headers, once."""

import json
import threading
import time

import pytest
from django.db import connection, connections, transaction

from integrations.models import WebhookDelivery
from integrations.tasks import deliver_webhook
from integrations.webhooks import queue_event, verify_signature

pytestmark = pytest.mark.django_db
PAYLOAD = {
    "event": "attempt.graded",
    "created_at": "2026-01-31T12:00:00Z",
    "data": {"id": "a1", "é": [1, 2.5]},
}


def queue(integration, committed, key="attempt.graded:a1", event="attempt.graded", payload=PAYLOAD):
    return committed(queue_event, integration, event, key, payload)


def test_the_receiver_gets_the_exact_signed_body_and_headers(integration, endpoint, receiver, committed):
    [delivery] = queue(integration, committed)
    [request] = receiver.requests
    assert request.path == "/hooks/dxam"
    assert json.loads(request.body) == PAYLOAD
    # Compact JSON (key order is the database's: PostgreSQL's jsonb sorts keys).
    assert request.body == json.dumps(json.loads(request.body), separators=(",", ":")).encode()
    headers = request.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "dxam-webhooks"
    assert headers["X-Dxam-Event"] == "attempt.graded"
    assert headers["X-Dxam-Delivery"] == str(delivery.pk)
    assert verify_signature(
        integration.webhook_secret, request.body, headers["X-Dxam-Signature"], time.time()
    )
    assert not verify_signature("another secret", request.body, headers["X-Dxam-Signature"], time.time())


def test_a_2xx_marks_the_delivery_succeeded(integration, endpoint, receiver, committed):
    receiver.respond_with(204)
    [delivery] = queue(integration, committed)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 204
    assert delivery.delivered_at is not None
    assert delivery.last_error == ""


def test_a_delivered_event_is_never_sent_again(integration, endpoint, receiver, committed):
    [delivery] = queue(integration, committed)
    queue(integration, committed)  # the same event raised again
    deliver_webhook(delivery.pk)  # the task run again
    delivery.refresh_from_db()
    assert delivery.retry() is False
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.count() == 1
    assert delivery.attempts == 1


def test_nothing_is_sent_before_the_transaction_commits(integration, endpoint, receiver):
    [delivery] = queue_event(integration, "attempt.graded", "attempt.graded:a1", PAYLOAD)
    assert receiver.requests == []
    assert delivery.status == WebhookDelivery.Status.PENDING


def test_only_active_endpoints_subscribed_to_the_event_receive_it(integration, endpoint, receiver, committed):
    endpoint.events = ["certificate.issued"]
    endpoint.save()
    assert queue(integration, committed) == []
    endpoint.events = ["attempt.graded"]
    endpoint.is_active = False
    endpoint.save()
    assert queue(integration, committed) == []
    assert receiver.requests == []


def test_a_delivery_to_a_deactivated_endpoint_is_abandoned(integration, endpoint, receiver):
    [delivery] = queue_event(integration, "attempt.graded", "attempt.graded:a1", PAYLOAD)
    endpoint.is_active = False
    endpoint.save()
    deliver_webhook(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "deactivated" in delivery.last_error
    assert receiver.requests == []


@pytest.mark.django_db(transaction=True)
def test_a_delivery_being_sent_is_not_sent_again_at_the_same_time(endpoint, receiver):
    """The periodic re-send and a late retry may run the task twice at once: the second leaves it alone."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks: its writers are serialized by the database lock")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="attempt.graded", event_key="attempt.graded:busy", payload=PAYLOAD
    )
    locked, release = threading.Event(), threading.Event()

    def send_elsewhere():
        with transaction.atomic():
            WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
            locked.set()
            release.wait(10)
        connections.close_all()

    other = threading.Thread(target=send_elsewhere)
    other.start()
    try:
        assert locked.wait(10)
        deliver_webhook(delivery.pk)
    finally:
        release.set()
        other.join(10)
    delivery.refresh_from_db()
    assert receiver.requests == []
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempts == 0
