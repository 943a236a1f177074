"""Review policies: what a result shows right after submission and after the exam has closed for everyone,
applied alike by the results page, the API and the dashboard; and a close time for exams."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from exams.models import Exam, Option
from exams.models.attempts import AttemptError
from integrations.models import ApiKey, Integration, ProvisionedLearner

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(make_question, make_exam):
    make_question("numeric", answer="42", solution="SECRET-SOLUTION 42.")
    make_question("single_choice", options=[("wrong", False), ("KEY-OPTION", True)])
    return make_exam("policy", count=2, time_limit_minutes=10, pass_mark=50)


@pytest.fixture
def graded(exam, learner, committed):
    def take():
        attempt = exam.start_attempt(learner)
        for item in attempt.questions.all():
            attempt.save_answer(item.position, item.key() if item.is_choice else "41")
        committed(attempt.submit)
        attempt.refresh_from_db()
        return attempt

    return take


def policy(exam, after_submission, after_close=(), closes_at=None):
    Exam.objects.filter(pk=exam.pk).update(
        review_after_submission=list(after_submission),
        review_after_close=list(after_close),
        closes_at=closes_at,
    )


def page(client, attempt):
    return client.get(f"/attempts/{attempt.pk}/result/").content.decode()


def api_result(client, attempt):
    return client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()


def test_after_close_items_appear_only_once_the_exam_has_closed_for_everyone(
    client, learner, exam, graded, settings
):
    closes_at = timezone.now() + timedelta(hours=1)
    policy(exam, ["score"], ["correctness", "key", "solution"], closes_at)
    attempt = graded()
    client.force_login(learner)
    html = page(client, attempt)
    assert "Score: 50.0%" in html
    assert "Question by question" not in html and "SECRET-SOLUTION" not in html and "KEY-OPTION" not in html
    assert "questions" not in api_result(client, attempt)

    # Closed, but within the grace period late saves may still arrive: nothing more yet.
    Exam.objects.filter(pk=exam.pk).update(closes_at=timezone.now() - timedelta(seconds=5))
    assert "SECRET-SOLUTION" not in page(client, attempt)

    Exam.objects.filter(pk=exam.pk).update(
        closes_at=timezone.now() - timedelta(seconds=settings.EXAM_GRACE_SECONDS + 1)
    )
    html = page(client, attempt)
    assert "SECRET-SOLUTION" in html and "(correct)" in html and "Score: 50.0%" in html
    rows = api_result(client, attempt)["questions"]
    assert all({"verdict", "key", "solution"} <= set(row) and "message" not in row for row in rows)


def test_without_a_close_time_the_after_close_items_are_never_shown(client, learner, exam, graded):
    policy(exam, ["score"], ["key", "solution"])
    attempt = graded()
    client.force_login(learner)
    assert "SECRET-SOLUTION" not in page(client, attempt)
    assert api_result(client, attempt)["shows"] == ["score"]


def test_feedback_without_the_key_shows_the_answer_but_not_which_option_is_right(
    client, learner, exam, graded
):
    policy(exam, ["feedback"])
    attempt = graded()
    client.force_login(learner)
    html = page(client, attempt)
    assert "Your choice:" in html and "Your answer: <code>41</code>" in html
    assert "(correct)" not in html and "Expected:" not in html and "verdict-" not in html
    assert "Score:" not in html and "This exam does not show results to learners." in html
    for row in api_result(client, attempt)["questions"]:
        assert "verdict" not in row and "key" not in row
        assert all(set(option) <= {"id", "text", "chosen"} for option in row.get("options", []))


def test_an_authors_note_on_the_chosen_option_is_shown_only_with_the_key(client, learner, exam, graded):
    question = Option.objects.get(text="KEY-OPTION").question
    question.options.filter(text="KEY-OPTION").update(feedback="KEY-NOTE: right, because it is the key.")
    question.record_version()
    policy(exam, ["feedback"])
    attempt = graded()
    client.force_login(learner)
    assert "Your choice:" in page(client, attempt)
    assert "KEY-NOTE" not in page(client, attempt)
    assert "KEY-NOTE" not in str(api_result(client, attempt))

    policy(exam, ["feedback", "key"])
    assert "KEY-NOTE" in page(client, attempt)


def test_a_hidden_score_is_hidden_from_the_learner_everywhere_but_not_from_integrations(
    client, learner, exam, graded
):
    policy(exam, ["correctness"])
    attempt = graded()
    client.force_login(learner)
    assert "50.0%" not in page(client, attempt)
    result = api_result(client, attempt)
    assert (result["score_percent"], result["passed"], result["domain_scores"]) == (None, None, None)
    assert client.get("/api/v1/results/").json()["results"][0]["score_percent"] is None
    dashboard = client.get("/dashboard/").content.decode()
    assert "50.0%" not in dashboard and "No graded attempt yet." in dashboard

    integration = Integration.objects.create(name="Moodle")
    ProvisionedLearner.objects.create(integration=integration, external_id="u-7", user=learner)
    _, secret = ApiKey.issue(integration, "key", ["attempts"])
    lms = APIClient()
    lms.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    as_lms = lms.get(f"/api/v1/attempts/{attempt.pk}/result/").json()
    assert (as_lms["score_percent"], as_lms["passed"]) == (50.0, True)
    assert "key" not in as_lms["questions"][0]  # the per-question policy holds for integrations too


def test_review_policies_are_validated(exam):
    exam.review_after_submission = ["score", "keys"]
    exam.review_after_close = "everything"
    with pytest.raises(ValidationError) as raised:
        exam.full_clean()
    assert raised.value.message_dict["review_after_submission"] == [
        "Unknown item keys; choose among score, domains, correctness, feedback, key, solution."
    ]
    assert raised.value.message_dict["review_after_close"][0].startswith("List what to show, among")


def test_a_closed_exam_cannot_be_started_and_its_attempts_end_at_the_close_time(exam, learner, make_exam):
    now = timezone.now()
    Exam.objects.filter(pk=exam.pk).update(closes_at=now + timedelta(minutes=3))
    exam.refresh_from_db()
    attempt = exam.start_attempt(learner, now=now)
    assert attempt.deadline == now + timedelta(minutes=3)  # before the 10-minute limit
    attempt.submit()
    with pytest.raises(AttemptError, match="This exam has closed"):
        exam.start_attempt(learner, now=now + timedelta(minutes=3))


def test_practice_feedback_is_impossible_in_an_exam_that_is_not_practice(client, learner, exam):
    attempt = exam.start_attempt(learner)
    item = attempt.questions.get(position=1)
    for action in (lambda: item.check_now("42"), item.reveal_hint, item.reveal_solution):
        with pytest.raises(AttemptError, match="Only practice attempts"):
            action()
    client.force_login(learner)
    for action in ("check", "hint", "solution"):
        response = client.post(f"/attempts/{attempt.pk}/questions/1/{action}", {"answer": "42"})
        assert response.status_code == 404
    item.refresh_from_db()
    assert (item.hints_shown, item.solution_shown) == (0, False)
    assert not hasattr(item, "response") or item.response.verdict == ""
