"""Forms by blueprint: counts per domain × difficulty (× type), unseen questions first, then questions with
variants, and blueprints validated part by part."""

import collections
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from exams.assembly import Candidate, FormAssembler, Shortfall, assembler_for, blueprint_problems, matches
from exams.models import Attempt, Domain, Exam, Question
from exams.models.attempts import AttemptError

TYPES = Question.Type.values


def pool(cells, variants=()):
    """Candidates from {(domain, difficulty, type): how many}; slugs listed in `variants` have variants."""
    made = []
    for (domain, difficulty, kind), count in cells.items():
        for index in range(count):
            slug = f"d{domain}-{difficulty}-{kind}-{index}"
            made.append(Candidate(len(made) + 1, slug, domain, difficulty, kind, slug in variants, 0))
    return made


# --- Drawing rules ------------------------------------------------------------------------------------


def test_each_part_is_offered_exactly_the_candidates_its_filters_select_in_slug_order():
    rng = np.random.default_rng(3)
    cells = {
        (int(rng.integers(1, 9)), int(rng.integers(1, 4)), str(rng.choice(TYPES))): int(rng.integers(1, 5))
        for _ in range(60)
    }
    bank = pool(cells)
    rng.shuffle(bank)
    blueprint = [
        {"count": 1},
        {"domain": 3, "count": 1},
        {"difficulty": 2, "count": 1},
        {"type": ["expression", "numeric"], "count": 1},
        {"domain": 5, "difficulty": 1, "type": "single_choice", "count": 1},
    ]
    assembler = FormAssembler(blueprint, bank)
    by_slug = sorted(bank, key=lambda candidate: candidate.slug)
    for index, part in enumerate(blueprint):
        assert assembler.matching[index] == [c for c in by_slug if matches(part, c)]


def test_when_a_cells_unseen_questions_run_out_questions_with_variants_come_first():
    bank = pool({(1, 2, "numeric"): 6}, variants={"d1-2-numeric-4", "d1-2-numeric-5"})
    assembler = FormAssembler([{"domain": 1, "difficulty": 2, "count": 3}], bank)
    last_week = datetime(2026, 6, 1, tzinfo=UTC)
    seen = {candidate.pk: last_week for candidate in bank[:5]}  # all but d1-2-numeric-5
    thirds = set()
    for seed in range(50):
        slugs = {candidate.slug for candidate in assembler.draw(np.random.default_rng(seed), seen)}
        # The unseen question, then the seen one with variants, then one of the four seen without.
        assert len(slugs) == 3 and {"d1-2-numeric-5", "d1-2-numeric-4"} <= slugs
        thirds |= slugs - {"d1-2-numeric-5", "d1-2-numeric-4"}
    assert len(thirds) > 1  # chosen at random among equals


def test_among_seen_questions_without_variants_the_least_recently_seen_come_first():
    bank = pool({(2, 1, "shape"): 4})
    assembler = FormAssembler([{"count": 2}], bank)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    seen = {candidate.pk: start + timedelta(days=index) for index, candidate in enumerate(bank)}
    for seed in range(20):
        assert {c.slug for c in assembler.draw(np.random.default_rng(seed), seen)} == {
            "d2-1-shape-0",
            "d2-1-shape-1",
        }


def test_parts_can_fix_the_type_too():
    bank = pool({(3, 2, "expression"): 5, (3, 2, "numeric"): 5, (3, 2, "single_choice"): 5})
    blueprint = [
        {"domain": 3, "difficulty": 2, "type": "expression", "count": 2},
        {"domain": 3, "type": ["single_choice", "multiple_choice"], "count": 1},
        {"count": 2},
    ]
    assembler = FormAssembler(blueprint, bank)
    for seed in range(50):
        kinds = collections.Counter(c.type for c in assembler.draw(np.random.default_rng(seed)))
        assert kinds["expression"] >= 2 and kinds["single_choice"] >= 1
        assert sum(kinds.values()) == 5


def test_a_catch_all_part_never_takes_what_a_narrow_part_needs():
    bank = pool({(1, 3, "numeric"): 2, (1, 1, "numeric"): 1})
    # Listed first, the catch-all could take a hard question and leave the hard part short.
    assembler = FormAssembler([{"count": 1}, {"difficulty": 3, "count": 2}], bank)
    for seed in range(30):
        assert len(assembler.draw(np.random.default_rng(seed))) == 3


