"""Grading is never lost: a worker killed mid-grading, a broker outage at submission, and the sweep that
catches what the queue missed — with real Celery worker processes, a real Redis and nothing mocked.

Each test runs its own `redis-server` on a free port, so it can stop and restart it without touching the
machine's shared Redis, and so its workers may consume the production queues (`grading,celery`, as in
docker-compose.yml) without taking anyone else's tasks. The workers use the test database: they are other
processes, so the tests are transactional and everything they create is committed.
"""

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from kombu import Connection

from exams.models import Attempt, Response
from grading.tasks import check_expression, grade_attempt, sweep_attempts
from tests.workers import WORKER_COMMAND as BASE_WORKER_COMMAND
from tests.workers import database_url_for_workers, use_broker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # seconds any one wait may take before the test fails

WORKER_COMMAND = [*BASE_WORKER_COMMAND, "--queues", "grading,celery"]
POOLS = {
    "solo": ["--pool", "solo"],  # tasks run in the worker process itself: killing it kills the worker
    "prefork": ["--pool", "prefork", "--concurrency", "1"],  # as in production: tasks run in a child
}


def wait_for(condition, what, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {what}")
        time.sleep(0.05)
    return result


# --- A private Redis ----------------------------------------------------------------------------------


class PrivateRedis:
    """A `redis-server` of this test's own that it can stop and start; it keeps nothing on disk, so a
    restart loses every queued message, as a broker restart without persistence does."""

    def __init__(self, binary, directory):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.command = [
            binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--dir", str(directory),
        ]  # fmt: skip
        self.log = directory / "redis.log"
        self.process = None

    def client(self):
        return redis.Redis.from_url(self.url, socket_connect_timeout=2)

    def start(self):
        with self.log.open("a") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT)
        wait_for(self._answers, f"redis-server on port {self.port} (log: {self.log})", timeout=20)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def _answers(self):
        if self.process.poll() is not None:
            raise AssertionError(f"redis-server exited: {self.log.read_text()}")
        try:
            return self.client().ping()
        except redis.exceptions.ConnectionError:
            return False

    def tasks(self, where):
        """(task name, task id, argsrepr) of the messages in a queue, or of those delivered to a worker
        and not acknowledged yet (`where="unacked"`)."""
        client = self.client()
        if where == "unacked":
            messages = [json.loads(value)[0] for value in client.hvals("unacked")]
        else:
            messages = [json.loads(value) for value in client.lrange(where, 0, -1)]
        return [(m["headers"]["task"], m["headers"]["id"], m["headers"]["argsrepr"]) for m in messages]

    def grading_tasks(self, where, attempt):
        return [
            task_id
            for name, task_id, args in self.tasks(where)
            if name == grade_attempt.name and str(attempt.pk) in args
        ]

    def redeliver_unacknowledged(self):
        """What the Redis transport does once a message's visibility timeout (an hour by default) has
        passed: put every message a consumer took but never acknowledged back on its queue."""
        with Connection(self.url, transport_options={"visibility_timeout": 0}) as broker_connection:
            broker_connection.default_channel.qos.restore_visible(num=100)


@pytest.fixture
def broker(tmp_path, monkeypatch):
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CELERY_BROKER_URL"):
            pytest.fail("redis-server is not installed; these tests start a private one")
        pytest.skip("redis-server is not installed (these tests start a private one)")
    server = PrivateRedis(binary, tmp_path)
    server.start()
    # As in production (settings.py): results go to the broker's Redis.
    with use_broker(server.url, monkeypatch):
        yield server
    server.stop()


# --- Real workers ---------------------------------------------------------------------------------------


class Worker:
    def __init__(self, number, env, directory, pool):
        self.log_path = directory / f"worker-{number}.log"
        self.pool = pool
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [*WORKER_COMMAND, *POOLS[pool], "--hostname", f"worker-{number}-{os.getpid()}@%h"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log(self):
        return self.log_path.read_text(errors="replace")

    def is_ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited:\n{self.log()}")
        return " ready." in self.log()

    def task_processes(self):
        """The ids of the processes that run tasks: the worker itself, or its pool's children (Linux)."""
        if self.pool == "solo":
            return [self.process.pid]
        return [
            int(pid)
            for pid in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        ]

    def has_open(self, path):
        """Whether a task process has this file open (Linux): SQLite's stand-in for pg_stat_activity."""
        for pid in self.task_processes():
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) == str(path):
                        return True
                except FileNotFoundError:
                    pass
        return False

    def kill(self):
        """SIGKILL: no warm shutdown, nothing acknowledged or handed back to the broker."""
        self.process.kill()
        self.process.wait(timeout=10)

    def kill_pool_process(self):
        """SIGKILL the pool's child process (the OOM killer's usual victim); the worker itself lives on."""
        [pid] = self.task_processes()
        os.kill(pid, signal.SIGKILL)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def start_worker(broker, tmp_path):
    """Start a worker on the private broker and the test database; every worker is stopped afterwards."""
    started = []

    def start(pool="solo"):
        env = {
            **os.environ,
            "CELERY_BROKER_URL": broker.url,
            "CELERY_RESULT_BACKEND": broker.url,
            "DATABASE_URL": database_url_for_workers(),
        }
        worker = Worker(len(started) + 1, env, tmp_path, pool)
        started.append(worker)
        wait_for(worker.is_ready, f"worker {len(started)} to start (log: {worker.log_path})")
        return worker

    yield start
    for worker in started:
        worker.stop()
    for worker in started:  # shown by pytest when the test failed
        print(f"--- {worker.log_path.name} ---\n{worker.log()}")


