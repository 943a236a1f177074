"""The precision a numeric answer needs is shown with the question: on the exam page and in the API."""

import pytest
from rest_framework.test import APIClient

from integrations.models import ApiKey, Integration

pytestmark = pytest.mark.django_db

NOTE = "Precision: give at least 4 significant figures (fractions such as 3/4 are accepted too)."


@pytest.fixture
def attempt(make_question, make_exam, learner):
    make_question("numeric", answer="2/9", abs_tolerance=None, rel_tolerance=1e-3, stem="Compute $2/9$.")
    return make_exam("precise", count=1).start_attempt(learner)


def test_the_exam_page_states_the_precision_next_to_the_answer_box(client, learner, attempt):
    client.force_login(learner)
    html = client.get(f"/attempts/{attempt.pk}/questions/1/").content.decode()
    assert f'<p class="help precision" id="answer-precision">{NOTE}</p>' in html
    assert 'aria-describedby="answer-precision"' in html


def test_the_api_states_the_precision_of_a_question(attempt):
    client = APIClient()
    _, secret = ApiKey.issue(Integration.objects.create(name="LMS"), "key", [ApiKey.Scope.ATTEMPTS.value])
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    attempt.learner.provisions.create(integration=Integration.objects.get(), external_id="u-1")
    (question,) = client.get(f"/api/v1/attempts/{attempt.pk}/").json()["questions"]
    assert question["precision"] == NOTE


def test_an_answer_at_the_stated_precision_scores_and_a_rounder_one_is_told_why_not(client, learner, attempt):
    assert attempt.questions.get().grade("0.2222").verdict == "correct"
    assert attempt.questions.get().grade("0.22").message.startswith("Close, but not precise enough")
