"""sympy confirms equalities it can prove cheaply; numeric sampling decides everything else."""

from grading.engine import check
from grading.engine.parser import parse
from grading.engine.shapes import Inference
from grading.engine.symbolic import proves
from grading.engine.symbols import declare

SYMBOLS = {
    "A": {"shape": ["n", "n"]},
    "S": {"shape": ["n", "n"], "assume": ["symmetric"]},
    "Q": {"shape": ["n", "n"], "assume": ["orthogonal"]},
    "x": {"shape": ["n", 1]},
    "y": {"shape": ["n", 1]},
    "c": {"shape": [1, 1], "assume": ["positive"]},
}
DECLARATION = declare(SYMBOLS)


def typed(text):
    inference = Inference(DECLARATION, text)
    return inference.resolve(inference.infer_root(parse(DECLARATION, text)))


def method(expected, answer):
    result = check(SYMBOLS, expected, answer)
    assert result.verdict == "correct", result.message
    return result.method


def test_it_proves_distributing_a_product_over_a_sum():
    assert method("(A + A^T) x", "A x + A' x") == "symbolic"


def test_it_uses_the_symmetry_assumption():
    assert method("2 S x", "(S + S^T) x") == "symbolic"


def test_it_cancels_an_inverse_against_its_matrix():
    assert method("x", "inv(A) A x") == "symbolic"
    assert method("x", "Q^T Q x") == "symbolic"


def test_it_treats_scalars_as_commuting():
    assert method("c x", "x c") == "symbolic"
    assert method("2 tr(A) x", "x tr(A) + tr(A) x") == "symbolic"


def test_an_identity_outside_its_algebra_falls_back_to_numeric():
    assert method("tr(A S)", "tr(S A)") == "numeric"  # cyclic trace
    assert method("x^T y", "y^T x") == "numeric"  # a scalar equals its transpose
    assert method("x .* y", "y .* x") == "numeric"  # elementwise products are not modelled


def test_a_1x1_matrix_product_used_as_a_scalar_is_not_modelled():
    assert proves(DECLARATION, typed("(y^T x) x"), typed("x (y^T x)")) is False
    assert method("(y^T x) x", "x y^T x") == "numeric"


def test_it_never_proves_an_inequality():
    assert proves(DECLARATION, typed("A x"), typed("A^T x")) is False
    assert check(SYMBOLS, "A x", "A^T x").verdict == "incorrect"


def test_it_does_not_try_large_expansions():
    big = "(A + A^T)^4 (A + A^T)^4 x"

    assert proves(DECLARATION, typed(big), typed(big)) is False
    assert method(big, big) == "numeric"
