"""Reading and grading learner answers: choices, numbers, matrices and shapes."""

import dataclasses

import numpy as np
import pytest

from exams.answers import (
    NUMBER_HINT,
    AnswerError,
    Grade,
    format_matrix,
    format_shape,
    grade_matrix,
    grade_multiple_choice,
    grade_numeric,
    grade_shape,
    grade_single_choice,
    numbers_close,
    parse_matrix,
    parse_number,
    parse_shape,
)
from exams.variants import substitute

TOL = {"abs_tol": 1e-9, "rel_tol": 1e-6}

# --- Numbers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("3", 3.0),
        ("-12", -12.0),
        ("+5", 5.0),
        ("0.25", 0.25),
        ("-0.25", -0.25),
        (".5", 0.5),
        ("2.", 2.0),
        ("1e-3", 0.001),
        ("2.5E4", 25000.0),
        ("-1.5e+2", -150.0),
        ("3/4", 0.75),
        ("-3/4", -0.75),
        ("3 / 4", 0.75),
        ("  42  ", 42.0),
        ("\u22122", -2.0),
        ("\u22123/4", -0.75),
    ],
)
def test_it_reads_numbers_as_people_write_them(text, number):
    assert parse_number(text) == number


NOT_NUMBERS = ["", "   ", "abc", "nan", "NaN", "inf", "-Infinity", "1_000", "0x10", "1,5", "2e", "--1"]
NOT_NUMBERS += ["3/4/5", "1/2.5", "2**3", "__import__('os')", "١٢"]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_it_rejects_what_is_not_a_number(text):
    with pytest.raises(AnswerError, match="Enter a number such as 3, -0.25, 1e-3 or 3/4."):
        parse_number(text)


def test_it_rejects_a_number_too_large_for_a_float():
    with pytest.raises(AnswerError, match="too large"):
        parse_number("1e999")


def test_it_rejects_a_zero_denominator():
    with pytest.raises(AnswerError, match="denominator"):
        parse_number("1/0")


def test_it_rejects_overlong_input():
    with pytest.raises(AnswerError, match="too long"):
        parse_number("1" * 101)
    assert parse_number("1" * 100) == float("1" * 100)


@pytest.mark.parametrize(
    ("value", "expected", "abs_tol", "rel_tol", "close"),
    [
        (1.0, 1.0, 0, 0, True),
        (1.05, 1.0, 0.1, 0, True),
        (1.2, 1.0, 0.1, 0, False),
        (1001.0, 1000.0, 0, 1e-3, True),  # relative tolerance wins for large values
        (1002.0, 1000.0, 0, 1e-3, False),
        (1e-10, 0.0, 1e-9, 1e-3, True),  # absolute tolerance wins near zero
        (1e-8, 0.0, 1e-9, 1e-3, False),
        (-1.0, 1.0, 1e-9, 1e-6, False),
    ],
)
def test_numbers_close_uses_the_larger_of_the_two_tolerances(value, expected, abs_tol, rel_tol, close):
    assert numbers_close(value, expected, abs_tol, rel_tol) is close


# --- Matrices --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("[[1, 2], [3, 4]]", [[1, 2], [3, 4]]),
        ("[[1,2],[3,4]]", [[1, 2], [3, 4]]),
        ("[[1, 2],\n [3, 4]]", [[1, 2], [3, 4]]),
        ("[1, 2; 3, 4]", [[1, 2], [3, 4]]),
        ("1 2; 3 4", [[1, 2], [3, 4]]),
        ("1, 2; 3, 4", [[1, 2], [3, 4]]),
        ("1 2\n3 4", [[1, 2], [3, 4]]),
        ("1 2\n\n3 4\n", [[1, 2], [3, 4]]),
        ("[1, 2, 3]", [[1, 2, 3]]),
        ("[[1], [2]]", [[1], [2]]),
        ("1; 2", [[1], [2]]),
        ("7", [[7]]),
        ("[[1/2, -3], [1e-2, \u22124]]", [[0.5, -3], [0.01, -4]]),
    ],
)
def test_it_reads_matrices_in_common_notations(text, rows):
    matrix = parse_matrix(text)
    assert matrix.dtype == float and matrix.ndim == 2
    assert matrix.tolist() == rows


def test_it_rejects_ragged_rows():
    with pytest.raises(AnswerError, match="row 2 has 3 entries but row 1 has 2"):
        parse_matrix("1 2; 3 4 5")
    with pytest.raises(AnswerError, match="row 3 has 1 entry but row 1 has 2"):
        parse_matrix("[[1, 2], [3, 4], [5]]")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "Enter a matrix such as"),
        ("   ", "Enter a matrix such as"),
        ("[]", "Enter a matrix such as"),
        ("[[1, 2], [3, 4]", "brackets do not match"),
        ("[1, 2", "brackets do not match"),
        ("1, 2]", "brackets do not match"),
        ("[[1, 2], 3]", "brackets do not match"),
        ("[[1, 2], x, [3, 4]]", "its own brackets"),
        ("1 x; 3 4", "Row 1, entry 2: 'x' is not a number"),
        ("1, , 2", "Row 1, entry 2 is empty"),
        ("[[1, 2], [3, eval('4')]]", "Row 2, entry 2"),
    ],
)
def test_it_rejects_what_is_not_a_matrix(text, problem):
    with pytest.raises(AnswerError, match=problem):
        parse_matrix(text)


