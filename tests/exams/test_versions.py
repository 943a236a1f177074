import pytest

from exams.models import Option, Question

pytestmark = pytest.mark.django_db


def test_a_new_question_has_version_one(make_question):
    question = make_question("numeric")
    assert question.current_version.number == 1
    assert question.current_version.content["answer"] == "2"


def test_saving_unchanged_content_creates_no_version(make_question):
    question = make_question("numeric")
    question.save()
    assert question.record_version() == question.current_version
    assert question.versions.count() == 1


def test_editing_creates_a_new_version_and_keeps_the_old_one(make_question):
    question = make_question("numeric")
    first = question.current_version
    question.answer = "3"
    question.stem = "Compute $1 + 2$."
    question.save()
    second = question.record_version()

    assert second.number == 2
    assert question.versions.count() == 2
    first.refresh_from_db()
    # What an attempt pinned to version 1 shows and grades against is untouched.
    assert first.content["answer"] == "2"
    assert first.content["stem"] == "Compute $1 + 1$."
    assert Question.objects.get(pk=question.pk).current_version == second


def test_changing_an_option_is_a_change(make_question):
    question = make_question("single_choice")
    Option.objects.filter(question=question, position=2).update(text="$12$")
    assert question.record_version().number == 2


def test_status_is_not_content(make_question):
    question = make_question("numeric")
    question.retire()
    assert question.record_version().number == 1


def test_publishing_an_invalid_question_is_refused(make_question):
    from django.core.exceptions import ValidationError

    question = make_question("numeric", status=Question.Status.DRAFT)
    Question.objects.filter(pk=question.pk).update(abs_tolerance=0)
    question.refresh_from_db()
    with pytest.raises(ValidationError):
        question.publish()
    question.refresh_from_db()
    assert question.status == Question.Status.DRAFT


def test_a_version_makes_reproducible_variants(make_question):
    question = make_question(
        "numeric",
        stem="Compute ${{a}} + {{b}}$.",
        answer="{{c}}",
        solution="It is ${{c}}$.",
        parameters={"a": {"int": [1, 1000]}, "b": {"int": [1, 1000]}, "c": {"expr": "a + b"}},
    )
    version = question.current_version
    first, again = version.variant(7), version.variant(7)
    assert first == again
    a, b = first.values["a"], first.values["b"]
    assert first.content["stem"] == f"Compute ${a} + {b}$."
    assert first.content["answer"] == str(a + b)
    assert first.content["solution"] == f"It is ${a + b}$."
    stems = {version.variant(seed).content["stem"] for seed in range(10)}
    assert len(stems) > 1, "different seeds should give different variants"


def test_variant_values_reach_the_options(make_question):
    question = make_question(
        "single_choice",
        options=[("${{a}}$", True), ("${{b}}$", False)],
        parameters={"a": {"int": [1, 5]}, "b": {"expr": "a + 1"}},
    )
    variant = question.current_version.variant(3)
    a = variant.values["a"]
    assert [option["text"] for option in variant.content["options"]] == [f"${a}$", f"${a + 1}$"]
