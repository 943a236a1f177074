"""The question bank shipped in exams/bank: coverage, types and quality rules, and every key machine-checked.

Importing validates every question (finite-difference derivative checks and several variant seeds
included), so a successful import is the key check; the rest are the content rules of the bank.
"""

import collections
import json

import pytest

from exams import bank_targets
from exams.models import Domain, Exam, Question

TYPES = ["single_choice", "multiple_choice", "numeric", "matrix", "shape", "expression"]


@pytest.fixture(scope="module")
def shipped(shipped_bank, django_db_blocker):
    """Every published question's frozen content, once for this module."""
    with django_db_blocker.unblock():
        return [question.current_version.content for question in Question.objects.published()]


def test_every_domain_has_at_least_70_published_questions(shipped):
    per_domain = collections.Counter(content["domain"] for content in shipped)
    assert sorted(per_domain) == list(range(1, 9))
    assert min(per_domain.values()) >= 70, per_domain
    assert len(shipped) >= 560


def test_every_content_target_is_met_in_every_domain(validated_shipped_bank):
    """The targets of the second-wave bank (exams/bank_targets.py; `manage.py bank_coverage` prints them):
    randomized shares, free-form share, difficulty mix, multiple-choice spread, key length, three hints that
    never state the key, a topic on every question, derivative keys checked, solutions that grow with
    difficulty."""
    report = bank_targets.measure(validated_shipped_bank)
    unmet = [f"domain {result.domain}: {result.target}: {result.value}" for result in report.unmet()]
    assert not unmet, "\n".join(unmet) + "\n" + bank_targets.offenders_text(report)


def test_difficulty_is_spread_roughly_30_50_20(shipped):
    share = {
        level: count / len(shipped)
        for level, count in collections.Counter(c["difficulty"] for c in shipped).items()
    }
    assert 0.25 <= share[1] <= 0.35
    assert 0.45 <= share[2] <= 0.55
    assert 0.15 <= share[3] <= 0.25


def test_at_least_35_percent_are_expression_questions_mostly_in_domains_3_to_6_and_8(shipped):
    expressions = [content for content in shipped if content["type"] == "expression"]
    assert len(expressions) >= 0.35 * len(shipped)
    core = [content for content in expressions if content["domain"] in (3, 4, 5, 6, 8)]
    assert len(core) >= 0.75 * len(expressions)


def test_every_domain_mixes_choice_and_computed_questions(shipped):
    for number in range(1, 9):
        kinds = {content["type"] for content in shipped if content["domain"] == number}
        assert kinds & {"single_choice", "multiple_choice"}, number
        assert kinds & {"numeric", "matrix", "shape"}, number


def test_at_least_40_questions_have_randomized_variants(shipped):
    assert sum(1 for content in shipped if content["parameters"]) >= 40


def test_every_question_has_hints_a_solution_and_states_its_convention(shipped):
    for content in shipped:
        assert content["hints"], content["slug"]
        assert len(content["solution"]) > 40, content["slug"]
        assert "onvention" in content["stem"], content["slug"]


def test_expression_questions_declare_symbols_and_most_are_derivative_checked(shipped):
    expressions = [content for content in shipped if content["type"] == "expression"]
    assert all(content["symbols"] for content in expressions)
    checked = [content for content in expressions if content["function"] and content["wrt"]]
    assert len(checked) >= 0.8 * len(expressions)


def test_no_two_questions_ask_for_the_same_thing(shipped):
    def fingerprint(content):
        if content["type"] == "expression":
            return (
                "expression",
                json.dumps(content["symbols"], sort_keys=True),
                content["function"] or content["answer"],
                content["wrt"],
            )
        return (content["type"], " ".join(content["stem"].split()).lower())

    counts = collections.Counter(fingerprint(content) for content in shipped)
    assert [key for key, count in counts.items() if count > 1] == []


@pytest.mark.django_db
def test_the_shipped_exams_can_be_drawn_from_the_bank(shipped, learner):
    assert Domain.objects.count() == 8
    for exam in Exam.objects.all():
        attempt = exam.start_attempt(learner)
        assert attempt.questions.count() == exam.question_count
        attempt.submit()
    full = Exam.objects.get(slug="full-practice-exam")
    assert (full.question_count, full.time_limit_minutes, full.pass_mark, full.certifies) == (
        40,
        60,
        70,
        True,
    )
    assert Exam.objects.filter(mode=Exam.Mode.PRACTICE).count() == 8
