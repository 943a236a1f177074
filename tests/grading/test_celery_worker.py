"""A real Celery worker process on Redis grades an answer: the production path, end to end."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from config.celery import app
from grading.tasks import check_expression

ROOT = Path(__file__).resolve().parents[2]
SYMBOLS = {"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}}


WORKER_COMMAND = [
    sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
    "--without-gossip", "--without-mingle", "--loglevel", "INFO",
]  # fmt: skip


@pytest.fixture
def worker(redis_url, tmp_path):
    env = {**os.environ, "CELERY_BROKER_URL": redis_url, "CELERY_RESULT_BACKEND": redis_url}
    log = (tmp_path / "worker.log").open("w")
    # A queue of its own, so parallel test runs (and any other worker on this Redis) never take its tasks.
    queue = f"grading-test-{uuid.uuid4().hex}"
    process = subprocess.Popen(
        [*WORKER_COMMAND, "--queues", queue, "--hostname", f"{queue}@%h"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    process.queue = queue
    previous = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    yield process
    app.conf.update(previous)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


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
