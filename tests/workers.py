"""Helpers for tests that run real Celery worker processes: the command, the test database for another
process, and pointing this process's Celery app at a given broker for the length of a test."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[1]
WORKER_COMMAND = [
    sys.executable, "-m", "celery", "-A", "config", "worker",
    "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
]  # fmt: skip
# A busy timeout longer than any wait in the tests (SQLite's default is 5 s): a worker then waits for the
# database lock the way a PostgreSQL client waits for a row lock.
SQLITE_BUSY_TIMEOUT = 60


def database_url_for_workers():
    """The test database (its real name: pytest-xdist adds a suffix), for another process to use."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}?timeout={SQLITE_BUSY_TIMEOUT}"
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))


def drop_pooled_connections():
    # The app caches its broker connection pool and result backend on first use: forget them, so the next
    # task goes to the broker configured now (these are the attributes Celery itself resets after a fork).
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@contextmanager
def use_broker(url, monkeypatch):
    """Send this process's tasks to the broker at `url` (results kept there too), not in-process."""
    keys = ("broker_url", "result_backend", "task_always_eager")
    previous = {key: app.conf[key] for key in keys}
    # Celery reads these two from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setenv("CELERY_RESULT_BACKEND", url)
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    drop_pooled_connections()
    try:
        yield
    finally:
        app.conf.update(previous)
        drop_pooled_connections()


@contextmanager
def queue_worker(broker_url, log_path, monkeypatch, **environment):
    """A solo worker consuming a queue of its own (parallel test runs, and any other worker on the same
    Redis, never take its tasks), with this process sending tasks to the same broker. `environment` adds
    to the worker's environment (a settings module, the test database). Yields the process, whose
    `queue` attribute names the queue to send to."""
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "DXAM_TEST_QUEUE": queue,  # for settings that route every task there (tests.hostile.settings)
        **environment,
    }
    command = [*WORKER_COMMAND, "--pool", "solo", "--queues", queue, "--hostname", f"{queue}@%h"]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        process.queue = queue
        try:
            with use_broker(broker_url, monkeypatch):
                yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate a process started by a test, killing it if it does not exit in time."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
