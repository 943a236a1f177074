"""A real Celery worker process on Redis grades an answer: the production path, end to end."""

from pathlib import Path

import pytest

from config.celery import app
from grading.tasks import check_expression
from tests.workers import queue_worker

ROOT = Path(__file__).resolve().parents[2]
SYMBOLS = {"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}}


@pytest.fixture
def worker(redis_url, tmp_path, monkeypatch):
    with queue_worker(redis_url, tmp_path / "worker.log", monkeypatch) as process:
        yield process


@pytest.mark.worker
def test_a_real_worker_grades_an_answer_sent_through_redis(worker):
    result = check_expression.apply_async(args=[SYMBOLS, "(A + A^T) x", "A x + A' x"], queue=worker.queue)
    outcome = result.get(timeout=60)
    assert outcome["verdict"] == "correct", outcome
    assert worker.poll() is None, "the worker must still be running"
    assert result.successful()
    # In production the task goes through the grading queue.
    assert app.amqp.router.route({}, check_expression.name)["queue"].name == "grading"


@pytest.mark.worker
def test_a_wrong_answer_comes_back_diagnosed(worker):
    result = check_expression.apply_async(args=[SYMBOLS, "(A + A^T) x", "-(A + A^T) x"], queue=worker.queue)
    outcome = result.get(timeout=60)
    assert outcome["verdict"] == "incorrect"
    assert "sign" in outcome["diagnosis"]


@pytest.mark.worker
def test_a_broken_key_comes_back_for_review_not_as_a_wrong_answer(worker):
    result = check_expression.apply_async(args=[SYMBOLS, "(A + A^T", "A x + A' x"], queue=worker.queue)
    outcome = result.get(timeout=60)
    assert outcome["verdict"] == "review"
    assert "review" in outcome["message"]
    assert worker.poll() is None, "the worker must still be running"
