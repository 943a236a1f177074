"""The worker's heartbeat: every task a worker starts stamps the time; /healthz says "stale" when none has
started one for WORKER_STALE_SECONDS."""

import time

import pytest

from config.heartbeat import record_worker_heartbeat, worker_heartbeat_status
from grading.tasks import check_expression
from tests.workers import database_url_for_workers, queue_worker

NOW = 1_800_000_000.0


@pytest.fixture
def with_broker(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"  # only its presence matters here
    settings.WORKER_STALE_SECONDS = 60


@pytest.fixture(autouse=True)
def no_heartbeat_yet(db):
    from django.core.cache import cache

    from config.heartbeat import HEARTBEAT_KEY

    cache.delete(HEARTBEAT_KEY)


def test_without_a_broker_there_is_no_worker_to_watch(settings):
    settings.CELERY_BROKER_URL = ""
    assert worker_heartbeat_status()["status"] == "not_configured"


def test_a_worker_that_never_started_a_task_is_stale(with_broker):
    status = worker_heartbeat_status(now=NOW)
    assert status["status"] == "stale"
    assert "no worker" in status["detail"]


def test_a_recent_task_means_the_worker_is_alive(with_broker):
    record_worker_heartbeat(now=NOW - 59)
    assert worker_heartbeat_status(now=NOW) == {"status": "ok", "seconds_since_last_task": 59}


def test_no_task_for_longer_than_the_limit_is_stale(with_broker):
    record_worker_heartbeat(now=NOW - 61)
    status = worker_heartbeat_status(now=NOW)
    assert status["status"] == "stale"
    assert status["seconds_since_last_task"] == 61


def test_tasks_run_in_process_are_no_heartbeat(with_broker):
    check_expression.delay({"x": {"shape": [1, 1]}}, "x", "x")  # eager in tests
    assert worker_heartbeat_status()["status"] == "stale"


def test_healthz_lists_the_worker_without_failing_the_web_tier(client, with_broker, monkeypatch):
    from config import health

    reachable = [(name, (lambda: health.OK) if name == "broker" else check) for name, check in health.CHECKS]
    monkeypatch.setattr(health, "CHECKS", reachable)
    response = client.get("/healthz")
    assert response.status_code == 200  # the web tier can still serve pages and saves
    assert response.json()["worker"]["status"] == "stale"
    record_worker_heartbeat()
    assert client.get("/healthz").json()["worker"]["status"] == "ok"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_beats_when_it_starts_a_task(redis_url, tmp_path, monkeypatch, settings):
    settings.CELERY_BROKER_URL = redis_url
    before = time.time()
    environment = {"DATABASE_URL": database_url_for_workers()}  # the cache the test reads (or CACHE_URL)
    with queue_worker(redis_url, tmp_path / "worker.log", monkeypatch, **environment) as worker:
        result = check_expression.apply_async(args=[{"x": {"shape": [1, 1]}}, "x", "x"], queue=worker.queue)
        assert result.get(timeout=60)["verdict"] == "correct"
    status = worker_heartbeat_status()
    assert status["status"] == "ok", (status, (tmp_path / "worker.log").read_text())
    assert status["seconds_since_last_task"] <= time.time() - before + 1
