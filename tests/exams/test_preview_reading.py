"""The live preview answers from the reading the question page signed, only for that learner's question."""

import html
import re
import time

import pytest
from django.core import signing

from exams import readings

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(make_question, make_exam):
    make_question("expression", stem="Find the gradient of $x^\\top A x$.")
    make_question("numeric", answer="42", stem="What is six times seven?")
    return make_exam("pair", count=2, time_limit_minutes=10)


@pytest.fixture
def attempt(exam, learner):
    return exam.start_attempt(learner)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def position_of(attempt, kind):
    return next(item.position for item in attempt.questions.all() if item.content["type"] == kind)


def preview_address(client, attempt, position) -> str:
    page = client.get(f"/attempts/{attempt.pk}/questions/{position}/").content.decode()
    return html.unescape(re.search(r'data-preview-url="([^"]*)"', page).group(1))


def bare_address(attempt, position) -> str:
    return f"/attempts/{attempt.pk}/questions/{position}/preview"


@pytest.mark.parametrize(
    "kind, typed", [("expression", "A x + A' x"), ("expression", "(A x))"), ("numeric", "4/2")]
)
def test_a_preview_through_the_signed_reading_reads_as_one_without_it(signed_in, attempt, kind, typed):
    position = position_of(attempt, kind)
    address = preview_address(signed_in, attempt, position)
    assert "?reading=" in address
    signed = signed_in.post(address, {"answer": typed}).json()
    assert signed == signed_in.post(bare_address(attempt, position), {"answer": typed}).json()
    assert signed["ok"] is (typed != "(A x))")


def test_the_signed_reading_spares_reading_the_attempt_its_question_and_version(
    signed_in, attempt, django_assert_num_queries
):
    address = preview_address(signed_in, attempt, position_of(attempt, "expression"))
    with django_assert_num_queries(2):  # the session and the user
        assert signed_in.post(address, {"answer": "A' x"}).json()["ok"] is True


def test_another_learner_with_the_address_still_finds_nothing(client, learner, author, attempt):
    client.force_login(learner)
    address = preview_address(client, attempt, position_of(attempt, "expression"))
    client.force_login(author)
    response = client.post(address, {"answer": "x"})
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error": "No such question in your attempts."}


def test_a_reading_for_another_question_or_tampered_with_is_not_used(signed_in, attempt):
    expression, numeric = position_of(attempt, "expression"), position_of(attempt, "numeric")
    token = preview_address(signed_in, attempt, expression).split("?reading=")[1]
    # The expression's reading at the numeric question's address: the numeric question is read.
    moved = signed_in.post(f"{bare_address(attempt, numeric)}?reading={token}", {"answer": "4/2"}).json()
    assert moved == {"ok": True, "latex": "2", "shape": "", "error": ""}
    tampered = token.replace("%3A", ":")[:-3] + "abc"
    assert readings.verified_reading(tampered, attempt.learner_id, attempt.pk, expression) is None
    answer = signed_in.post(
        f"{bare_address(attempt, expression)}?reading={tampered}", {"answer": "A' x"}
    ).json()
    assert answer["ok"] is True


@pytest.mark.parametrize("token", ["", "garbage", "a:b:c", "%00", "x" * 5000])
def test_a_malformed_reading_is_no_reading(attempt, token):
    assert readings.verified_reading(token, attempt.learner_id, attempt.pk, 1) is None


def test_choice_questions_get_no_reading(signed_in, make_question, make_exam, learner):
    make_question("single_choice")
    choice_attempt = make_exam("choice", count=1, time_limit_minutes=10).start_attempt(learner)
    address = preview_address(signed_in, choice_attempt, 1)
    assert "reading" not in address
    assert signed_in.post(address, {"answer": "x"}).json() == {"ok": False, "error": ""}


def test_a_reading_older_than_its_age_limit_is_not_used(signed_in, attempt, monkeypatch):
    position = position_of(attempt, "expression")
    item = attempt.questions.get(position=position)
    item.attempt = attempt
    fresh = readings.signed_reading(item)
    assert readings.verified_reading(fresh, attempt.learner_id, attempt.pk, position) is not None
    signed_at = time.time() - readings.READING_MAX_AGE - 5
    monkeypatch.setattr(signing.time, "time", lambda: signed_at)
    stale = readings.signed_reading(item)
    monkeypatch.undo()
    assert readings.verified_reading(stale, attempt.learner_id, attempt.pk, position) is None
    # The preview still answers, from the database.
    reply = signed_in.post(f"{bare_address(attempt, position)}?reading={stale}", {"answer": "A' x"})
    assert reply.json()["ok"] is True
