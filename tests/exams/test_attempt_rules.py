"""The attempt rules live in the model: whoever calls (page, API, ETA task, sweep), an expired attempt is
finalized as of its deadline, a stale save is not stored, and starting is idempotent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exams.models import Attempt
from exams.models.attempts import AttemptClosed, InvalidAnswer, NoSuchQuestion, TimeUp
from grading.tasks import sweep_attempts

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(make_question, make_exam):
    make_question("numeric", answer="42")
    return make_exam("rules", count=1, time_limit_minutes=10)


@pytest.fixture
def attempt(exam, learner):
    return exam.start_attempt(learner)


def expire(attempt, hours_ago=2):
    """Move the attempt into the past: its deadline (and start) `hours_ago` hours ago."""
    deadline = timezone.now() - timedelta(hours=hours_ago)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=deadline, started_at=deadline - timedelta(minutes=10)
    )
    attempt.refresh_from_db()
    return deadline


def test_starting_twice_resumes_and_says_which_call_created_it(exam, learner):
    first = exam.start_attempt(learner)
    again = exam.start_attempt(learner)
    assert (first.just_started, again.just_started) == (True, False)
    assert again.pk == first.pk


def test_starting_after_an_expired_attempt_finalizes_it_and_starts_afresh(exam, learner, attempt):
    deadline = expire(attempt)
    fresh = exam.start_attempt(learner)
    assert fresh.just_started and fresh.pk != attempt.pk
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submitted_at, attempt.finalized_by) == ("submitted", deadline, "access")


@pytest.mark.parametrize(
    "finalize",
    [
        pytest.param(lambda attempt: attempt.submit(), id="learner submits late"),
        pytest.param(lambda attempt: attempt.finalize_if_expired(), id="page or API access"),
        pytest.param(lambda attempt: sweep_attempts(), id="sweep"),
    ],
)
def test_whoever_finalizes_an_expired_attempt_records_the_deadline(attempt, finalize):
    deadline = expire(attempt)
    finalize(attempt)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.submitted_at == deadline
    assert attempt.finalized_by != Attempt.FinalizedBy.LEARNER


def test_a_save_to_an_expired_attempt_finalizes_it_and_is_refused(attempt):
    deadline = expire(attempt)
    with pytest.raises(TimeUp):
        attempt.save_answer(1, "42")
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submitted_at) == ("submitted", deadline)
    assert not hasattr(attempt.questions.get(), "response")


def test_a_save_to_a_submitted_attempt_is_attempt_closed(attempt):
    attempt.submit()
    with pytest.raises(AttemptClosed):
        attempt.save_answer(1, "42")


def test_a_stamp_older_than_the_stored_answer_is_not_stored(attempt):
    now = timezone.now()
    assert attempt.save_answer(1, "new", saved_at=now).saved
    stale = attempt.save_answer(1, "old", saved_at=now - timedelta(seconds=5))
    assert stale.saved is False
    assert stale.response.answer == "new"


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+00:00", "2001-01-01T00:00:00+00:00"])
def test_a_stamp_before_the_attempt_started_is_refused(attempt, stamp):
    from datetime import datetime

    with pytest.raises(InvalidAnswer) as refused:
        attempt.save_answer(1, "42", saved_at=datetime.fromisoformat(stamp))
    assert "saved_at" in refused.value.details


def test_a_control_character_in_an_answer_is_an_invalid_answer(attempt):
    with pytest.raises(InvalidAnswer):
        attempt.save_answer(1, "x\x00y")
    assert attempt.save_answer(1, "line one\nline two\tend").saved


def test_each_refusal_has_its_stable_code(attempt):
    with pytest.raises(NoSuchQuestion) as missing:
        attempt.save_answer(7, "1")
    with pytest.raises(InvalidAnswer) as wrong_type:
        attempt.save_answer(1, ["a"])
    assert (missing.value.code, wrong_type.value.code) == ("no_such_question", "invalid_answer")