# --- Data -----------------------------------------------------------------------------------------------


@pytest.fixture
def exam(make_question, make_exam):
    """A timed exam of four numeric questions (answer: 2), pass mark 50%."""
    for _ in range(4):
        make_question("numeric")
    return make_exam("resilience", count=4, pass_mark=50)


def answered(exam, learner, right, now=None):
    """An open attempt with every question answered, the first `right` of them correctly."""
    attempt = exam.start_attempt(learner, now=now)
    for item in attempt.questions.all():
        attempt.save_answer(item.position, "2" if item.position <= right else "5", now=now)
    return attempt


def graded(attempt):
    attempt.refresh_from_db()
    return attempt.status == Attempt.Status.GRADED


def responses(attempt):
    return Response.objects.filter(attempt_question__attempt=attempt).order_by("attempt_question__position")


def assert_graded_once(attempt, score):
    """Graded, with the right score, and every response graded by one and the same run of grade()."""
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.score == pytest.approx(score)
    assert attempt.passed is (score >= 0.5)
    assert [response.graded_at for response in responses(attempt)] == [attempt.graded_at] * 4
    assert sum(response.score for response in responses(attempt)) == pytest.approx(4 * score)


# --- Holding grading up ---------------------------------------------------------------------------------


class GradingHeldUp:
    """Hold a database lock that a worker's grading must wait for, until the block exits.

    PostgreSQL: a row lock (SELECT ... FOR UPDATE, on another connection, in a thread) on the response that
    grade() writes last. grade() locks the attempt, grades the other responses and writes them, then waits
    for this row: the worker is in the middle of grading, with uncommitted work, for as long as the test
    likes. pg_stat_activity shows that wait (an UPDATE of a response, blocked by this lock), so the test
    acts on a fact rather than a sleep.

    SQLite: select_for_update does nothing there and its only lock is the whole database, so the test holds
    an EXCLUSIVE lock; the worker's task waits at its first query (its busy timeout is longer than the
    test). The fact the test waits for is that the worker process has opened the database file: Celery's
    Django fixup closes connections before each task, so an idle worker has it closed.
    """

    def __init__(self, attempt):
        self.last_response = responses(attempt).last()
        self.postgres = connection.vendor == "postgresql"

    def __enter__(self):
        if self.postgres:
            self._locked, self._release = threading.Event(), threading.Event()
            self._thread = threading.Thread(target=self._hold_row_lock, daemon=True)
            self._thread.start()
            assert self._locked.wait(TIMEOUT), "the lock was not taken"
        else:
            self._sqlite = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
            self._sqlite.execute("BEGIN EXCLUSIVE")
        return self

    def _hold_row_lock(self):
        try:
            with transaction.atomic():
                Response.objects.select_for_update().get(pk=self.last_response.pk)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    self.backend_pid = cursor.fetchone()[0]
                self._locked.set()
                self._release.wait(4 * TIMEOUT)
        finally:
            connection.close()

    def is_waited_for_by(self, worker):
        if not self.postgres:
            return worker.has_open(connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT query FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [self.backend_pid]
            )
            return any(query.startswith('UPDATE "exams_response"') for (query,) in cursor.fetchall())

    def __exit__(self, *exc_info):
        if self.postgres:
            self._release.set()
            self._thread.join(TIMEOUT)
        else:
            self._sqlite.execute("ROLLBACK")
            self._sqlite.close()


# --- The tests ------------------------------------------------------------------------------------------


def test_an_attempt_whose_worker_is_killed_mid_grading_is_graded_once_by_the_next_worker(
    exam, learner, broker, start_worker, settings
):
    attempt = answered(exam, learner, right=3)
    attempt.submit()  # no worker yet: the grading task waits on the queue
    assert len(broker.grading_tasks("grading", attempt)) == 1

    with GradingHeldUp(attempt) as held_up:
        first = start_worker()
        wait_for(lambda: held_up.is_waited_for_by(first), "the worker to be held up in the middle of grading")
        first.kill()

    # The killed run committed nothing, and its task was never acknowledged (acks_late): Redis keeps it.
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert not responses(attempt).filter(graded_at__isnull=False).exists()
    [killed_task] = broker.grading_tasks("unacked", attempt)

    # A new worker starts; the sweep re-enqueues the attempt, still ungraded after the retry delay.
    second = start_worker()
    settings.GRADING_RETRY_AFTER_SECONDS = 0
    assert sweep_attempts() == {"finalized": 0, "requeued": 1}
    wait_for(lambda: graded(attempt), "the attempt to be graded")
    assert_graded_once(attempt, 0.75)
    graded_at = attempt.graded_at

    # An hour later Redis hands the killed worker's task back; running it again changes nothing.
    broker.redeliver_unacknowledged()
    wait_for(
        lambda: f"{grade_attempt.name}[{killed_task}] succeeded" in second.log(),
        "the redelivered task to run",
    )
    assert_graded_once(attempt, 0.75)
    assert attempt.graded_at == graded_at
    assert not broker.grading_tasks("unacked", attempt)


