"""Attempts: drawing, pinning, timing and grace, finalization, grading — the rules, at the model level."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from exams.models import Attempt, Domain, Exam, Question
from exams.models.attempts import AttemptError

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(make_question):
    """Four published numeric questions in each of domains 2 and 3 (answer: 2)."""
    questions = []
    for number in (2, 3):
        for _ in range(4):
            questions.append(make_question("numeric", domain=Domain.objects.get(number=number)))
    return questions


@pytest.fixture
def exam(bank):
    return Exam.objects.create(
        slug="mini",
        title="Mini exam",
        description="Two from each domain.",
        blueprint=[{"domain": 2, "count": 2}, {"domain": 3, "count": 2}],
        time_limit_minutes=10,
        pass_mark=50,
    )


def test_starting_draws_by_the_blueprint_and_pins_versions(exam, learner):
    attempt = exam.start_attempt(learner)
    items = list(attempt.questions.all())
    assert [item.position for item in items] == [1, 2, 3, 4]
    assert sorted(item.domain_number for item in items) == [2, 2, 3, 3]
    assert all(item.version == item.question.current_version for item in items)
    assert len({item.question_id for item in items}) == 4


def test_the_deadline_is_stored_at_start_with_the_learners_multiplier(exam, learner, make_exam):
    now = timezone.now()
    assert exam.start_attempt(learner, now=now).deadline == now + timedelta(minutes=10)
    learner.time_multiplier = 1.5
    learner.save()
    other = make_exam("other", time_limit_minutes=10)
    assert other.start_attempt(learner, now=now).deadline == now + timedelta(minutes=15)


def test_a_learner_resumes_their_open_attempt(exam, learner):
    first = exam.start_attempt(learner)
    assert exam.start_attempt(learner) == first
    assert Attempt.objects.count() == 1


def test_the_database_refuses_two_open_attempts(exam, learner):
    exam.start_attempt(learner)
    with pytest.raises(IntegrityError):
        Attempt.objects.create(exam=exam, learner=learner, seed=1, started_at=timezone.now())


def test_a_retake_prefers_questions_not_seen_last_time(exam, learner):
    first = exam.start_attempt(learner)
    first.submit()
    second = exam.start_attempt(learner)
    assert second != first
    seen = set(first.questions.values_list("question_id", flat=True))
    assert not seen & set(second.questions.values_list("question_id", flat=True))


def test_retakes_reuse_questions_when_the_pool_is_small(exam, learner):
    for _ in range(3):
        attempt = exam.start_attempt(learner)
        assert attempt.questions.count() == 4
        attempt.submit()


def test_a_blueprint_the_bank_cannot_fill_is_refused(bank, learner, make_exam):
    exam = make_exam("big", blueprint=[{"domain": 2, "count": 9}])
    with pytest.raises(AttemptError, match="it needs 9 questions from domain 2, and only 4 are published"):
        exam.start_attempt(learner)
    assert not Attempt.objects.exists()


def test_choice_options_are_shuffled_per_attempt(make_question, learner, make_exam):
    options = [(f"option {i}", i == 0) for i in range(8)]
    make_question("single_choice", options=options)
    exam = make_exam()
    orders = set()
    for _ in range(6):
        attempt = exam.start_attempt(learner)
        item = attempt.questions.get()
        order = [shown["option"] for shown in item.shown_options]
        assert sorted(order) == list("abcdefgh")
        assert [option["id"] for option in item.view["options"]] == [s["id"] for s in item.shown_options]
        orders.add(tuple(order))
        attempt.submit()
    assert len(orders) > 1


def test_an_attempt_keeps_its_version_after_the_question_is_edited(exam, learner, committed):
    attempt = exam.start_attempt(learner)
    item = attempt.questions.first()
    question = item.question
    question.answer = "3"
    question.save()
    question.record_version()
    attempt.save_answer(item.position, "2")
    committed(attempt.submit)
    item.refresh_from_db()
    assert item.version.number == 1
    assert item.response.verdict == "correct"  # graded against the version it showed: the key was 2


def test_saves_are_idempotent_and_the_latest_stamp_wins(exam, learner):
    attempt = exam.start_attempt(learner)
    now = timezone.now()
    attempt.save_answer(1, "5", saved_at=now - timedelta(seconds=5), now=now)
    attempt.save_answer(1, "5", saved_at=now - timedelta(seconds=5), now=now)
    # An older change, delivered late, does not overwrite the newer one.
    attempt.save_answer(1, "4", saved_at=now - timedelta(seconds=9), now=now)
    response = attempt.questions.get(position=1).response
    assert response.answer == "5"
    assert response.saved_at == now - timedelta(seconds=5)


def test_a_save_made_before_the_deadline_is_accepted_within_the_grace_period(exam, learner):
    start = timezone.now()
    attempt = exam.start_attempt(learner, now=start)
    deadline = attempt.deadline
    attempt.save_answer(
        1, "2", saved_at=deadline - timedelta(seconds=2), now=deadline + timedelta(seconds=20)
    )
    assert attempt.questions.get(position=1).response.answer == "2"


def test_a_save_made_after_the_deadline_is_rejected(exam, learner):
    attempt = exam.start_attempt(learner)
    deadline = attempt.deadline
    with pytest.raises(AttemptError, match="time limit has passed"):
        attempt.save_answer(
            1, "2", saved_at=deadline + timedelta(seconds=1), now=deadline + timedelta(seconds=2)
        )


def test_a_save_delivered_after_the_grace_period_is_rejected(exam, learner, settings):
    settings.EXAM_GRACE_SECONDS = 30
    attempt = exam.start_attempt(learner)
    deadline = attempt.deadline
    with pytest.raises(AttemptError, match="time limit has passed"):
        attempt.save_answer(
            1, "2", saved_at=deadline - timedelta(seconds=1), now=deadline + timedelta(seconds=31)
        )
    assert not attempt.questions.filter(response__isnull=False).exists()


def test_an_abandoned_attempt_is_finalized_with_the_answers_saved_so_far(exam, learner, committed):
    attempt = exam.start_attempt(learner)
    attempt.save_answer(1, "2")
    late = attempt.deadline + timedelta(minutes=5)
    assert committed(attempt.finalize_if_expired, late)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED  # embedded mode grades in-process right away
    assert attempt.finalized_by == Attempt.FinalizedBy.DEADLINE
    assert attempt.questions.get(position=1).response.score == 1.0
    assert attempt.score == pytest.approx(0.25)


def test_an_attempt_within_its_time_is_not_finalized(exam, learner):
    attempt = exam.start_attempt(learner)
    assert not attempt.finalize_if_expired(attempt.deadline + timedelta(seconds=10))
    assert attempt.status == Attempt.Status.OPEN


def test_submitted_answers_can_no_longer_change(exam, learner):
    attempt = exam.start_attempt(learner)
    attempt.submit()
    with pytest.raises(AttemptError, match="submitted"):
        attempt.save_answer(1, "2")


def test_grading_scores_each_domain_and_the_pass_mark(exam, learner, committed):
    attempt = exam.start_attempt(learner)
    items = list(attempt.questions.all())
    for item in items:
        attempt.save_answer(item.position, "2" if item.domain_number == 2 else "7")
    committed(attempt.submit)
    attempt.refresh_from_db()
    assert attempt.score == pytest.approx(0.5)
    assert attempt.passed is True  # the pass mark is 50%
    assert attempt.domain_scores["2"] == {"name": "Review of Prerequisites", "earned": 2.0, "possible": 2}
    assert attempt.domain_scores["3"]["earned"] == 0.0


def test_grading_twice_changes_nothing(exam, learner, committed):
    attempt = exam.start_attempt(learner)
    attempt.save_answer(1, "2")
    committed(attempt.submit)
    attempt.refresh_from_db()
    graded_at = attempt.graded_at
    Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.SUBMITTED)
    attempt.grade()
    attempt.refresh_from_db()
    assert attempt.score == pytest.approx(0.25)
    assert attempt.questions.get(position=1).response.graded_at <= graded_at


def test_an_answer_that_cannot_be_checked_is_marked_for_review(exam, learner, committed):
    attempt = exam.start_attempt(learner)
    item = attempt.questions.get(position=1)
    version = item.version
    version.content = {**version.content, "answer": "not a number"}
    version.save()
    attempt.save_answer(1, "2")
    committed(attempt.submit)
    response = attempt.questions.get(position=1).response
    assert response.needs_review
    assert response.verdict == "review"
    assert "review" in response.message


def test_a_choice_answer_must_name_the_questions_options(make_question, learner, committed, make_exam):
    make_question("single_choice")
    exam = make_exam()
    attempt = exam.start_attempt(learner)
    with pytest.raises(AttemptError, match="not one of this question's options"):
        attempt.save_answer(1, ["z"])
    with pytest.raises(AttemptError, match="not one of this question's options"):
        attempt.save_answer(1, ["a"])  # the version's own ids are never accepted: they are not secret
    item = attempt.questions.get()
    attempt.save_answer(1, item.key())
    committed(attempt.submit)
    assert attempt.questions.get().response.verdict == "correct"


def test_practice_checks_give_feedback_and_reveal_hints_and_the_solution(
    make_question, learner, committed, make_exam
):
    make_question("numeric", hints=("First hint.", "Second hint."))
    exam = make_exam("drill", mode="practice")
    attempt = exam.start_attempt(learner)
    assert attempt.deadline is None
    item = attempt.questions.get()
    outcome = item.check_now("3")
    assert outcome.verdict == "incorrect"
    item.refresh_from_db()
    assert not item.solution_shown  # the learner may try again first (issue 15: it used to open here)
    item.reveal_hint()
    item.reveal_hint()
    item.reveal_hint()
    assert item.hints_shown == 2
    # A practice check is not the final grade: submitting grades the saved answer again.
    attempt.save_answer(1, "2")
    committed(attempt.submit)
    assert attempt.questions.get().response.verdict == "correct"


def test_only_published_questions_are_drawn(make_question, learner, make_exam):
    make_question("numeric", status=Question.Status.DRAFT)
    make_question("numeric", status=Question.Status.RETIRED)
    published = make_question("numeric")
    exam = make_exam()
    assert exam.start_attempt(learner).questions.get().question == published
