"""derivative_check validates an author's gradient or Jacobian with finite differences."""

import pytest

from grading.engine import ConfigError, derivative_check

SYMBOLS = {
    "A": {"shape": ["m", "n"]},
    "M": {"shape": ["n", "n"]},
    "X": {"shape": ["n", "n"], "assume": ["spd"]},
    "x": {"shape": ["n", 1]},
    "t": {"shape": [1, 1]},
    "c": {"shape": [1, 1], "assume": ["positive"]},
}


def test_a_right_gradient_is_confirmed_with_its_error():
    result = derivative_check(SYMBOLS, "x^T M x", "x", "(M + M^T) x")

    assert result.ok is True
    assert result.kind == "gradient"
    assert result.max_error < 1e-6
    assert result.message == "The candidate is the gradient of x^T M x with respect to x"


def test_a_gradient_with_respect_to_a_matrix_has_its_shape():
    assert derivative_check(SYMBOLS, "log(det(X))", "X", "inv(X)").ok is True
    assert derivative_check(SYMBOLS, "tr(A M A^T)", "M", "A^T A").ok is True


def test_log_det_is_handled_where_sympy_diff_returns_zero():
    assert derivative_check(SYMBOLS, "log(det(X))", "X", "0").ok is False


def test_a_wrong_gradient_is_refused_and_says_where():
    result = derivative_check(SYMBOLS, "x^T M x", "x", "2 M x")

    assert result.ok is False
    assert result.message.startswith(
        "The candidate is not the gradient of x^T M x with respect to x: it differs"
    )
    assert result.max_error > 1e-3


def test_a_jacobian_is_numerator_layout():
    result = derivative_check(SYMBOLS, "A x", "x", "A")
    transposed = derivative_check(SYMBOLS, "A x", "x", "A^T")

    assert (result.ok, result.kind) == (True, "jacobian")
    assert result.message == "The candidate is the jacobian of A x with respect to x"
    assert transposed.ok is False
    assert transposed.message == "The candidate is n×m, but the jacobian of A x with respect to x is m×n"


def test_a_vector_function_of_a_scalar_has_a_column_jacobian():
    assert derivative_check(SYMBOLS, "exp(t) x", "t", "exp(t) x").ok is True


def test_a_scalar_function_of_a_scalar_has_a_scalar_gradient():
    assert derivative_check(SYMBOLS, "log(c) c", "c", "log(c) + 1").ok is True


def test_an_unreadable_candidate_is_not_ok_rather_than_an_error():
    result = derivative_check(SYMBOLS, "x^T x", "x", "2 x +")

    assert result.ok is False
    assert result.max_error is None
    assert "ends early" in result.message


@pytest.mark.parametrize(
    ("function", "wrt"),
    [
        ("x^T x", "y"),
        ("x^T x", 3),
        ("x^T +", "x"),
        ("M", "x"),
        ("x^T", "x"),
        ("A x", "M"),
    ],
)
def test_an_author_mistake_raises_config_error(function, wrt):
    with pytest.raises(ConfigError):
        derivative_check(SYMBOLS, function, wrt, "x")


def test_a_function_undefined_at_the_samples_is_an_author_mistake():
    with pytest.raises(ConfigError, match="undefined"):
        derivative_check(SYMBOLS, "log(det(M) - det(M) - 1)", "M", "M")