def test_a_pool_process_killed_mid_grading_has_its_task_requeued_and_graded_once(
    exam, learner, broker, start_worker
):
    attempt = answered(exam, learner, right=1)
    attempt.submit()

    with GradingHeldUp(attempt) as held_up:
        worker = start_worker(pool="prefork")
        wait_for(lambda: held_up.is_waited_for_by(worker), "the pool process to be held up mid-grading")
        worker.kill_pool_process()

    # reject_on_worker_lost: the worker puts the task back on the queue and a fresh pool process grades it
    # at once, with no sweep.
    wait_for(lambda: graded(attempt), "the attempt to be graded")
    assert_graded_once(attempt, 0.25)
    assert "WorkerLostError" in worker.log()
    assert not broker.grading_tasks("unacked", attempt)


def test_a_submission_during_a_broker_outage_is_kept_and_graded_once_the_broker_is_back(
    exam, learner, broker, start_worker, client, settings, caplog
):
    attempt = answered(exam, learner, right=2)
    client.force_login(learner)

    broker.stop()
    page = client.post(reverse("attempt_submit", args=[attempt.pk]), {"confirm": "1"})
    broker.start()

    # The learner's submission went through and is stored, though its grading could not be enqueued.
    assert page.status_code == 302
    assert page.url == reverse("attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert f"Could not enqueue the grading of attempt {attempt.pk}" in caplog.text
    assert not broker.tasks("grading")

    # The sweep (here its management command) re-enqueues it, and a worker grades it.
    start_worker()
    settings.GRADING_RETRY_AFTER_SECONDS = 0
    call_command("sweep_attempts")
    wait_for(lambda: graded(attempt), "the attempt to be graded")
    assert_graded_once(attempt, 0.5)


def test_the_sweep_regrades_what_a_broker_restart_lost_and_finalizes_expired_attempts(
    exam, learner, broker, start_worker, settings
):
    submitted = answered(exam, learner, right=4)
    submitted.submit()
    # An attempt abandoned ten minutes ago: its five minutes and the grace period are over.
    abandoned = answered(exam, learner, right=1, now=timezone.now() - timedelta(minutes=10))
    assert abandoned.is_expired(timezone.now())
    # Deadlines are the sweep's job: starting an attempt leaves no task on the broker.
    assert {name for name, _, _ in broker.tasks("grading")} == {grade_attempt.name}

    broker.stop()  # a broker restart: the grading task is lost
    broker.start()
    assert not broker.tasks("grading")
    start_worker()

    # Within GRADING_RETRY_AFTER_SECONDS the submitted attempt is left alone; the expired one is finalized
    # with the answers saved so far, and graded.
    settings.GRADING_RETRY_AFTER_SECONDS = 60
    assert sweep_attempts() == {"finalized": 1, "requeued": 0}
    wait_for(lambda: graded(abandoned), "the abandoned attempt to be graded")
    assert abandoned.finalized_by == Attempt.FinalizedBy.SWEEP
    assert_graded_once(abandoned, 0.25)
    submitted.refresh_from_db()
    assert submitted.status == Attempt.Status.SUBMITTED

    # Once GRADING_RETRY_AFTER_SECONDS have passed, the sweep re-enqueues it.
    settings.GRADING_RETRY_AFTER_SECONDS = 1
    retry_after = submitted.grading_enqueued_at + timedelta(seconds=1)
    wait_for(lambda: timezone.now() > retry_after, "GRADING_RETRY_AFTER_SECONDS to pass")
    assert sweep_attempts() == {"finalized": 0, "requeued": 1}
    wait_for(lambda: graded(submitted), "the submitted attempt to be graded")
    assert_graded_once(submitted, 1.0)


@pytest.mark.parametrize("pool", ["solo", "prefork"])
def test_a_worker_holding_unacknowledged_tasks_survives_a_broker_restart_and_keeps_grading(
    exam, learner, broker, start_worker, pool
):
    worker = start_worker(pool)
    # A task due in an hour: the worker takes it at once and holds it, unacknowledged, until it is due.
    check_expression.apply_async(args=[{"x": {"shape": [1, 1]}}, "x", "x"], countdown=3600)
    wait_for(lambda: broker.tasks("unacked"), "the worker to hold the delayed task")

    broker.stop()  # Celery 5.7 alone exits here: "Unrecoverable error: AttributeError(...'hostname')"
    broker.start()

    attempt = answered(exam, learner, right=3)
    attempt.submit()
    wait_for(lambda: graded(attempt), "the same worker to grade an attempt submitted after the restart")
    assert_graded_once(attempt, 0.75)
    assert worker.process.poll() is None, "the worker must still be running"
    assert "Unrecoverable error" not in worker.log()
    assert "Closed the lost broker connection" in worker.log()
