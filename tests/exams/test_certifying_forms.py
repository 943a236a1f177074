"""The certifying exam draws the same difficulty mix per domain on every form, from the shipped bank."""

import collections

import numpy as np
import pytest

from exams.assembly import Candidate, FormAssembler
from exams.models import Exam
from exams.models.attempts import candidates

CERTIFYING_MIX = {1: 1, 2: 3, 3: 1}  # per domain: one easy, three medium, one hard


def mix(form):
    """{domain: {difficulty: count}} of a drawn form."""
    counts = collections.defaultdict(collections.Counter)
    for candidate in form:
        counts[candidate.domain][candidate.difficulty] += 1
    return {domain: dict(by_difficulty) for domain, by_difficulty in counts.items()}


@pytest.mark.django_db
def test_a_thousand_certifying_forms_have_the_blueprints_difficulty_mix_exactly(shipped_bank):
    exam = Exam.objects.get(slug="full-practice-exam")
    assembler = FormAssembler(exam.blueprint, candidates())
    expected = {domain: CERTIFYING_MIX for domain in range(1, 9)}
    hard_per_form, expression_per_form, distinct_forms = set(), set(), set()
    for seed in range(1000):
        form = assembler.draw(np.random.default_rng(seed))
        assert len({candidate.pk for candidate in form}) == 40
        assert mix(form) == expected, seed
        hard_per_form.add(sum(candidate.difficulty == 3 for candidate in form))
        expression_per_form.add(sum(candidate.type == "expression" for candidate in form))
        distinct_forms.add(frozenset(candidate.pk for candidate in form))
    assert hard_per_form == {8}  # it ranged from 4 to 12 when only domains were fixed
    assert len(distinct_forms) == 1000  # fixed counts, still a fresh form every time
    assert len(expression_per_form) > 1  # types are not fixed by this blueprint


@pytest.mark.django_db
def test_the_shipped_bank_fills_every_cell_of_the_certifying_blueprint_several_times(shipped_bank):
    """The mix was derived from the bank: 13–14 easy, 22–24 medium and 8–9 hard questions per domain."""
    published = collections.Counter((candidate.domain, candidate.difficulty) for candidate in candidates())
    for domain in range(1, 9):
        for difficulty, count in CERTIFYING_MIX.items():
            assert published[domain, difficulty] >= 7 * count, (domain, difficulty)


@pytest.mark.django_db
def test_retakes_keep_the_mix_and_show_unseen_questions_first(shipped_bank, learner):
    exam = Exam.objects.get(slug="full-practice-exam")
    seen_so_far = set()
    for _ in range(7):  # the hard cells (8–9 questions per domain) are exhausted after eight forms
        attempt = exam.start_attempt(learner)
        drawn = set(attempt.questions.values_list("question_id", flat=True))
        assert not drawn & seen_so_far
        seen_so_far |= drawn
        items = attempt.questions.select_related("question")
        assert mix([candidate_of(item) for item in items]) == {d: CERTIFYING_MIX for d in range(1, 9)}
        attempt.submit()


def candidate_of(item):
    question = item.question
    return Candidate(
        question.pk, question.slug, item.domain_number, question.difficulty, question.type, False, 0
    )


@pytest.mark.django_db
def test_starting_the_certifying_exam_takes_a_handful_of_queries(
    shipped_bank, learner, django_assert_max_num_queries
):
    exam = Exam.objects.get(slug="full-practice-exam")
    exam.start_attempt(learner).submit()
    # the learner's row locked (concurrent starts), open attempt, insert, seen, pool, versions, bulk insert
    with django_assert_max_num_queries(9):
        attempt = exam.start_attempt(learner)
    assert attempt.questions.count() == 40


@pytest.mark.django_db
def test_the_shipped_exams_have_valid_blueprints(shipped_bank):
    for exam in Exam.objects.all():
        exam.full_clean()
