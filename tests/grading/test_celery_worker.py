"""A real Celery worker process on Redis grades an answer: the production path, end to end."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.celery import app
from grading.tasks import check_expression

ROOT = Path(__file__).resolve().parents[2]
SYMBOLS = {"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}}


WORKER_COMMAND = [
    sys.executable, "-m", "celery", "-A", "config", "worker", "--queues", "grading,celery", "--pool", "solo",
    "--without-gossip", "--without-mingle", "--loglevel", "INFO",
]  # fmt: skip


@pytest.fixture
def worker(redis_url, tmp_path):
    env = {**os.environ, "CELERY_BROKER_URL": redis_url, "CELERY_RESULT_BACKEND": redis_url}
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [*WORKER_COMMAND, "--hostname", f"test-{os.getpid()}@%h"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
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
    result = check_expression.apply_async(args=[SYMBOLS, "(A + A^T) x", "A x + A' x"])
    outcome = result.get(timeout=60)
    assert outcome["verdict"] == "correct", outcome
    assert worker.poll() is None, "the worker must still be running"
    assert result.successful()
    # The task went through the grading queue, not the default one.
    assert check_expression.name == "grading.tasks.check_expression"
    assert app.amqp.router.route({}, check_expression.name)["queue"].name == "grading"


@pytest.mark.worker
def test_a_wrong_answer_comes_back_diagnosed(worker):
    outcome = check_expression.apply_async(args=[SYMBOLS, "(A + A^T) x", "-(A + A^T) x"]).get(timeout=60)
    assert outcome["verdict"] == "incorrect"
    assert "sign" in outcome["diagnosis"]
