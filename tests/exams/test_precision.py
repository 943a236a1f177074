"""Numeric answers state their precision: derived from the tolerance, shown to the learner, checked against
what the stem says, and explained when an answer is close but not precise enough."""

import math

import numpy as np
import pytest

from exams.answers import grade_matrix, grade_numeric, numbers_close
from exams.precision import Precision, note, required, stated
from exams.question_types import grade, learner_view, make_variant, validate_content
from tests.exams.contents import content


@pytest.mark.parametrize(
    ("abs_tol", "rel_tol", "precision"),
    [
        (None, 5e-3, Precision("significant", 3)),
        (None, 1e-3, Precision("significant", 4)),
        (None, 5e-4, Precision("significant", 4)),
        (0, 1e-5, Precision("significant", 6)),
        (1e-9, 5e-6, Precision("significant", 6)),
        (1e-3, None, Precision("decimals", 3)),
        (5e-4, 0, Precision("decimals", 3)),
        (4e-4, 0, Precision("decimals", 4)),
        (0.5, 0, Precision("decimals", 0)),
        (1e-4, 1e-6, Precision("decimals", 4)),  # 7 significant figures is too many: decimals it is
        (1e-4, 1e-9, Precision("decimals", 4)),
        (1e-5, 1e-9, Precision("exact")),  # 5 decimal places is too many: exact it is
        (1e-9, 1e-6, Precision("exact")),
        (1e-9, None, Precision("exact")),
        (None, 1e-12, Precision("exact")),
    ],
)
def test_the_required_precision_follows_from_the_tolerance(abs_tol, rel_tol, precision):
    assert required(abs_tol, rel_tol) == precision


TOLERANCES = [
    (0, 5e-3),
    (0, 1e-3),
    (0, 2e-4),
    (0, 1e-5),
    (1e-3, 0),
    (5e-4, 0),
    (2e-2, 0),
    (1e-4, 1e-6),
    (1e-4, 0),
]


@pytest.mark.parametrize(("abs_tol", "rel_tol"), TOLERANCES)
def test_an_answer_rounded_to_the_required_precision_is_always_accepted(abs_tol, rel_tol):
    precision = required(abs_tol, rel_tol)
    rng = np.random.default_rng(7)
    values = np.concatenate(
        [rng.uniform(-1, 1, 500) * 10.0 ** rng.integers(-4, 6, 500), [2 / 9, 1.0005, 9.995]]
    )
    for value in values:
        assert numbers_close(precision.rounded(float(value)), value, abs_tol, rel_tol), (value, precision)


@pytest.mark.parametrize(("abs_tol", "rel_tol"), TOLERANCES)
def test_one_digit_less_than_required_is_not_always_enough(abs_tol, rel_tol):
    # The requirement is the least that works: it would be wrong to ask for fewer digits.
    precision = required(abs_tol, rel_tol)
    fewer = Precision(precision.kind, precision.digits - 1)
    values = [1 + k / 997 for k in range(2000)] + [0.01 + k / 99991 for k in range(2000)]
    assert any(not numbers_close(fewer.rounded(value), value, abs_tol, rel_tol) for value in values)


@pytest.mark.parametrize(
    ("value", "precision", "rounded"),
    [
        (2 / 9, Precision("significant", 4), 0.2222),
        (1234.5678, Precision("significant", 2), 1200),
        (-0.0012345, Precision("significant", 3), -0.00123),
        (2.5, Precision("significant", 1), 3),
        (2 / 3, Precision("decimals", 3), 0.667),
        (1.0005, Precision("decimals", 3), 1.001),
        (7.5, Precision("decimals", 0), 8),
        (2 / 3, Precision("exact"), 2 / 3),
        (0, Precision("significant", 3), 0),
    ],
)
def test_rounding_is_what_a_person_writes(value, precision, rounded):
    assert precision.rounded(value) == pytest.approx(rounded, abs=0, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "precision"),
    [
        ("Give the value to 4 decimal places.", Precision("decimals", 4)),
        ("Compute $x$ to three decimals.", Precision("decimals", 3)),
        (
            "Give at least 6 significant digits (scientific notation such as `1e-5` works).",
            Precision("significant", 6),
        ),
        ("Round to 2 significant figures.", Precision("significant", 2)),
        ("Round to the nearest integer.", Precision("decimals", 0)),
        ("Compute $\\det A$.", None),
        ("Arithmetic is exact (no round-off); two decimal numbers are added.", None),
    ],
)
def test_it_reads_the_precision_a_stem_states(text, precision):
    assert stated(text) == precision


def test_the_note_depends_on_the_tolerance_only():
    assert note(kind="numeric", abs_tolerance=None, rel_tolerance=1e-3, stem="Compute it.") == (
        "Precision: give at least 4 significant figures (fractions such as 3/4 are accepted too)."
    )
    assert note(kind="matrix", abs_tolerance=1e-3, rel_tolerance=None, stem="Compute it.") == (
        "Precision: give each entry to at least 3 decimal places (fractions such as 3/4 are accepted too)."
    )
    assert note(kind="numeric", abs_tolerance=1e-9, rel_tolerance=None, stem="Compute it.") == (
        "Precision: give the exact value (fractions such as 3/4 are accepted)."
    )
    assert note(kind="numeric", abs_tolerance=1e-4, rel_tolerance=None, stem="Give 4 decimal places.") == ""


