"""The draw's view of the bank: published questions with a version, and whether each has variants."""

import pytest

from exams.models import Question
from exams.models.attempts import candidates

pytestmark = pytest.mark.django_db


def test_a_question_has_variants_exactly_when_it_has_parameters(make_question):
    plain = make_question("numeric")
    drawn = make_question("numeric", parameters={"a": {"int": [2, 9]}}, stem="What is $a$?", answer="{a}")
    by_slug = {candidate.slug: candidate for candidate in candidates()}
    assert by_slug[drawn.slug].has_variants is True
    assert by_slug[plain.slug].has_variants is False


def test_empty_parameters_in_any_spelling_mean_no_variants(make_question):
    question = make_question("numeric")
    for empty in ({}, []):
        Question.objects.filter(pk=question.pk).update(parameters=empty)
        (candidate,) = [c for c in candidates() if c.pk == question.pk]
        assert candidate.has_variants is False, empty


def test_unpublished_questions_are_not_drawn(make_question):
    question = make_question("numeric")
    Question.objects.filter(pk=question.pk).update(status=Question.Status.DRAFT)
    assert question.pk not in {candidate.pk for candidate in candidates()}