def test_it_rejects_oversized_matrices():
    with pytest.raises(AnswerError, match="at most 36 rows and 36 columns"):
        parse_matrix("; ".join(["1"] * 37))
    with pytest.raises(AnswerError, match="at most 36 rows and 36 columns"):
        parse_matrix(" ".join(["1"] * 37))
    with pytest.raises(AnswerError, match="too long"):
        parse_matrix("1 " * 1001)
    assert parse_matrix("; ".join(["1"] * 36)).shape == (36, 1)
    assert parse_matrix(" ".join(["1"] * 36)).shape == (1, 36)


def test_format_matrix_writes_the_key_form_that_parse_matrix_reads():
    matrix = np.array([[1.0, 0.5], [-2.0, 1 / 3]])
    assert format_matrix(matrix) == "[[1, 0.5], [-2, 0.3333333333]]"
    assert np.allclose(parse_matrix(format_matrix(matrix)), matrix)
    assert format_matrix(np.array([[3]])) == "[[3]]"


def test_format_matrix_agrees_with_answer_keys_written_by_variants():
    matrix = np.array([[1, -2], [0.25, 4 / 3]])
    assert format_matrix(matrix) == substitute("{{M}}", {"M": matrix}, key=True)


# --- Shapes ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("m×n", ("m", "n")),
        ("m x n", ("m", "n")),
        ("mxn", ("m", "n")),
        ("m X n", ("m", "n")),
        ("m*n", ("m", "n")),
        ("(m, n)", ("m", "n")),
        ("m by n", ("m", "n")),
        ("n × 1", ("n", "1")),
        ("1x1", ("1", "1")),
        ("scalar", ("1", "1")),
        ("Scalar", ("1", "1")),
        ("2 x 3", ("2", "3")),
        ("N x k", ("N", "k")),
        ("p×d", ("p", "d")),
        ("R^{m×n}", ("m", "n")),
        ("ℝ^{m×n}", ("m", "n")),
        ("ℝ^{n×1}", ("n", "1")),
        (r"\mathbb{R}^{m \times n}", ("m", "n")),
        ("  k×k  ", ("k", "k")),
    ],
)
def test_it_reads_shapes_in_common_notations(text, shape):
    assert parse_shape(text) == shape


def test_shape_letters_are_case_sensitive():
    assert parse_shape("N×n") == ("N", "n")
    assert parse_shape("N×n") != parse_shape("n×n")


@pytest.mark.parametrize("text", ["", "n", "m×n×p", "m + n", "0×n", "n×-1", "1.5×2", "(m, n", "x" * 101])
def test_it_rejects_what_is_not_a_shape(text):
    with pytest.raises(AnswerError, match="Enter a shape such as m×n, n×1 or scalar."):
        parse_shape(text)


def test_format_shape_uses_the_multiplication_sign():
    assert format_shape(("m", "n")) == "m×n"
    assert format_shape(("n", 1)) == "n×1"


# --- Grades ----------------------------------------------------------------------------------------------


def test_a_grade_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Grade.correct().score = 0.5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("selected", "verdict", "message"),
    [
        (["b"], "correct", "Correct."),
        (["a"], "incorrect", "Not quite."),
        ([], "invalid", "Choose one option."),
        (["a", "b"], "invalid", "Choose only one option."),
        (["b", "b"], "correct", "Correct."),
    ],
)
def test_single_choice(selected, verdict, message):
    grade = grade_single_choice({"b"}, selected)
    assert (grade.verdict, grade.message) == (verdict, message)
    assert grade.score == (1.0 if verdict == "correct" else 0.0)


def test_single_choice_rejects_an_unknown_option_as_invalid():
    grade = grade_single_choice({"b"}, ["zzz"], all_ids={"a", "b", "c"})
    assert grade.verdict == "invalid"
    assert grade.score == 0


@pytest.mark.parametrize(
    ("selected", "score", "verdict"),
    [
        (["a", "b"], 1.0, "correct"),
        (["a"], 0.5, "partial"),
        (["a", "c"], 0.0, "incorrect"),  # one right, one wrong: they cancel
        (["a", "b", "c"], 0.5, "partial"),
        (["c", "d"], 0.0, "incorrect"),  # never below zero
        (["a", "b", "c", "d"], 0.0, "incorrect"),  # choosing everything earns nothing
        (["a", "a"], 0.5, "partial"),  # a repeated id counts once
    ],
)
def test_multiple_choice_partial_credit(selected, score, verdict):
    grade = grade_multiple_choice({"a", "b"}, {"a", "b", "c", "d"}, selected)
    assert grade.score == pytest.approx(score)
    assert grade.verdict == verdict