def numeric(answer, *, stem="Compute it.", parameters=None, **fields):
    return content("numeric", answer=answer, stem=stem, parameters=parameters or {}, **fields)


def test_the_learner_sees_the_precision_of_numeric_and_matrix_questions():
    view = learner_view(numeric("2/9", rel_tolerance=1e-3))
    assert (
        view["precision"]
        == "Precision: give at least 4 significant figures (fractions such as 3/4 are accepted too)."
    )
    assert "2/9" not in str(view)
    matrix = {**numeric("[[1, 2]]", abs_tolerance=1e-9), "type": "matrix"}
    assert "give every entry exactly" in learner_view(matrix)["precision"]


def test_a_rational_key_accepts_the_fraction_and_a_decimal_within_the_stated_precision():
    question = numeric("{{r}}", parameters={"r": {"expr": "2 / 9"}}, rel_tolerance=1e-3)
    assert validate_content(question) == {}
    variant = make_variant(question, 0).content
    assert variant["answer"] == "2/9"
    for answer in ("2/9", "4/18", "0.2222", "0.22222"):
        assert grade(variant, answer).verdict == "correct", answer
    assert grade(variant, "0.221").message == (
        "Close, but not precise enough: give at least 4 significant figures "
        "(fractions such as 3/4 are accepted)."
    )


def test_an_exact_key_may_have_a_tight_tolerance_and_then_asks_for_the_exact_value():
    question = numeric("{{r}}", parameters={"r": {"expr": "2 / 9"}}, abs_tolerance=1e-9)
    assert validate_content(question) == {}
    variant = make_variant(question, 0).content
    assert grade(variant, "2/9").verdict == "correct"
    assert "give the exact value" in grade(variant, "0.2222").message


def test_it_refuses_a_rounded_key_that_learners_must_match_too_closely():
    question = numeric(
        "{{r}}", parameters={"a": {"int": [2, 5]}, "r": {"expr": "sqrt(a)"}}, abs_tolerance=1e-9
    )
    (problem,) = validate_content(question)["abs_tolerance"]
    assert "is rounded, so learners cannot give it to within this tolerance" in problem
    assert "rel: 5e-06" in problem
    assert validate_content({**question, "rel_tolerance": 5e-6}) == {}


@pytest.mark.parametrize(
    ("stem", "tolerance", "problem"),
    [
        ("Give at least 6 significant digits.", {"rel_tolerance": 1e-6}, "allow at least rel: 5e-06"),
        ("Give the value to 2 decimal places.", {"abs_tolerance": 1e-3}, "allow at least abs: 0.005"),
        ("Round to the nearest integer.", {"abs_tolerance": 0.1}, "allow at least abs: 0.5"),
    ],
)
def test_it_refuses_a_tolerance_tighter_than_the_stem_states(stem, tolerance, problem):
    question = numeric(
        "{{r}}", stem=stem, parameters={"a": {"int": [2, 50]}, "r": {"expr": "sqrt(a) * 10"}}, **tolerance
    )
    (message,) = validate_content(question)["abs_tolerance"]
    assert message.startswith("The stem asks for") and problem in message


def test_a_tolerance_that_accepts_what_the_stem_states_is_valid():
    question = numeric(
        "{{r}}",
        stem="Give the value to 4 decimal places.",
        parameters={"a": {"int": [2, 50]}, "r": {"expr": "sqrt(a)"}},
        abs_tolerance=1e-4,
        rel_tolerance=1e-6,
    )
    assert validate_content(question) == {}
    assert learner_view(make_variant(question, 0).content)["precision"] == ""


def test_a_close_answer_is_told_to_be_more_precise_a_far_one_is_not():
    assert grade_numeric(math.pi, 0, 1e-4, "3.14").message.startswith("Close, but not precise enough")
    assert grade_numeric(math.pi, 0, 1e-4, "3.1416").verdict == "correct"
    assert grade_numeric(math.pi, 0, 1e-4, "3.5").message == "Not quite."
    assert grade_numeric(math.pi, 0, 1e-4, "-3.1416").message == "Not quite — check the sign."


def test_a_matrix_with_imprecise_entries_is_told_so():
    expected = np.array([[1 / 3, 2.0], [0.0, -2 / 7]])
    grade = grade_matrix(expected, 1e-4, 0, "[[0.333, 2], [0, -0.2857]]")
    assert grade.verdict == "incorrect"
    assert grade.message == (
        "Close, but 1 of the 4 entries is not precise enough: give each entry to at least 4 decimal places "
        "(fractions such as 3/4 are accepted)."
    )
    assert (
        "2 of the 4 entries are off" in grade_matrix(expected, 1e-4, 0, "[[0.333, 3], [0, -0.2857]]").message
    )
