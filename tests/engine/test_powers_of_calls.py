"""A power right after a function call is a power of the call: its closing parenthesis ends the atom."""

import pytest

from grading.engine import check, preview
from grading.engine.nodes import Number, Power, Symbol, Transpose
from grading.engine.parser import parse
from grading.engine.symbols import declare

SYMBOLS = {
    "A": {"shape": ["n", "n"], "assume": ["spd"]},
    "X": {"shape": ["n", "n"], "assume": ["invertible"]},
    "x": {"shape": ["n", 1], "assume": ["positive"]},
    "c": {"shape": [1, 1], "assume": ["positive"]},
}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("inv(A)^2", "A^-1 A^-1"),
        ("inv(A)^-1", "A"),
        ("inv(X^T)^2", "X^-T X^-T"),
        ("-inv(X^T)^2", "-(X^-T X^-T)"),
        ("inv(diag(x))^2", "diag(x)^-1 diag(x)^-1"),
        ("tr(A)^2", "tr(A) tr(A)"),
        ("det(A)^2", "det(A) det(A)"),
        ("norm(x)^2", "x^T x"),
        ("inv(A)^T", "A^-T"),
        ("inv(A)'", "A^-T"),
        ("inv(X)^{2}", "X^-1 X^-1"),
        ("inv(c)^3", "c^-3"),
    ],
)
def test_a_power_of_a_call_is_correct(answer, expected):
    result = check(SYMBOLS, expected, answer)

    assert result.verdict == "correct", (answer, result.message)


def test_it_is_the_call_that_is_raised_to_the_power():
    tree = parse(declare(SYMBOLS), "inv(X^T)^2")

    assert tree == Power(Power(Transpose(Symbol("X")), Number(-1.0, "-1")), Number(2.0, "2"))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("inv(X^T)^2", "X^-1 X^-1"),
        ("inv(X)^2", "X^-1"),
        ("inv(X)^-1", "X^-1"),
        ("-inv(X^T)^2", "X^-T X^-T"),
    ],
)
def test_a_wrong_power_of_a_call_is_incorrect(answer, expected):
    assert check(SYMBOLS, expected, answer).verdict == "incorrect"


def test_the_preview_shows_the_power_of_the_inverse():
    shown = preview(SYMBOLS, "inv(A)^2")

    assert shown.ok
    assert shown.latex.endswith("^{2}")


@pytest.mark.parametrize("answer", ["c^2^3", "c^2^-1", "X^-1^2", "X^{-1}^2", "inv(c)^2^3"])
def test_two_exponents_in_a_row_stay_ambiguous(answer):
    result = check(SYMBOLS, "c", answer)

    assert result.verdict == "invalid"
    assert "Two exponents in a row" in result.message
