"""A real Celery worker on Redis retries a failed delivery later, with backoff: the production path."""

import time
from pathlib import Path

import pytest

from integrations.models import WebhookDelivery
from integrations.tasks import deliver_webhook
from tests.workers import database_url_for_workers, queue_worker

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = {"event": "attempt.graded", "created_at": "2026-01-31T12:00:00Z", "data": {"id": "a1"}}


@pytest.fixture
def worker(redis_url, tmp_path, monkeypatch):
    """A worker using this test's database and short retry delays."""
    settings = {"DJANGO_SETTINGS_MODULE": "tests.integrations.worker_settings"}
    database = {"DATABASE_URL": database_url_for_workers()}
    with queue_worker(redis_url, tmp_path / "worker.log", monkeypatch, **settings, **database) as process:
        yield process


def wait_until_settled(delivery, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery.refresh_from_db()
        if delivery.status != WebhookDelivery.Status.PENDING:
            return delivery
        time.sleep(0.1)
    raise AssertionError(
        f"still pending after {timeout} s: {delivery.attempts} attempt(s), {delivery.last_error}"
    )


@pytest.mark.worker
# A worker is another process: the test is transactional, so the data it creates is committed.
@pytest.mark.django_db(transaction=True)
def test_it_retries_with_backoff_on_a_worker(worker, endpoint, receiver):
    receiver.respond_with(500, 503)
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event="attempt.graded", event_key="attempt.graded:a1", payload=PAYLOAD
    )
    deliver_webhook.apply_async(args=[delivery.pk], queue=worker.queue)
    wait_until_settled(delivery)
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 3
    assert len(receiver.requests) == 3
    assert worker.poll() is None, "the worker must still be running"
    # Waits of 0.5 s then 1 s (WEBHOOK_RETRY_BASE_SECONDS = 0.5, doubling), then the same signed body.
    first, second, third = (request.received_at for request in receiver.requests)
    assert second - first >= 0.45
    assert third - second >= 0.95
    assert receiver.requests[0].body == receiver.requests[2].body
