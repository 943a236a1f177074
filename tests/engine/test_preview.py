"""The live preview shows the engine's reading of an answer as LaTeX, with its shape or the error."""

import pytest

from grading.engine import Preview, preview

SYMBOLS = {
    "A": {"shape": ["n", "n"]},
    "B": {"shape": ["n", "m"]},
    "x": {"shape": ["n", 1]},
    "c": {"shape": [1, 1]},
    "lambda": {"shape": [1, 1]},
    "x_1": {"shape": ["n", 1]},
    "dX": {"shape": ["n", "n"]},
}


@pytest.mark.parametrize(
    ("answer", "latex", "shape"),
    [
        ("(A + A') x", r"\left(A + A^{\top}\right) x", "n×1"),
        ("x^T A x / 2", r"\frac{x^{\top} A x}{2}", "1×1"),
        ("inv(A)", "A^{-1}", "n×n"),
        ("A^-T", r"A^{-\top}", "n×n"),
        ("(A B)^T", r"\left(A B\right)^{\top}", "m×n"),
        ("2 * 3 x", r"2 \cdot 3 x", "n×1"),
        ("lambda x_1", r"\lambda x_{1}", "n×1"),
        ("dX", r"\mathrm{dX}", "n×n"),
        ("kron(A, A) vec(A)", r"\left(A \otimes A\right) \operatorname{vec}\left(A\right)", "n²×1"),
        ("x .* x", r"x \circ x", "n×1"),
        ("log det(A)", r"\log\left(\det\left(A\right)\right)", "1×1"),
        ("sqrt(c) + abs(c) + norm(x)", r"\sqrt{c} + \left|c\right| + \left\|x\right\|", "1×1"),
        ("sigma(x) - tanh(x)", r"\sigma\left(x\right) - \tanh\left(x\right)", "n×1"),
        ("ones(n, 1) - x", r"\mathbf{1}_{n \times 1} - x", "n×1"),
        ("I_n x", "I_{n} x", "n×1"),
        ("A (-x)", r"A \left(-x\right)", "n×1"),
        ("c - (c - c)", r"c - \left(c - c\right)", "1×1"),
        ("(-c)^2", r"\left(-c\right)^{2}", "1×1"),
    ],
)
def test_it_shows_the_reading_as_latex_with_the_shape(answer, latex, shape):
    assert preview(SYMBOLS, answer) == Preview(ok=True, latex=latex, shape=shape, error=None)


def test_a_bare_identity_has_a_size_still_to_be_decided():
    assert preview(SYMBOLS, "I").shape == "?×?"


def test_a_syntax_error_has_no_latex():
    shown = preview(SYMBOLS, "A x)")

    assert shown == Preview(ok=False, latex=None, shape=None, error="Unexpected ')' at column 4")


def test_a_shape_error_still_shows_the_reading():
    shown = preview(SYMBOLS, "x^T A + x")

    assert shown.ok is False
    assert shown.latex == r"x^{\top} A + x"
    assert shown.error == "Cannot add x^T A (1×n) to x (n×1)"


def test_an_identity_whose_size_nothing_fixes_is_reported():
    shown = preview(SYMBOLS, "tr(I)")

    assert shown.ok is False
    assert "write I_n" in shown.error


def test_an_input_refused_by_the_limits_is_an_error():
    assert preview(SYMBOLS, "x" * 2001).error.startswith("The answer is too long")
