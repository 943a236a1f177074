"""The learner's pages and JSON endpoints for taking an attempt."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from config.times import iso
from exams.models import Attempt, Exam, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(make_question, make_exam):
    make_question(
        "expression",
        stem="Find the gradient of $x^\\top A x$.",
        solution="SECRET-SOLUTION $(A + A^\\top)x$.",
    )
    make_question("numeric", answer="42", stem="What is six times seven?", solution="SECRET-SOLUTION 42.")
    return make_exam("pair", count=2, time_limit_minutes=10)


@pytest.fixture
def attempt(exam, learner):
    return exam.start_attempt(learner)


def position_of(attempt, kind):
    return next(item.position for item in attempt.questions.all() if item.content["type"] == kind)


def save(client, attempt, position, answer, **extra):
    return client.post(
        f"/attempts/{attempt.pk}/questions/{position}/answer",
        json.dumps({"answer": answer, **extra}),
        content_type="application/json",
    )


def test_the_catalogue_lists_the_shipped_exams(client):
    html = client.get("/exams/").content.decode()
    assert "Full practice exam" in html
    assert "Quick quiz" in html
    assert "Domain drill: Practical Tools" in html


def test_starting_needs_a_signed_in_learner_and_a_post(client, exam, learner):
    assert client.post(f"/exams/{exam.slug}/start/").status_code == 302
    assert not Attempt.objects.exists()
    client.force_login(learner)
    start_page = client.get(f"/exams/{exam.slug}/start/")  # the start page (launch links open it)
    assert start_page.status_code == 200 and not Attempt.objects.exists()
    response = client.post(f"/exams/{exam.slug}/start/", follow=True)
    attempt = Attempt.objects.get()
    assert response.redirect_chain[-1][0] == f"/attempts/{attempt.pk}/questions/1/"


def test_the_question_page_shows_the_question_but_no_key(client, learner, attempt):
    client.force_login(learner)
    for position in (1, 2):
        html = client.get(f"/attempts/{attempt.pk}/questions/{position}/").content.decode()
        assert "SECRET-SOLUTION" not in html
        assert "(A + A^T) x" not in html  # the expression key
        assert 'id="attempt-timing"' in html
    expression_page = client.get(f"/attempts/{attempt.pk}/questions/{position_of(attempt, 'expression')}/")
    assert "Symbols:" in expression_page.content.decode()


def test_another_learners_attempt_is_not_found(client, author, attempt):
    client.force_login(author)
    for path in ("", "questions/1/", "submit/", "result/", "status"):
        assert client.get(f"/attempts/{attempt.pk}/{path}").status_code == 404, path
    assert save(client, attempt, 1, "42").status_code == 404
    assert client.post(f"/attempts/{attempt.pk}/questions/1/preview", {"answer": "x"}).status_code == 404


def test_a_save_to_another_learners_attempt_is_not_found_whatever_it_sends(client, author, attempt):
    """The autosave reads the attempt only under its lock: a refusal must not answer with the timing of an
    attempt that is not the learner's, nor store anything."""
    client.force_login(author)
    url = f"/attempts/{attempt.pk}/questions/1/answer"
    for body in ('{"answer": "42"}', "not json", '{"answer": "42", "saved_at": "yesterday"}', "[]"):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 404, body
        assert str(attempt.pk) not in response.content.decode() and b"deadline" not in response.content
    assert save(client, attempt, 999, "42").status_code == 404
    assert client.post(url, {"answer": "42"}).status_code == 404
    assert not Response.objects.filter(attempt_question__attempt=attempt).exists()


def test_a_post_that_is_not_the_questions_form_overwrites_nothing(client, learner, attempt):
    """Only JSON and the question's form are read: anything else would be read as an empty answer."""
    client.force_login(learner)
    position = position_of(attempt, "numeric")
    assert save(client, attempt, position, "42").status_code == 200
    url = f"/attempts/{attempt.pk}/questions/{position}/answer"
    for response in (
        client.post(url, "answer=7", content_type="text/plain"),
        client.post(url, b"answer=7", content_type="application/octet-stream"),
        client.post(url, {"go": "1"}),  # a form without the answer's field
    ):
        assert response.status_code == 302
        assert "could not be read" in str(list(response.wsgi_request._messages))
    assert attempt.questions.get(position=position).response.answer == "42"
    client.post(url, {"answer": "43"})
    assert attempt.questions.get(position=position).response.answer == "43"


