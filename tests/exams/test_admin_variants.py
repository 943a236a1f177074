"""Randomized questions in the admin: conditions, option pools and conditional options are edited and
validated like the rest of a question."""

import pytest

from exams.models import Question
from tests.exams.test_admin import ADD_URL, errors_of, question_form

pytestmark = pytest.mark.django_db


def choice_form(options, **fields):
    form = question_form("single_choice", options=[(text, correct) for text, correct, _ in options], **fields)
    for index, (_, _, extra) in enumerate(options):
        form.update({f"options-{index}-{name}": value for name, value in extra.items()})
    return form


def test_an_author_saves_a_pooled_question_with_conditions(client, author):
    client.force_login(author)
    options = [
        ("${{a}}$", True, {}),
        ("${{b}}$", False, {}),
        ("$0$", False, {"always": "on"}),
        ("$1$", False, {}),
    ]
    form = choice_form(
        options,
        parameters='{"a": {"int": [2, 5]}, "b": {"int": [2, 5]}}',
        where='["a != b"]',
        pool='{"show": 3}',
    )
    response = client.post(ADD_URL, form)
    assert response.status_code == 302, errors_of(response)
    content = Question.objects.get().current_version.content
    assert (content["where"], content["pool"]) == (["a != b"], {"show": 3})
    assert [option.get("always", False) for option in content["options"]] == [False, False, True, False]


def test_a_pool_that_cannot_be_shown_is_refused_in_the_option_list(client, author):
    client.force_login(author)
    response = client.post(ADD_URL, choice_form([("$1$", True, {}), ("$2$", False, {})], pool='{"show": 3}'))
    assert response.status_code == 200
    assert "must be a whole number from 2 to the number of options (2)" in response.content.decode()
    assert not Question.objects.exists()


def test_conditional_options_must_give_one_correct_option_per_variant(client, author):
    client.force_login(author)
    options = [("big", False, {"correct_if": "a > 2"}), ("small", False, {"correct_if": "a < 4"})]
    response = client.post(ADD_URL, choice_form(options, parameters='{"a": {"int": [1, 5]}}'))
    assert response.status_code == 200
    assert "needs exactly one correct option, not 2" in response.content.decode()
    fixed = [("big", False, {"correct_if": "a > 2"}), ("small", False, {"correct_if": "a <= 2"})]
    assert client.post(ADD_URL, choice_form(fixed, parameters='{"a": {"int": [1, 5]}}')).status_code == 302
