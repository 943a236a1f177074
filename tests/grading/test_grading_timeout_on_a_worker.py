"""On a real Celery worker, a check that never finishes is stopped by the grading time limit: the answer
waits for review, the rest of the attempt is graded, and the worker goes on with its next task."""

import time

import pytest
from django.utils import timezone

from exams.models import Attempt, Response
from grading.tasks import grade_attempt
from tests.grading.pathological import PATHOLOGICAL
from tests.workers import database_url_for_workers, queue_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(redis_url, tmp_path, monkeypatch):
    environment = {
        "DJANGO_SETTINGS_MODULE": "tests.grading.pathological_worker_settings",
        "DATABASE_URL": database_url_for_workers(),
    }
    with queue_worker(redis_url, tmp_path / "worker.log", monkeypatch, **environment) as process:
        process.log_path = tmp_path / "worker.log"
        yield process


def submitted_attempt(exam, learner, answers):
    """An attempt submitted with `answers` by type, marked submitted without enqueueing anything."""
    attempt = exam.start_attempt(learner)
    for item in attempt.questions.all():
        attempt.save_answer(item.position, answers[item.content["type"]])
    Attempt.objects.filter(pk=attempt.pk).update(status="submitted", submitted_at=timezone.now())
    return attempt


def wait_for_status(attempt, statuses, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        attempt.refresh_from_db()
        if attempt.status in statuses:
            return attempt
        time.sleep(0.1)
    raise AssertionError(f"attempt still {attempt.status} after {timeout} s")


def test_a_check_that_never_finishes_is_stopped_and_put_up_for_review(
    worker, make_question, make_exam, learner, django_user_model
):
    make_question("numeric")
    make_question("expression")
    exam = make_exam("pair", count=2)
    attempt = submitted_attempt(exam, learner, {"numeric": "2", "expression": PATHOLOGICAL})

    started = time.monotonic()
    grade_attempt.apply_async(args=[str(attempt.pk)], queue=worker.queue)
    wait_for_status(attempt, {"review", "graded"})

    assert attempt.status == "review"
    assert time.monotonic() - started < 30
    stuck = Response.objects.get(
        attempt_question__attempt=attempt, attempt_question__question__type="expression"
    )
    assert stuck.needs_review and stuck.review_reason == "Grading was stopped after 1 s (time limit)."
    assert Response.objects.get(attempt_question__attempt=attempt, verdict="correct")  # the numeric one
    assert "ERROR" in worker.log_path.read_text() and str(attempt.pk) in worker.log_path.read_text()

    # The worker is free: the next attempt (numeric only) is graded at once.
    other = django_user_model.objects.create_user("bo@example.com", "pw")
    numeric_only = make_exam("solo", blueprint=[{"type": "numeric", "count": 1}])
    follow_up = submitted_attempt(numeric_only, other, {"numeric": "2"})
    grade_attempt.apply_async(args=[str(follow_up.pk)], queue=worker.queue)
    assert wait_for_status(follow_up, {"graded"}, timeout=30).percent == 100.0
