"""Broken keys never cost marks: an answer whose grading fails for a reason that is not the learner's (a
broken key, an engine failure, a timeout) waits for a person, the score stays provisional, and nothing is
certified until every such answer is resolved."""

import logging
import time

import pytest

from certificates.models import Certificate
from exams.models import Attempt, Exam, Response
from exams.models.attempts import ReviewError

pytestmark = pytest.mark.django_db

GRADIENT = {"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}}


@pytest.fixture
def exam(make_question):
    """Certifying, pass mark 50%: a numeric question (answer 2) and an expression question."""
    make_question("numeric", slug="two")
    make_question("expression", slug="gradient", symbols=GRADIENT, answer="(A + A^T) x")
    return Exam.objects.create(
        slug="cert", title="Certified", description="Certifies.", blueprint=[{"count": 2}],
        time_limit_minutes=10, pass_mark=50, certifies=True,
    )  # fmt: skip


@pytest.fixture
def taken(exam, learner, committed):
    """Take the exam with both answers right; `break_with` spoils the gradient question's key first."""

    def take(break_with=None):
        attempt = exam.start_attempt(learner)
        items = {item.content["slug"]: item for item in attempt.questions.select_related("version")}
        if break_with is not None:
            break_with(items["gradient"])
        attempt.save_answer(items["two"].position, "2")
        attempt.save_answer(items["gradient"].position, "A x + A^T x")
        committed(attempt.submit)
        attempt.refresh_from_db()
        return attempt

    return take


def broken_key(item):
    """A key that no longer parses: the engine raises ConfigError."""
    item.version.content = {**item.version.content, "answer": "(A + A^T x"}
    item.version.save()


def engine_bug(monkeypatch):
    def fail(question, answer):
        raise ZeroDivisionError("a bug in the engine")

    monkeypatch.setattr("grading.engine.compare._decide", fail)


def pathological(monkeypatch, settings):
    settings.GRADING_TIMEOUT_SECONDS = 0.3

    def spin(question, answer):
        while True:  # a key that never finishes: only the time limit ends it
            pass

    monkeypatch.setattr("grading.engine.compare._decide", spin)


def gradient_response(attempt):
    return Response.objects.get(
        attempt_question__attempt=attempt, attempt_question__question__slug="gradient"
    )


def assert_waits_for_review(attempt, caplog, reason):
    response = gradient_response(attempt)
    assert (response.verdict, response.score, response.needs_review) == ("review", None, True)
    assert reason in response.review_reason
    assert "a person will review it" in response.message
    assert reason not in response.message  # the learner is not shown the key or the failure
    assert attempt.status == Attempt.Status.REVIEW
    assert attempt.passed is None and attempt.percent == 50.0  # provisional: the other answer only
    assert not Certificate.objects.exists()
    [logged] = [r for r in caplog.records if r.name == "exams.models.attempts" and r.levelno == logging.ERROR]
    message = logged.getMessage()
    assert str(attempt.pk) in message and "question gradient version 1" in message and reason in message


def test_a_broken_key_puts_the_answer_up_for_review(taken, caplog):
    attempt = taken(break_with=broken_key)
    assert_waits_for_review(attempt, caplog, "The question's key is broken")


def test_an_engine_failure_puts_the_answer_up_for_review(taken, caplog, monkeypatch):
    attempt = taken(break_with=lambda item: engine_bug(monkeypatch))
    assert_waits_for_review(
        attempt, caplog, "The grading engine failed: ZeroDivisionError: a bug in the engine"
    )


def test_a_grading_timeout_puts_the_answer_up_for_review(taken, caplog, monkeypatch, settings):
    started = time.monotonic()
    attempt = taken(break_with=lambda item: pathological(monkeypatch, settings))
    assert time.monotonic() - started < 5
    assert_waits_for_review(attempt, caplog, "Grading was stopped after 0.3 s (time limit)")


def test_the_result_page_and_the_api_say_the_score_is_provisional(client, learner, taken):
    attempt = taken(break_with=broken_key)
    client.force_login(learner)
    html = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert "Score provisional." in html and "Score: 50.0% (provisional)" in html
    assert "Pass or fail is decided after the review" in html
    assert "Awaiting review" in html
    assert "key is broken" not in html  # the reason is for reviewers
    assert "Expected: <code>(A + A^T x</code>" not in html  # nor is the key under review shown as the answer
    assert (
        'Expected: <span class="math math-inline">2</span>' in html
    )  # the other question's key is, as this exam shows keys
    result = client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()
    assert (result["status"], result["provisional"], result["passed"], result["pending_review"]) == (
        "review", True, None, 1,
    )  # fmt: skip
    assert client.get(f"/attempts/{attempt.pk}/status").json()["status"] == "review"
    assert "(provisional)" in client.get("/dashboard/").content.decode()


def test_the_needs_review_list_shows_the_answer_in_the_admin_and_on_the_author_pages(
    client, admin_user, author, taken
):
    attempt = taken(break_with=broken_key)
    response = gradient_response(attempt)
    client.force_login(admin_user)
    html = client.get("/admin/reviews/answerforreview/").content.decode()
    assert "gradient v1" in html and "A x + A^T x" in html and "ada@example.com" in html
    assert "The question&#x27;s key is broken" in html
    assert f"/author/review/{response.pk}/" in html
    client.force_login(author)
    listed = client.get("/author/review/").content.decode()
    assert "Waiting (1)" in listed and "gradient v1" in listed and "A x + A^T x" in listed
    detail = client.get(f"/author/review/{response.pk}/").content.decode()
    assert "A x + A^T x" in detail and "Mark right" in detail


def test_learners_cannot_see_or_resolve_answers_for_review(client, learner, taken):
    attempt = taken(break_with=broken_key)
    response = gradient_response(attempt)
    client.force_login(learner)
    assert client.get("/author/review/").status_code == 403
    assert (
        client.post(f"/author/review/{response.pk}/", {"decision": "right", "note": "me"}).status_code == 403
    )
    assert client.get("/admin/reviews/answerforreview/").status_code == 302
    assert gradient_response(attempt).needs_review


def test_marking_right_recomputes_the_score_and_issues_the_certificate(
    client, author, taken, django_capture_on_commit_callbacks
):
    attempt = taken(break_with=broken_key)
    response = gradient_response(attempt)
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):  # resolving enqueues the grading again
        posted = client.post(
            f"/author/review/{response.pk}/", {"decision": "right", "note": "Same as the intended key."}
        )
    assert posted.status_code == 302
    response.refresh_from_db()
    assert (response.verdict, response.score, response.needs_review) == ("correct", 1.0, False)
    assert (response.review_decision, response.review_note) == ("right", "Same as the intended key.")
    assert response.reviewed_by == author and response.reviewed_at is not None
    attempt.refresh_from_db()
    assert (attempt.status, attempt.percent, attempt.passed) == ("graded", 100.0, True)
    assert Certificate.objects.get().attempt == attempt
    assert "Recently resolved" in client.get("/author/review/").content.decode()


