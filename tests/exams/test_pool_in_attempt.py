"""A pooled choice question in an attempt shows the variant's sample of options, and only those."""

import pytest

from exams.models import Option

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(make_question, make_exam, learner):
    question = make_question("single_choice", options=[("one", True), ("two", False)], pool={"show": 3})
    for position, text in enumerate(["three", "four", "five", "none of these"], start=2):
        Option.objects.create(question=question, position=position, text=text, always=text == "none of these")
    question.record_version()
    return make_exam("pooled", count=1).start_attempt(learner)


def test_the_question_page_shows_the_pool_size_with_the_always_option(client, learner, attempt):
    client.force_login(learner)
    html = client.get(f"/attempts/{attempt.pk}/questions/1/").content.decode()
    assert html.count('name="option"') == 3
    assert "none of these" in html and "one" in html


def test_the_attempt_grades_the_options_its_variant_shows(attempt):
    item = attempt.questions.get()
    shown = item.content["options"]
    assert len(shown) == 3 and sum(option["correct"] for option in shown) == 1
    assert {option["text"] for option in item.view["options"]} == {option["text"] for option in shown}