def test_a_json_save_answers_with_the_server_time_and_deadline(client, learner, attempt):
    client.force_login(learner)
    response = save(client, attempt, position_of(attempt, "numeric"), "42")
    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True
    assert body["deadline"] == iso(attempt.deadline)  # UTC, ending in Z like every time dxam writes
    assert abs(timezone.datetime.fromisoformat(body["server_now"]) - timezone.now()) < timedelta(seconds=5)


def test_a_late_save_is_refused_with_a_clear_message(client, learner, attempt, settings):
    client.force_login(learner)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    response = save(client, attempt, 1, "42", saved_at=timezone.now().isoformat())
    assert response.status_code == 409
    assert response.json()["code"] == "time_up"
    assert response.json()["error"] == "The time limit has passed, so this answer was not saved."


def test_a_flag_after_the_time_ran_out_says_the_flag_was_not_changed(client, learner, attempt):
    client.force_login(learner)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    attempt.refresh_from_db()
    attempt.finalize_if_expired()
    response = client.post(
        f"/attempts/{attempt.pk}/questions/1/flag", {"flagged": "1"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"] == "The time limit has passed, so the flag was not changed."
    assert not attempt.questions.filter(flagged=True).exists()


def test_a_save_stamped_before_the_deadline_arriving_in_the_grace_period_is_kept(client, learner, attempt):
    client.force_login(learner)
    deadline = timezone.now() - timedelta(seconds=5)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)
    stamp = (deadline - timedelta(seconds=3)).isoformat()
    assert save(client, attempt, 1, "42", saved_at=stamp).json()["saved"] is True


def test_a_malformed_save_is_a_clear_error_not_a_crash(client, learner, attempt):
    client.force_login(learner)
    bad = client.post(
        f"/attempts/{attempt.pk}/questions/1/answer", "{not json", content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_answer"
    assert bad.json()["error"] == "The answer could not be read."
    missing = save(client, attempt, 99, "1")
    assert (missing.status_code, missing.json()["code"]) == (404, "no_such_question")
    assert missing.json()["error"] == "This attempt has no question 99."
    too_long = save(client, attempt, 1, "x" * 5000)
    assert (too_long.status_code, too_long.json()["code"]) == (400, "invalid_answer")


def test_a_plain_form_post_saves_and_moves_on(client, learner, attempt):
    client.force_login(learner)
    position = position_of(attempt, "numeric")
    response = client.post(
        f"/attempts/{attempt.pk}/questions/{position}/answer", {"answer": "42", "go": "submit"}
    )
    assert response["Location"] == f"/attempts/{attempt.pk}/submit/"
    assert attempt.questions.get(position=position).response.answer == "42"


@pytest.mark.parametrize("go", ["²", "٣", "1²", "-1", ""])
def test_a_form_post_with_an_odd_destination_saves_and_stays(client, learner, attempt, go):
    """Only ASCII digits name a question: "²" is a digit to str.isdigit() but no number to int()."""
    client.force_login(learner)
    position = position_of(attempt, "numeric")
    url = f"/attempts/{attempt.pk}/questions/{position}/answer"
    response = client.post(url, {"answer": "42", "go": go})
    assert response.status_code == 302
    assert response["Location"] == f"/attempts/{attempt.pk}/questions/{position}/"
    assert attempt.questions.get(position=position).response.answer == "42"


def test_the_live_preview_shows_the_interpretation_or_the_error(client, learner, attempt):
    client.force_login(learner)
    url = f"/attempts/{attempt.pk}/questions/{position_of(attempt, 'expression')}/preview"
    good = client.post(url, {"answer": "A x + A' x"}).json()
    assert good["ok"] is True
    assert good["shape"] == "n×1"
    assert "A" in good["latex"]
    typo = client.post(url, {"answer": "(A x))"}).json()
    assert typo["ok"] is False
    assert "column" in typo["error"]
    numeric = client.post(
        f"/attempts/{attempt.pk}/questions/{position_of(attempt, 'numeric')}/preview", {"answer": "4/2"}
    )
    assert numeric.json() == {"ok": True, "latex": "2", "shape": "", "error": ""}


def test_flags_show_on_the_submit_page(client, learner, attempt):
    client.force_login(learner)
    client.post(f"/attempts/{attempt.pk}/questions/2/flag", {"flagged": "1"})
    html = client.get(f"/attempts/{attempt.pk}/submit/").content.decode()
    assert "Flagged for review" in html
    assert "2 unanswered" in html


def test_submitting_needs_a_confirmation(client, learner, attempt, django_capture_on_commit_callbacks):
    client.force_login(learner)
    client.post(f"/attempts/{attempt.pk}/submit/")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/attempts/{attempt.pk}/submit/", {"confirm": "on"})
    assert response["Location"] == f"/attempts/{attempt.pk}/result/"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED


def test_the_result_shows_score_breakdown_and_review(
    client, learner, attempt, django_capture_on_commit_callbacks
):
    client.force_login(learner)
    save(client, attempt, position_of(attempt, "numeric"), "42")
    save(client, attempt, position_of(attempt, "expression"), "2 A x")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/attempts/{attempt.pk}/submit/", {"confirm": "on"})
    html = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert "Score: 50.0%" in html
    assert "Not passed" in html
    assert "Review of Prerequisites" in html
    assert "SECRET-SOLUTION" in html  # the full review shows solutions after submission
    # The key is typeset, as the engine reads it (exams/results.py), not shown as raw ASCII.
    assert '<span class="math math-inline">\\left(A + A^{\\top}\\right) x</span>' in html
    assert "(A + A^T) x" not in html
    assert client.get(f"/attempts/{attempt.pk}/status").json()["status"] == "graded"


def test_score_only_review_hides_keys_after_submission(
    client, learner, attempt, django_capture_on_commit_callbacks
):
    Exam.objects.filter(pk=attempt.exam_id).update(review_after_submission=["score", "domains"])
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/attempts/{attempt.pk}/submit/", {"confirm": "on"})
    html = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert "Score: 0.0%" in html
    assert "SECRET-SOLUTION" not in html


def test_visiting_an_expired_attempt_finalizes_it(
    client, learner, attempt, django_capture_on_commit_callbacks
):
    client.force_login(learner)
    save(client, attempt, position_of(attempt, "numeric"), "42")
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/attempts/{attempt.pk}/questions/1/")
    assert response["Location"] == f"/attempts/{attempt.pk}/result/"
    attempt.refresh_from_db()
    assert attempt.finalized_by == Attempt.FinalizedBy.ACCESS
    assert attempt.score == pytest.approx(0.5)


def test_practice_mode_gives_instant_feedback(client, learner, make_question, make_exam):
    make_question("numeric", answer="42", hints=("Multiply.",), solution="SECRET-SOLUTION 42.")
    exam = make_exam("drill", mode="practice")
    client.force_login(learner)
    client.post("/exams/drill/start/")
    attempt = Attempt.objects.get(exam=exam)
    base = f"/attempts/{attempt.pk}/questions/1"
    assert "Show a hint" in client.get(f"{base}/").content.decode()
    client.post(f"{base}/hint")
    assert "Multiply." in client.get(f"{base}/").content.decode()
    client.post(f"{base}/check", {"answer": "41"})
    html = client.get(f"{base}/").content.decode()
    assert "Incorrect" in html
    assert "SECRET-SOLUTION" not in html  # a wrong check lets the learner try again first
    assert "opens after 2 more wrong checks" in html


def test_practice_actions_are_refused_in_a_timed_exam(client, learner, attempt):
    client.force_login(learner)
    assert client.post(f"/attempts/{attempt.pk}/questions/1/check", {"answer": "42"}).status_code == 404


def test_the_dashboard_lists_attempts_best_scores_mastery_and_a_score_chart(
    client, learner, attempt, django_capture_on_commit_callbacks
):
    client.force_login(learner)
    save(client, attempt, position_of(attempt, "numeric"), "42")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/attempts/{attempt.pk}/submit/", {"confirm": "on"})
    html = client.get("/dashboard/").content.decode()
    assert "Best scores" in html
    assert "50.0%" in html
    assert "Mastery by domain" in html  # progress/ (tests/progress has the estimates and advice)
    assert 'class="marker marker-failed"' in html  # one attempt, not passed: one square marker
    assert "The scores as a table" in html
