"""A version's variants are drawn once per process and served as copies: the same variant every time, and
nothing a caller does to one reaches the next."""

import pytest

from exams.models import Option

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(make_question):
    question = make_question("single_choice", options=[("one", True), ("two", False)], pool={"show": 3})
    for position, text in enumerate(["three", "four", "five"], start=2):
        Option.objects.create(question=question, position=position, text=text)
    return question.record_version()


def test_the_same_seed_gives_the_same_variant(version):
    first, again = version.variant(11), version.variant(11)
    assert first == again
    assert [option["text"] for option in first.content["options"]] == [
        option["text"] for option in again.content["options"]
    ]


def test_a_variant_changed_by_one_caller_is_not_what_the_next_one_gets(version):
    served = version.variant(11)
    served.content["options"][0]["text"] = "tampered"
    served.content["stem"] = "tampered"
    again = version.variant(11)
    assert "tampered" not in {option["text"] for option in again.content["options"]}
    assert again.content["stem"] != "tampered"


def test_a_different_content_under_the_same_id_is_drawn_afresh(version):
    before = version.variant(11)
    version.content = {**version.content, "stem": "A different stem."}
    assert version.variant(11).content["stem"] == "A different stem."
    assert before.content["stem"] != "A different stem."


def test_values_and_nested_lists_are_copies_too(version):
    served = version.variant(11)
    served.content["options"].append({"text": "added"})
    served.values["extra"] = 1
    again = version.variant(11)
    assert {"text": "added"} not in again.content["options"]
    assert "extra" not in again.values
