"""An answer that cannot be read is a near miss more often than nonsense: the message says what to write."""

import pytest

from grading.engine import check, preview

SYMBOLS = {
    "A": {"shape": ["n", "n"]},
    "X": {"shape": ["n", "n"], "assume": ["invertible"]},
    "B": {"shape": ["m", "n"]},
    "x": {"shape": ["n", 1]},
    "y": {"shape": ["n", 1]},
    "c": {"shape": [1, 1]},
}


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("AT x", "Unknown name 'AT' at column 1: did you mean A^T? Write ^T (or ') for a transpose"),
        ("xTAx", "Unknown name 'xTAx' at column 1: did you mean x^TAx? Write ^T (or ') for a transpose"),
        ("e^x", "Unknown name 'e' at column 1: write exp(x) for e^x"),
        ("2 e^{c} x", "Unknown name 'e' at column 3: write exp(x) for e^x"),
        ("a x", "Unknown name 'a' at column 1: did you mean A? Names are case-sensitive"),
        ("Inv(X) x", "Unknown name 'Inv' at column 1: did you mean inv? Names are case-sensitive"),
        (
            "|X|",
            "Bars around a matrix are ambiguous: X is n×n; write det(X) for the determinant, or norm(X) "
            "for the Frobenius norm",
        ),  # fmt: skip
        ("|x|", "Bars around a vector are ambiguous: x is n×1; write norm(x) for its length"),
        ("|B|", "Bars around a matrix are ambiguous: B is m×n; write norm(B) for the Frobenius norm"),
        (
            "x^2",
            "Cannot raise x to a power: it is n×1, and only square matrices have powers; for an entrywise "
            "power write x .^ k",
        ),  # fmt: skip
        ("x / y", "You can only divide by a scalar, but y is n×1; for an entrywise division write ./"),
        ("A x = y", "Unexpected '=' at column 5: type only the expression, without '='"),
        ("A[:, 0]", "Unexpected ':' at column 3: indexing and slicing such as A[:, 0] are not supported"),
        ("‖x", "Unexpected '‖' at column 1: write norm(x) for ‖x‖"),
        ("∑ x", "Unexpected '∑' at column 1: write sum(x), or 𝟏^T x, instead of a ∑"),
        (r"\sum_i x_i", r"Unexpected '\sum' at column 1: write sum(x), or 𝟏^T x, instead of a ∑"),
        (
            "np.mean(x)",
            "The function np.mean at column 1 is not supported in answers: write sum(x) / n for a mean",
        ),
        ("A.inv() x", "The method .inv() at column 2 is not supported: write inv(A) or A.inverse()"),
        ("x.sum(axis=0)", "Keyword arguments such as axis= at column 7 are not supported"),
        ("I_k x", "The size in I_k at column 1 must be a dimension letter or a number"),
        ("1.5.2 x", "The number '1.5.2' at column 1 has more than one '.'"),
        ("(A x", "The expression ends early: a closing ')' is missing"),
        ("|c", "The expression ends early: a closing '|' is missing"),
        ("tr(A, A)", "The function tr at column 1 takes one argument, as in tr(X)"),
        ("A, x", "Unexpected ',' at column 2: commas only separate the arguments of a function"),
        (
            "sin(x)",
            "Unknown name 'sin' at column 1; the declared names are A, B, X, c, x, y, and the functions are",
        ),
    ],
)
def test_a_near_miss_is_told_what_to_write(answer, message):
    result = check(SYMBOLS, "x", answer)

    assert result.verdict == "invalid"
    assert result.message.startswith(message), result.message


def test_bars_around_a_scalar_are_its_absolute_value():
    assert check(SYMBOLS, "abs(c) x", "|c| x").verdict == "correct"
    assert check(SYMBOLS, "abs(c) x", r"\left| c \right| x").verdict == "correct"


@pytest.mark.parametrize(
    "answer", ["x +", "A x)", "foo", "x^T", "A x + y^T", "inv(B)", "|X|", "∂f", "np.linalg.qr(A)", "𝟏 x"]
)
def test_every_message_is_a_sentence_that_starts_with_a_capital_letter(answer):
    result = check(SYMBOLS, "x", answer)
    shown = preview(SYMBOLS, answer)

    assert result.message[:1].isupper(), result.message
    assert shown.ok or shown.error[:1].isupper(), shown.error


def test_the_column_is_that_of_the_learners_text_after_a_rewrite():
    # "$" signs and a math-bold x are rewritten before reading; the unknown name is still at column 4.
    assert "Unknown name 'w' at column 4" in check(SYMBOLS, "x", "$𝐱 w$").message
