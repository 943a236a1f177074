"""What each request of taking an exam costs in queries, pinned: the same whatever the exam's length.

Sessions are signed cookies here so the counts are the views' own (production reads the session by its
primary key: one query more); the user is one query on every signed-in request. Inside a test
transaction every atomic block adds a SAVEPOINT and a RELEASE, which production does not pay.
"""

import json

import pytest

from exams.models import Attempt

pytestmark = pytest.mark.django_db

KINDS = ["expression", "single_choice", "numeric"]


@pytest.fixture(autouse=True)
def cookie_sessions(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"


@pytest.fixture(params=[3, 12], ids=["3 questions", "12 questions"])
def exam(request, make_question, make_exam):
    for number in range(request.param):
        make_question(KINDS[number % len(KINDS)])
    return make_exam("cost", count=request.param, time_limit_minutes=30)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def attempt(exam, learner):
    return exam.start_attempt(learner)


def position_of(attempt, kind):
    return next(item.position for item in attempt.questions.all() if item.content["type"] == kind)


def autosave(client, attempt, position, answer):
    return client.post(
        f"/attempts/{attempt.pk}/questions/{position}/answer",
        json.dumps({"answer": answer}),
        content_type="application/json",
    )


def test_starting_an_exam(signed_in, exam, django_assert_num_queries):
    # user, exam, [savepoint] the learner's row locked (concurrent starts serialize), open attempt?, insert
    # attempt, questions seen, candidates, versions, insert the questions in one statement [release]
    with django_assert_num_queries(11):
        response = signed_in.post(f"/exams/{exam.slug}/start/")
    assert response.status_code == 302
    assert Attempt.objects.get().questions.count() == exam.blueprint[0]["count"]


def test_a_question_page(signed_in, attempt, django_assert_num_queries):
    url = f"/attempts/{attempt.pk}/questions/1/"
    # user, attempt with its exam, this question with its version and response (precompiled joins: see
    # config.rows), every question's state (for the navigation), when it was first seen (once)
    with django_assert_num_queries(5):
        assert signed_in.get(url).status_code == 200
    with django_assert_num_queries(4):
        assert signed_in.get(url).status_code == 200


def test_an_autosave_writes_one_row(signed_in, attempt, django_assert_num_queries):
    position = position_of(attempt, "expression")
    # user, [savepoint] the learner's attempt locked, the question with its response, insert [release]
    with django_assert_num_queries(6):
        assert autosave(signed_in, attempt, position, "2 A x").json()["saved"] is True
    # A later save of the same answer updates the row in place.
    with django_assert_num_queries(6):
        assert autosave(signed_in, attempt, position, "(A + A^T) x").json()["saved"] is True
    assert attempt.questions.get(position=position).response.answer == "(A + A^T) x"


def test_a_choice_autosave_needs_no_question_content(signed_in, attempt, django_assert_num_queries):
    item = next(item for item in attempt.questions.all() if item.is_choice)
    chosen = [item.view["options"][0]["id"]]
    with django_assert_num_queries(6):
        assert autosave(signed_in, attempt, item.position, chosen).json()["saved"] is True


def test_save_and_next(signed_in, attempt, django_assert_num_queries):
    position = position_of(attempt, "numeric")
    url = f"/attempts/{attempt.pk}/questions/{position}/answer"
    # as the autosave, and the attempt and the question once more to read the form's fields
    with django_assert_num_queries(8):
        response = signed_in.post(url, {"answer": "2", "go": "1"})
    assert response.status_code == 302


def test_a_preview(signed_in, attempt, django_assert_num_queries):
    url = f"/attempts/{attempt.pk}/questions/{position_of(attempt, 'expression')}/preview"
    # without a signed reading: user, the learner's attempt, its question with the question's version
    with django_assert_num_queries(3):
        payload = signed_in.post(url, {"answer": "A' x"}).json()
    assert payload["ok"] is True


def test_the_status_poll(signed_in, attempt, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert signed_in.get(f"/attempts/{attempt.pk}/status").json()["status"] == "open"
