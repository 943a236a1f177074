"""Shape rules with symbolic dimensions, and messages that name the offending sub-expression."""

import pytest

from grading.engine import check, preview

SYMBOLS = {
    "A": {"shape": ["n", "n"]},
    "B": {"shape": ["n", "m"]},
    "X": {"shape": ["n", "m"]},
    "x": {"shape": ["n", 1]},
    "y": {"shape": ["m", 1]},
    "a": {"shape": ["n", 1]},
    "b": {"shape": ["n", 1]},
    "c": {"shape": [1, 1]},
    "F": {"shape": [3, 2]},
}


def shape_of(answer):
    shown = preview(SYMBOLS, answer)
    assert shown.ok, shown.error
    return shown.shape


def error_of(answer):
    shown = preview(SYMBOLS, answer)
    assert not shown.ok
    return shown.error


@pytest.mark.parametrize(
    ("answer", "shape"),
    [
        ("x", "n×1"),
        ("x^T", "1×n"),
        ("x^T A x", "1×1"),
        ("B^T x", "m×1"),
        ("a^T x a", "n×1"),  # the 1×1 sub-product scales a
        ("x a^T x", "n×1"),
        ("c A", "n×n"),
        ("A c", "n×n"),
        ("x / c", "n×1"),
        ("kron(A, B)", "n²×mn"),
        ("vec(B)", "mn×1"),
        ("diag(x)", "n×n"),
        ("diag(x^T)", "n×n"),
        ("diag(A)", "n×1"),
        ("tr(A) + det(A) + norm(B) + sum(B)", "1×1"),
        ("exp(B) .* log(B)", "n×m"),
        ("ones(m, 1)", "m×1"),
        ("F^T", "2×3"),
        ("n x", "n×1"),
    ],
)
def test_it_infers_the_shape(answer, shape):
    assert shape_of(answer) == shape


@pytest.mark.parametrize(
    ("answer", "shape"),
    [("A + I", "n×n"), ("I x", "n×1"), ("x^T I", "1×n"), ("(I - A)^-1 x", "n×1"), ("B^T I B", "m×m")],
)
def test_the_size_of_I_comes_from_the_context(answer, shape):
    assert shape_of(answer) == shape


def test_a_zero_added_to_a_matrix_is_a_zero_matrix():
    assert shape_of("A + 0") == "n×n"
    assert check(SYMBOLS, "B", "0 + B - 0").verdict == "correct"


def test_a_bare_zero_takes_the_expected_shape():
    result = check(SYMBOLS, "x - x", "0")

    assert result.verdict == "correct"
    assert result.answer_shape == "n×1"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("x^T A + b", "Cannot add x^T A (1×n) to b (n×1)"),
        ("x - x^T", "Cannot subtract x^T (1×n) from x (n×1)"),
        ("c + x", "Cannot add c (1×1) to x (n×1)"),
        ("A x^T", "Cannot multiply A (n×n) by x^T (1×n)"),
        ("x^T y", "Cannot multiply x^T (1×n) by y (m×1)"),
        ("(A + A^T) x^T", "Cannot multiply (A + A^T) (n×n) by x^T (1×n)"),
        ("det(B)", "det needs a square matrix, but B is n×m"),
        ("tr(x)", "tr needs a square matrix, but x is n×1"),
        ("inv(B)", "Cannot invert B: it is n×m, and only square matrices have inverses"),
        ("B^2", "Cannot raise B to a power: it is n×m, and only square matrices have powers"),
        ("A^0.5", "The exponent of the matrix A must be a whole number"),
        ("A^c", "The exponent of the matrix A must be a whole number"),
        ("c^x", "An exponent must be a scalar, but x is n×1"),
        ("x / x", "You can only divide by a scalar, but x is n×1"),
        ("sqrt(x)", "sqrt applies to scalars, but x is n×1"),
        ("abs(A)", "abs applies to scalars, but A is n×n"),
        ("diag(B)", "diag needs a vector or a square matrix, but B is n×m"),
        ("x .* y", "An elementwise product needs equal shapes, but x is n×1 and y is m×1"),
        ("kron(I, A)", "write I_n"),
        ("tr(I)", "write I_n"),
    ],
)
def test_an_ill_formed_answer_is_explained_in_shapes(answer, message):
    assert message in error_of(answer)


def test_an_ill_formed_answer_is_invalid_not_incorrect():
    result = check(SYMBOLS, "x", "A x^T")

    assert result.verdict == "invalid"
    assert result.method is None
    assert result.answer_shape is None
    assert result.expected_shape == "n×1"


def test_a_long_sub_expression_is_shortened_in_messages():
    long_term = " + ".join(["A"] * 30)

    assert "…" in error_of(f"({long_term}) x^T")
