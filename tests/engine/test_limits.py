"""Safety limits: hostile or absurd input is refused quickly, and nothing takes long or much memory."""

import time

import pytest

from grading.engine import check

SYMBOLS = {
    "A": {"shape": ["n", "n"]},
    "x": {"shape": ["n", 1]},
    "c": {"shape": [1, 1], "assume": ["positive"]},
}


def refused(answer, expected="x"):
    started = time.perf_counter()
    result = check(SYMBOLS, expected, answer)
    assert time.perf_counter() - started < 0.5
    assert result.verdict == "invalid"
    return result.message


def test_it_refuses_an_answer_over_two_thousand_characters():
    assert refused("x" + " + x" * 500) == "The answer is too long: 2,001 characters, the limit is 2,000"


def test_it_grades_an_answer_at_the_limit():
    answer = ("x" + " + x" * 499).ljust(2000)

    assert len(answer) == 2000
    assert check(SYMBOLS, "x", answer).verdict == "incorrect"


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\u200b", "\u202e"])
def test_it_refuses_control_and_invisible_characters(character):
    message = refused(f"A{character}x")

    assert "column 2" in message


def test_it_names_a_nul_byte():
    assert "a NUL byte" in refused("x\x00")


def test_tabs_and_newlines_are_ordinary_whitespace():
    assert check(SYMBOLS, "A x", "A\tx\n").verdict == "correct"


def test_it_refuses_brackets_nested_more_than_a_hundred_deep():
    assert check(SYMBOLS, "x", "(" * 100 + "x" + ")" * 100).verdict == "correct"
    assert "nested more than 100 levels" in refused("(" * 101 + "x" + ")" * 101)


def test_it_refuses_an_expression_nested_too_deeply_without_brackets():
    assert "nested too deeply" in refused("x" + "'" * 300)


@pytest.mark.parametrize("answer", ["c^65", "c^(-65)", "A^{100}", "c^(130/2)"])
def test_it_refuses_an_exponent_beyond_sixty_four(answer):
    assert "its magnitude may be at most 64" in refused(answer, "c")


def test_an_exponent_of_sixty_four_is_fine():
    assert check(SYMBOLS, "A", "A^64").verdict == "incorrect"


@pytest.mark.parametrize("answer", ["1000000000000000 x", "0.0000000000000000000001 x", "1" * 400])
def test_it_refuses_absurd_numbers(answer):
    assert "too long or too large" in refused(answer)


@pytest.mark.parametrize(
    "answer",
    [
        "tr(kron(kron(kron(A, A), A), A)) A",
        "det(kron(kron(A, A), kron(A, A))) A",
        "sum(kron(kron(A, A), kron(A, A))) A",
    ],
)
def test_it_refuses_to_build_huge_intermediate_matrices(answer):
    assert "too large to check" in refused(answer, "A")


def test_kron_of_moderate_size_is_evaluated():
    assert check(SYMBOLS, "tr(A)^3", "tr(kron(kron(A, A), A))").verdict == "correct"


@pytest.mark.parametrize(
    "answer",
    [
        "(A^64)^64 x",
        "exp(exp(exp(exp(exp(x)))))",
        " ".join(["A"] * 999),
        "x" + " + x" * 499,
        "+".join(["(A + A^T)^64 x"] * 140),
        "-" * 150 + "x",
    ],
)
def test_no_answer_takes_long(answer):
    started = time.perf_counter()
    result = check(SYMBOLS, "x" if answer.endswith("x") else "A", answer[:2000])

    assert result.verdict in ("correct", "incorrect", "invalid")
    assert time.perf_counter() - started < 2.0