def test_the_same_seed_draws_the_same_form():
    bank = pool({(1, 1, "numeric"): 10, (2, 2, "shape"): 10})
    assembler = FormAssembler([{"domain": 1, "count": 3}, {"domain": 2, "count": 3}], bank)
    assert assembler.draw(np.random.default_rng(7)) == assembler.draw(np.random.default_rng(7))


def test_a_part_the_pool_cannot_fill_is_named():
    bank = pool({(2, 3, "numeric"): 2, (2, 2, "numeric"): 5})
    with pytest.raises(Shortfall, match="needs 3 questions from domain 2, hard, and only 2 are published"):
        FormAssembler([{"domain": 2, "difficulty": 3, "count": 3}], bank).draw(np.random.default_rng(0))
    with pytest.raises(Shortfall, match="only 4 are left for it after the other parts") as raised:
        FormAssembler([{"domain": 2, "difficulty": 2, "count": 3}, {"domain": 2, "count": 5}], bank).draw(
            np.random.default_rng(0)
        )
    assert raised.value.index == 2


@pytest.mark.django_db
def test_starting_an_exam_the_bank_cannot_fill_is_refused_with_the_part(make_question, learner, make_exam):
    make_question("numeric", difficulty=3)
    exam = make_exam("hard", blueprint=[{"domain": 2, "difficulty": 3, "count": 2}])
    with pytest.raises(AttemptError, match="needs 2 questions from domain 2, hard, and only 1 are published"):
        exam.start_attempt(learner)
    assert not Attempt.objects.exists()


# --- Validating blueprints ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blueprint", "message"),
    [
        ([], "The blueprint is a non-empty list of parts"),
        ({"count": 3}, "The blueprint is a non-empty list of parts"),
        ([5], "Part 1: a part is an object"),
        ([{"count": 2}, {"level": 2, "count": 1}], "Part 2: unknown key level"),
        ([{"count": 0}], "Part 1: count must be a positive whole number."),
        ([{"count": True}], "Part 1: count must be a positive whole number."),
        ([{"count": "3"}], "Part 1: count must be a positive whole number."),
        ([{"domain": 9, "count": 1}], "Part 1: domain must be a whole number from 1 to 8."),
        ([{"domain": True, "count": 1}], "Part 1: domain must be a whole number from 1 to 8."),
        ([{"difficulty": 4, "count": 1}], "Part 1: difficulty must be 1 (easy), 2 (medium) or 3 (hard)."),
        ([{"type": "essay", "count": 1}], "Part 1: type must be one of single_choice"),
        ([{"type": [], "count": 1}], "Part 1: type must be one of single_choice"),
        ([{"count": 150}, {"count": 60}], "The blueprint asks for 210 questions; an exam has at most 200."),
    ],
)
def test_a_malformed_blueprint_gets_a_message_per_part(blueprint, message):
    problems = blueprint_problems(blueprint, TYPES)
    assert any(problem.startswith(message) for problem in problems), problems


def test_every_problem_of_every_part_is_listed():
    problems = blueprint_problems([{"count": 0, "domain": 0}, {"count": 1}, {"difficulty": 9}], TYPES)
    assert problems == [
        "Part 1: count must be a positive whole number.",
        "Part 1: domain must be a whole number from 1 to 8.",
        "Part 3: count must be a positive whole number.",
        "Part 3: difficulty must be 1 (easy), 2 (medium) or 3 (hard).",
    ]


@pytest.mark.django_db
def test_exam_clean_refuses_a_blueprint_the_published_bank_cannot_fill(make_question):
    make_question("numeric", domain=Domain.objects.get(number=4), difficulty=2)
    exam = Exam(
        slug="x", title="X", description="X", time_limit_minutes=10,
        blueprint=[{"domain": 4, "difficulty": 2, "count": 1}, {"domain": 4, "difficulty": 3, "count": 1}],
    )  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        exam.full_clean()
    assert raised.value.message_dict["blueprint"] == [
        "Part 2: it needs 1 questions from domain 4, hard, and only 0 are published."
    ]
    exam.blueprint = exam.blueprint[:1]
    exam.full_clean()


def test_an_assembler_is_reused_only_while_blueprint_and_pool_stay_the_same():
    bank = pool({(1, 1, "numeric"): 3, (2, 1, "numeric"): 3})
    blueprint = [{"domain": 1, "count": 2}]
    first = assembler_for(blueprint, bank)
    assert assembler_for([{"count": 2, "domain": 1}], list(bank)) is first
    assert assembler_for([{"domain": 2, "count": 2}], bank) is not first
    retired = bank[1:]
    assert bank[0] not in assembler_for(blueprint, retired).matching[0]