def test_marking_wrong_needs_a_reason_and_then_decides_the_attempt(client, author, taken, committed):
    attempt = taken(break_with=broken_key)
    response = gradient_response(attempt)
    client.force_login(author)
    refused = client.post(f"/author/review/{response.pk}/", {"decision": "wrong", "note": "  "})
    assert "Say why you mark this answer by hand." in refused.content.decode()
    committed(response.resolve, Response.Decision.WRONG, author, "The answer misses a term.")
    attempt.refresh_from_db()
    assert (attempt.status, attempt.percent, attempt.passed) == ("graded", 50.0, True)
    assert gradient_response(attempt).score == 0.0
    with pytest.raises(ReviewError, match="already been resolved"):
        response.resolve(Response.Decision.RIGHT, author, "Changed my mind.")


def test_fixing_the_key_and_regrading_grades_the_answer_with_the_new_version(author, taken, committed):
    attempt = taken(break_with=broken_key)
    response = gradient_response(attempt)
    with pytest.raises(ReviewError, match="still cannot be graded: The question's key is broken"):
        response.resolve(Response.Decision.REGRADED, author)  # nothing fixed yet
    question = response.attempt_question.question
    question.answer = "A^T x + A x"  # the author fixes the key: a new version
    question.save()
    assert question.record_version().number == 2

    committed(response.resolve, Response.Decision.REGRADED, author)

    response.refresh_from_db()
    assert (response.verdict, response.review_decision) == ("correct", "regraded")
    assert response.review_note == "Regraded with version 2."
    assert response.attempt_question.version.number == 2
    attempt.refresh_from_db()
    assert (attempt.status, attempt.passed) == ("graded", True)
    assert Certificate.objects.filter(attempt=attempt).exists()


def test_a_practice_check_that_fails_shows_the_review_message_but_lists_nothing(
    make_question, make_exam, learner
):
    make_question("numeric", slug="solo")
    exam = make_exam("drill", mode="practice")
    attempt = exam.start_attempt(learner)
    item = attempt.questions.select_related("version").get()
    item.version.content = {**item.version.content, "answer": "oops"}
    item.version.save()
    outcome = item.check_now("2")
    assert outcome.verdict == "review"
    assert not Response.objects.filter(needs_review=True).exists()  # only submitted answers wait


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "maybe", "note": "x"}, "Choose one of the three decisions."),
        ({"note": "x"}, "Choose one of the three decisions."),
        ({"decision": "right", "note": "x" * 2001}, "Note: Ensure this value has at most 2000 characters"),
        ({"decision": "right", "note": "nul \x00 byte"}, "Note: Null characters are not allowed."),
    ],
)
def test_a_malformed_decision_is_refused_with_a_message(client, author, taken, data, message):
    response = gradient_response(taken(break_with=broken_key))
    client.force_login(author)
    page = client.post(f"/author/review/{response.pk}/", data)
    assert page.status_code == 200 and message in page.content.decode()
    assert gradient_response(response.attempt_question.attempt).needs_review


def test_only_answers_for_review_have_a_review_page(client, author, taken):
    attempt = taken(break_with=broken_key)
    graded_fine = Response.objects.get(attempt_question__attempt=attempt, needs_review=False)
    client.force_login(author)
    assert client.get(f"/author/review/{graded_fine.pk}/").status_code == 404
    assert client.get("/author/review/999999/").status_code == 404
