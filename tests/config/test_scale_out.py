"""Nothing assumes a single process: two web servers and two Celery workers, on different ports, sharing
one PostgreSQL database and one Redis (the broker, and the cache that holds sessions and rate limits).

A learner signs in on one web server and carries on on the other; sign-in limits count across both; an
exam taken through both is graded once; two sweeps running at once on the two workers finalize and grade
each expired attempt exactly once. Needs PostgreSQL (DATABASE_URL) and redis-server, like the other
worker tests; skipped on the embedded run.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from django.conf import global_settings
from django.db import connection
from django.utils import timezone

from exams.models import Attempt, Response
from grading.tasks import sweep_attempts
from tests.grading.test_grading_resilience import PrivateRedis, wait_for
from tests.workers import WORKER_COMMAND, database_url_for_workers, use_broker

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Processes:
    """Started processes, stopped (and their logs shown) at the end."""

    def __init__(self, directory: Path):
        self.directory, self.started = directory, []

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = (self.directory / f"{name}.log").open("w")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.started.append((name, process))
        return process

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(errors="replace")

    def stop(self):
        for _, process in self.started:
            process.terminate()
        for name, process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            print(f"--- {name} ---\n{self.log(name)[-3000:]}")


@pytest.fixture
def stack(tmp_path, monkeypatch, settings):
    """Two gunicorn servers and two workers; yields the servers' base URLs."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL (SQLite is one file on one machine)")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed")
    redis_server = PrivateRedis(binary, tmp_path)
    redis_server.start()
    broker, cache = redis_server.url, redis_server.url.replace("/0", "/1")
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_workers(),
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CACHE_URL": cache,
        "LOGIN_RATE_PER_IP": "3/5m",
        "LOGIN_RATE_PER_ACCOUNT": "100/5m",
    }
    processes = Processes(tmp_path)
    servers = []
    try:
        for number in (1, 2):
            port = free_port()
            command = [sys.executable, "-m", "gunicorn", "config.wsgi:application",
                       "--bind", f"127.0.0.1:{port}", "--workers", "1"]  # fmt: skip
            processes.start(f"web-{number}", command, env)
            servers.append(f"http://127.0.0.1:{port}")
        for number in (1, 2):
            command = [*WORKER_COMMAND, "--queues", "grading,celery", "--pool", "solo",
                       "--hostname", f"scale-{number}-{os.getpid()}@%h"]  # fmt: skip
            processes.start(f"worker-{number}", command, env)
        for base in servers:
            wait_for(lambda base=base: _answers(base), f"{base} to answer")
        for number in (1, 2):
            wait_for(lambda n=number: " ready." in processes.log(f"worker-{n}"), f"worker {number} to start")
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache}
        }
        with use_broker(broker, monkeypatch):
            yield servers
    finally:
        processes.stop()
        redis_server.stop()


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=10).status_code in (200, 503)
    except requests.RequestException:  # not listening yet, or still importing the app
        return False


@pytest.fixture
def real_password(settings, django_user_model, password):
    """A learner whose password the servers (with the production hashers) can check."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    return django_user_model.objects.create_user("grace@example.com", password, display_name="Grace Hopper")


def sign_in(http: requests.Session, base: str, email: str, password: str) -> requests.Response:
    page = http.get(f"{base}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return http.post(
        f"{base}/accounts/login/",
        {"username": email, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
    )


def form_token(http: requests.Session, url: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', http.get(url).text).group(1)


def test_a_session_started_on_one_server_is_known_to_the_other(stack, real_password, password):
    web_a, web_b = stack
    http = requests.Session()
    assert sign_in(http, web_a, "grace@example.com", password).status_code == 302
    dashboard = http.get(f"{web_b}/dashboard/", allow_redirects=False)
    assert dashboard.status_code == 200
    assert "Grace Hopper" in dashboard.text


def test_sign_in_limits_count_across_servers(stack, real_password, password):
    web_a, web_b = stack
    outcomes = [
        sign_in(requests.Session(), base, "nobody@example.com", "wrong").status_code
        for base in (web_a, web_b, web_a, web_b)
    ]
    assert outcomes == [200, 200, 200, 429]  # three per address, wherever they land


def test_an_exam_taken_through_both_servers_is_graded_once(stack, real_password, password, certifying_exam):
    web_a, web_b = stack
    http = requests.Session()
    sign_in(http, web_a, "grace@example.com", password)
    started = http.post(
        f"{web_a}/exams/{certifying_exam.slug}/start/",
        {"csrfmiddlewaretoken": form_token(http, f"{web_a}/exams/{certifying_exam.slug}/start/")},
        allow_redirects=False,
    )
    assert started.status_code == 302
    attempt = Attempt.objects.get(learner=real_password)
    for position, base in ((1, web_b), (2, web_a)):
        saved = http.post(
            f"{base}/attempts/{attempt.pk}/questions/{position}/answer",
            json={"answer": "2"},
            headers={"X-CSRFToken": http.cookies["csrftoken"]},
        )
        assert saved.json()["saved"] is True
    submit_url = f"{web_b}/attempts/{attempt.pk}/submit/"
    http.post(submit_url, {"confirm": "1", "csrfmiddlewaretoken": form_token(http, submit_url)})
    wait_for(lambda: Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.GRADED, "the grading")
    attempt.refresh_from_db()
    assert attempt.score == 1.0
    graded = Response.objects.filter(attempt_question__attempt=attempt).values_list("graded_at", flat=True)
    assert set(graded) == {attempt.graded_at}  # one grading run wrote every answer


def test_two_sweeps_at_once_finalize_and_grade_each_expired_attempt_once(
    stack, certifying_exam, learner, author, admin_user
):
    long_ago = timezone.now() - timedelta(hours=1)
    expired = []
    for person in (learner, author, admin_user):
        attempt = certifying_exam.start_attempt(person, now=long_ago)
        attempt.save_answer(1, "2", now=long_ago)
        expired.append(attempt)
    # Both workers take one sweep each, at the same moment.
    sent = [sweep_attempts.apply_async(queue="grading") for _ in range(2)]
    results = [result.get(timeout=60) for result in sent]
    # Each sweep may count an attempt the other finalized a moment before (Attempt.submit is idempotent
    # under the row lock, but finalize_if_expired reports True for both): the attempts are what matter.
    assert sum(result["finalized"] for result in results) >= len(expired)
    for attempt in expired:
        wait_for(
            lambda a=attempt: Attempt.objects.get(pk=a.pk).status == Attempt.Status.GRADED, "the grading"
        )
        attempt.refresh_from_db()
        assert attempt.finalized_by == Attempt.FinalizedBy.SWEEP
        graded = Response.objects.filter(attempt_question__attempt=attempt).values_list(
            "graded_at", flat=True
        )
        assert set(graded) == {attempt.graded_at}
