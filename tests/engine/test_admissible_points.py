"""Correct answers are judged only where the reference is finite and accurately computable.

The content writers' case: least squares, where XᵀX is singular whenever X has fewer rows than columns.
"""

import re

import numpy as np
import pytest

from grading.engine import ConfigError, check, derivative_check
from grading.engine.compare import load_question
from grading.engine.sampling import ASSIGNMENTS, DRAWS_PER_ASSIGNMENT, generator, samples
from grading.engine.symbols import declare

LEAST_SQUARES = {"X": {"shape": ["m", "n"]}, "w": {"shape": ["n", 1]}, "y": {"shape": ["m", 1]}}
NORMAL_EQUATIONS = "inv(X^T X) X^T y"


@pytest.mark.parametrize(
    "answer", ["inv(X^T X) (X^T y)", "(X^T X)^{-1} (X^T y)", "(X^T X)^-1 X^T y", "inv(X^T X) X^T y"]
)
def test_a_correct_least_squares_answer_is_correct(answer):
    result = check(LEAST_SQUARES, NORMAL_EQUATIONS, answer)

    assert result.verdict == "correct", result.message


def test_it_skips_the_sizes_where_xtx_is_singular_but_keeps_its_strength():
    points = load_question(LEAST_SQUARES, NORMAL_EQUATIONS).samples

    assert all(sample.sizes["m"] >= sample.sizes["n"] for sample in points)
    assert len(points) == ASSIGNMENTS
    assert all(sample.draws == DRAWS_PER_ASSIGNMENT for sample in points)
    assert sum(sample.sizes["m"] > sample.sizes["n"] for sample in points) >= 2  # non-square ones remain
    assert len({sample.sizes["n"] for sample in points}) >= 3


@pytest.mark.parametrize(
    ("answer", "diagnosis"),
    [
        ("inv(X^T X) X^T y + w", ()),
        ("-inv(X^T X) X^T y", ("sign",)),
        ("2 inv(X^T X) X^T y", ("scalar_multiple",)),
    ],
)
def test_a_wrong_least_squares_answer_is_still_incorrect(answer, diagnosis):
    result = check(LEAST_SQUARES, NORMAL_EQUATIONS, answer)

    assert (result.verdict, result.diagnosis) == ("incorrect", diagnosis)


def test_an_answer_ill_conditioned_where_the_reference_is_fine_is_compared_as_usual():
    # Xᵀ(XXᵀ)⁻¹y equals the reference for square X only; at the m > n points left, XXᵀ is singular.
    result = check(LEAST_SQUARES, NORMAL_EQUATIONS, "X^T inv(X X^T) y")

    assert result.verdict == "incorrect"
    m, n = map(int, re.match(r"m=(\d+), n=(\d+)", result.counterexample).groups())
    assert m > n


def test_an_answer_undefined_where_the_reference_is_defined_is_incorrect():
    # w is fine at every size; inv(XᵀX) XᵀX w is garbage where m < n, so it is not the same answer.
    assert check(LEAST_SQUARES, "w", "inv(X^T X) X^T X w").verdict == "incorrect"
    assert check(LEAST_SQUARES, "inv(X^T X) X^T X w", "w").verdict == "correct"


def test_a_reference_that_is_zero_where_xtx_is_singular_keeps_those_sizes():
    # det(XᵀX) is 0 for m < n, computed to ~1e-15: accurate, so those points still count.
    points = load_question(LEAST_SQUARES, "det(X^T X)").samples

    assert any(sample.sizes["m"] < sample.sizes["n"] for sample in points)
    assert check(LEAST_SQUARES, "det(X^T X)", "det(X^T X)^T").verdict == "correct"


def test_a_derivative_is_checked_where_the_function_is_admissible():
    result = derivative_check(LEAST_SQUARES, "log(det(X^T X))", "X", "2 X inv(X^T X)")

    assert result.ok, result.message


def test_a_reference_singular_at_every_point_is_an_author_mistake():
    with pytest.raises(ConfigError, match="cannot be computed accurately at any sampled size and value"):
        check({"X": {"shape": [3, 2]}}, "inv(X X^T)", "inv(X X^T)")


def test_a_reference_undefined_at_every_point_is_an_author_mistake():
    with pytest.raises(ConfigError, match=re.escape("undefined (not finite) at most sampled values")):
        check({"X": {"shape": ["m", "n"]}}, "inv(X X^T - X X^T)", "X")


def test_a_scalar_reference_undefined_at_some_values_is_judged_at_the_others():
    symbols = {"c": {"shape": [1, 1]}}
    (sample,) = load_question(symbols, "log(c)").samples

    assert sample.draws == ASSIGNMENTS * DRAWS_PER_ASSIGNMENT
    assert np.all(sample.values["c"] > 0)
    assert check(symbols, "log(c)", "log(abs(c))").verdict == "correct"
    assert check(symbols, "log(c)", "-log(c)").verdict == "incorrect"


def test_unfiltered_samples_are_unchanged_in_number():
    points = samples(declare(LEAST_SQUARES), generator("any"))

    assert [sample.draws for sample in points] == [DRAWS_PER_ASSIGNMENT] * ASSIGNMENTS
