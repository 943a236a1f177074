"""A test point is admissible where the reference is finite and its rounding error is far below tolerance."""

import numpy as np
import pytest

from grading.engine.accuracy import admissible_draws
from grading.engine.numeric import compile_program
from grading.engine.parser import parse
from grading.engine.sampling import Sample
from grading.engine.shapes import Inference
from grading.engine.symbols import declare

SYMBOLS = {
    "A": {"shape": [2, 2]},
    "S": {"shape": [2, 2], "assume": ["symmetric"]},
    "X": {"shape": [2, 3]},
    "x": {"shape": [2, 1]},
    "c": {"shape": [1, 1]},
    "d": {"shape": [1, 1]},
}
DECLARATION = declare(SYMBOLS)
WELL_CONDITIONED = np.array([[2.0, 1.0], [1.0, 3.0]])
NEARLY_SINGULAR = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-12]])
WIDE = np.array([[1.0, 2.0, 0.5], [-1.0, 0.3, 2.0]])  # XᵀX (3×3, rank 2) is singular


def admissible(expected, **values):
    """Is one draw with these values (the others: defaults) admissible for ``expected``?"""
    defaults = {
        "A": WELL_CONDITIONED,
        "S": WELL_CONDITIONED,
        "X": WIDE,
        "x": [[1.0], [2.0]],
        "c": 1.5,
        "d": 0.5,
    }
    defaults.update(values)
    sample = Sample(
        sizes={},
        values={
            name: np.array(value, dtype=float).reshape(1, *np.shape(value) or (1, 1))
            for name, value in defaults.items()
        },
        draws=1,
    )
    inference = Inference(DECLARATION, expected)
    typed = inference.resolve(inference.infer_root(parse(DECLARATION, expected)))
    return bool(admissible_draws(typed, compile_program(typed))(sample)[0])


@pytest.mark.parametrize(
    "expected",
    ["inv(A) x", "A^-2 x", "det(A)", "log(c)", "sqrt(c)", "x / c", "c^-3", "exp(x^T A x)", "tr(A) / norm(x)"],
)
def test_a_well_conditioned_point_is_admissible(expected):
    assert admissible(expected)


@pytest.mark.parametrize("expected", ["inv(A) x", "A^-1", "inv(A^T A)", "x^T inv(A) x", "log(det(A))"])
def test_inverting_a_nearly_singular_matrix_is_not(expected):
    assert not admissible(expected, A=NEARLY_SINGULAR)


def test_inverting_a_singular_product_is_not():
    assert not admissible("inv(X^T X)")
    assert admissible("inv(X X^T)")


def test_a_determinant_of_a_singular_matrix_is_accurate_but_its_log_is_not():
    assert admissible("det(X^T X)")
    assert not admissible("log(det(X^T X))")


@pytest.mark.parametrize(
    "expected", ["x / (c - d)", "(c - d)^-1", "log(c - d)", "sqrt(c - d)", "c / (c - d)"]
)
def test_dividing_by_or_taking_the_log_of_a_cancellation_is_not(expected):
    assert admissible(expected, c=1.0, d=1.0 - 1e-13) is False
    assert admissible(expected, c=1.0, d=0.5) is True


def test_dividing_by_a_tiny_input_is_accurate():
    assert admissible("x / c", c=1e-12)
    assert admissible("c^-2", c=1e-12)


def test_an_exactly_zero_reference_is_admissible():
    assert admissible("S x - S^T x")
    assert admissible("c - c")


@pytest.mark.parametrize("expected", ["log(c)", "sqrt(c)", "x / (c - c)", "inv(A - A)"])
def test_a_value_that_is_not_finite_is_not(expected):
    assert not admissible(expected, c=-1.0)