def test_multiple_choice_says_how_much_of_a_partial_answer_is_right():
    grade = grade_multiple_choice({"a", "b", "c"}, {"a", "b", "c", "d"}, ["a", "b", "d"])
    assert grade.score == pytest.approx(1 / 3)
    assert grade.message == "Partly right: you chose 2 of the 3 correct options, and 1 that is not."


@pytest.mark.parametrize(
    ("selected", "message"), [([], "Choose at least one option."), (["a", "zzz"], "not part")]
)
def test_multiple_choice_without_a_valid_selection_is_invalid(selected, message):
    grade = grade_multiple_choice({"a"}, {"a", "b"}, selected)
    assert grade.verdict == "invalid" and grade.score == 0
    assert message in grade.message


def test_multiple_choice_needs_a_correct_option():
    with pytest.raises(ValueError, match="at least one correct option"):
        grade_multiple_choice(set(), {"a", "b"}, ["a"])


@pytest.mark.parametrize(
    ("text", "verdict", "message"),
    [
        ("2.5", "correct", "Correct."),
        ("5/2", "correct", "Correct."),
        ("2.5000001", "correct", "Correct."),
        ("2.6", "incorrect", "Not quite."),
        ("-2.5", "incorrect", "Not quite — check the sign."),
        ("\u22125/2", "incorrect", "Not quite — check the sign."),
        ("two and a half", "invalid", NUMBER_HINT),
    ],
)
def test_numeric(text, verdict, message):
    grade = grade_numeric(2.5, text=text, **TOL)
    assert (grade.verdict, grade.message) == (verdict, message)


EXPECTED = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


@pytest.mark.parametrize(
    ("text", "verdict", "message"),
    [
        ("[[1, 2, 3], [4, 5, 6]]", "correct", "Correct."),
        ("1 2 3; 4 5 6.0000001", "correct", "Correct."),
        (
            "[[1, 4], [2, 5], [3, 6]]",
            "incorrect",
            "your matrix is 3×2, the expected one is 2×3. It looks transposed.",
        ),
        ("[[1, 2], [3, 4], [5, 6]]", "incorrect", "your matrix is 3×2, the expected one is 2×3."),
        ("[[-1, -2, -3], [-4, -5, -6]]", "incorrect", "check the sign"),
        ("[[1, 2, 3], [4, 5, 7]]", "incorrect", "1 of the 6 entries is off"),
        ("[[0, 2, 3], [4, 5, 7]]", "incorrect", "2 of the 6 entries are off"),
        ("[[1, 2, 3], [4, 5]]", "invalid", "row 2 has 2 entries but row 1 has 3"),
    ],
)
def test_matrix(text, verdict, message):
    grade = grade_matrix(EXPECTED, text=text, **TOL)
    assert grade.verdict == verdict
    assert message in grade.message
    assert grade.score == (1.0 if verdict == "correct" else 0.0)


def test_a_wrongly_sized_matrix_that_is_not_the_transpose_gets_no_transpose_hint():
    grade = grade_matrix(EXPECTED, text="[[1, 2], [3, 4], [5, 6]]", **TOL)
    assert "transposed" not in grade.message


def test_a_square_matrix_that_is_the_transpose_is_called_transposed():
    grade = grade_matrix(np.array([[1, 2], [3, 4]]), text="[[1, 3], [2, 4]]", **TOL)
    assert grade.verdict == "incorrect"
    assert "it looks transposed" in grade.message


def test_matrix_entries_use_the_numeric_tolerances():
    assert grade_matrix(np.array([[1000.0]]), 0, 1e-3, "1000.9").verdict == "correct"
    assert grade_matrix(np.array([[1000.0]]), 0, 1e-3, "1001.1").verdict == "incorrect"
    assert grade_matrix(np.array([[0.0]]), 1e-6, 0, "1e-7").verdict == "correct"


@pytest.mark.parametrize(
    ("expected", "text", "verdict"),
    [
        (("m", "n"), "m×n", "correct"),
        (("m", "n"), "(m, n)", "correct"),
        (("n", 1), "n x 1", "correct"),
        (("1", "1"), "scalar", "correct"),
        ((1, 1), "1×1", "correct"),
        ((2, 3), "2 by 3", "correct"),
        (("m", "n"), "m×m", "incorrect"),
        (("m", "n"), "M×N", "incorrect"),
        (("m", "n"), "a shape", "invalid"),
    ],
)
def test_shape(expected, text, verdict):
    assert grade_shape(expected, text).verdict == verdict


def test_a_transposed_shape_gets_a_hint_about_layout_conventions():
    grade = grade_shape(("n", 1), "1×n")
    assert grade.verdict == "incorrect"
    assert grade.message == (
        "Not quite: that is the transpose of the expected shape — check your layout convention."
    )
