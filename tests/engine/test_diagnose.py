"""Wrong answers get a diagnosis and a sentence a learner can act on."""

import pytest

from grading.engine import check

SYMBOLS = {
    "A": {"shape": ["n", "n"]},
    "B": {"shape": ["n", "m"]},
    "x": {"shape": ["n", 1]},
    "b": {"shape": ["n", 1]},
    "c": {"shape": [1, 1], "assume": ["positive"]},
}


def diagnose(expected, answer):
    result = check(SYMBOLS, expected, answer)
    assert result.verdict == "incorrect", result.message
    return result


def test_it_recognises_a_transposed_answer():
    result = diagnose("A x b^T", "b x^T A^T")

    assert result.diagnosis == ("transpose",)
    assert result.message == (
        "Your answer is the transpose of the expected result — "
        "check the order of the factors and your layout convention"
    )


def test_it_recognises_a_sign_error():
    result = diagnose("2 A^T (A x - b)", "2 A^T (b - A x)")

    assert result.diagnosis == ("sign",)
    assert result.message == "Your answer is minus the expected result — check the signs"


def test_it_recognises_a_missing_factor_and_states_it():
    result = diagnose("(A + A^T) x", "1/2 (A + A^T) x")

    assert result.diagnosis == ("scalar_multiple",)
    assert result.message == "Your answer is 1/2 times the expected result — check for a missing factor of 2"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("2 A x", "Your answer is 2 times the expected result — check for an extra factor of 2"),
        ("3/2 A x", "Your answer is 3/2 times the expected result — check the constant factors"),
        (
            "-2 A x",
            "Your answer is -2 times the expected result — "
            "check the sign, and check for an extra factor of 2",
        ),
        (
            "0.123456789 A x",
            "Your answer is about 0.123 times the expected result — check the constant factors",
        ),
    ],
)
def test_it_states_any_constant_factor(answer, message):
    result = diagnose("A x", answer)

    assert result.diagnosis == ("scalar_multiple",)
    assert result.message == message


def test_it_combines_a_transpose_with_a_sign():
    result = diagnose("A B B^T", "-B B^T A^T")

    assert result.diagnosis == ("transpose", "sign")


def test_it_combines_a_transpose_with_a_factor():
    result = diagnose("A B B^T", "2 B B^T A^T")

    assert result.diagnosis == ("transpose", "scalar_multiple")
    assert "2 times the transpose of the expected result" in result.message


def test_a_symmetric_reference_is_never_called_transposed():
    result = diagnose("A + A^T", "-(A + A^T)")

    assert result.diagnosis == ("sign",)


def test_a_transposed_vector_is_a_shape_mismatch_and_a_transpose_with_a_layout_hint():
    result = check(SYMBOLS, "A x", "x^T A^T")

    assert result.verdict == "incorrect"
    assert result.method is None
    assert result.diagnosis == ("shape_mismatch", "transpose")
    assert result.message == (
        "Your answer is the transpose of the expected result (1×n instead of n×1) — check the order of the "
        "factors and your layout convention"
    )


def test_a_vector_of_the_transposed_shape_that_is_not_the_transpose_keeps_the_layout_hint():
    result = check(SYMBOLS, "A x", "x^T A")

    assert result.diagnosis == ("shape_mismatch",)
    assert result.message == "Your answer is 1×n, the expected result is n×1 — check your layout convention"


def test_another_shape_is_a_shape_mismatch():
    result = check(SYMBOLS, "A x", "x^T A x")

    assert result.diagnosis == ("shape_mismatch",)
    assert result.message == "Your answer is 1×1, the expected result is n×1 — check the shape of each factor"


def test_an_unrelated_answer_gets_no_diagnosis_but_still_a_message():
    result = diagnose("A x", "A^T x")

    assert result.diagnosis == ()
    assert result.message == "Your answer does not match the expected result"


def test_a_zero_answer_is_called_zero():
    result = diagnose("A x", "A x - A x")

    assert result.diagnosis == ()
    assert result.message == "Your answer is zero, but the expected result is not"


def test_a_size_dependent_factor_is_not_a_scalar_multiple():
    assert diagnose("A x", "n A x").diagnosis == ()
