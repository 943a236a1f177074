"""The answer language: every spelling in the issue parses to the intended expression."""

import pytest

from grading.engine import check, preview
from grading.engine.nodes import Call, Number, Power, Product, Symbol, Transpose
from grading.engine.parser import parse
from grading.engine.symbols import declare

SYMBOLS = {
    "A": {"shape": ["n", "n"]},
    "X": {"shape": ["n", "n"], "assume": ["spd"]},
    "x": {"shape": ["n", 1]},
    "b": {"shape": ["n", 1]},
    "c": {"shape": [1, 1], "assume": ["positive"]},
    "lambda": {"shape": [1, 1]},
    "beta": {"shape": [1, 1]},
}
DECLARATION = declare(SYMBOLS)


def tree(text):
    return parse(DECLARATION, text)


def assert_same(expected, *answers):
    for answer in answers:
        result = check(SYMBOLS, expected, answer)
        assert result.verdict == "correct", (answer, result.message)


@pytest.mark.parametrize(
    ("expected", "answers"),
    [
        ("(A + A^T) x", ["A x + A' x", "A x + A.T x", "A x + transpose(A) x", "(A + A^{T}) x"]),
        ("inv(A)", ["A^-1", "A^(-1)", "A^{-1}", "A⁻¹", "inv(A)"]),
        ("inv(A)^T", ["A^-T", "inv(A')", "A^{-T}", r"A^{-\top}", "(A^T)^-1", "A⁻ᵀ"]),
        ("A A", ["A^2", "A^{2}", "A²", "A**2"]),
        ("sqrt(c)", ["c^0.5", "c^(1/2)", r"c^{\frac{1}{2}}", r"\sqrt{c}", "c^.5"]),
        ("2 A x", ["2Ax", "2*A*x", "2 @ A @ x", r"2 \cdot A \cdot x", "2(A x)", "(2A)x"]),
        ("lambda x", [r"\lambda x", "λ x", "lambdax", "x lambda"]),
        ("x^T A x", ["x^TAx", "xᵀAx", r"x^\top A x", r"x^{\top} A x", "x' A x", "x.T @ A @ x"]),
        (
            "tr(A)",
            ["trace(A)", r"\mathrm{tr}(A)", r"\operatorname{tr}(A)", r"\operatorname{tr}\left(A\right)"],
        ),
        ("log(det(X))", ["log det X", r"\log\det X", "ln(det(X))", "logdet(X)", r"\log \det(X)"]),
        ("x / 2", [r"\frac{x}{2}", r"\frac{1}{2} x", "0.5 x", "x/2", "1/2 x"]),
        ("kron(A, A)", ["A ⊗ A", r"A \otimes A"]),
        ("hadamard(x, b)", ["x .* b", "x ∘ b", r"x \circ b", "x ⊙ b"]),
        ("sigmoid(x)", ["sigma(x)", "σ(x)"]),
        ("(A + A^T) x", [r"\left( A + A^{\top} \right) x", "[A + A^T] x", "{A + A^T} x"]),
        ("x", ["I x", "I_n x", "I_{n} x", "x + 0", "0 + x"]),
    ],
)
def test_it_reads_every_spelling_of_the_same_expression(expected, answers):
    assert_same(expected, *answers)


def test_it_splits_a_run_of_letters_by_the_longest_declared_names():
    assert tree("2Ax") == Product((Number(2.0, "2"), Symbol("A"), Symbol("x")), ("", ""))


def test_it_keeps_a_declared_multi_letter_name_whole():
    declaration = declare({"Ax": {"shape": ["n", 1]}, "A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}})

    assert parse(declaration, "2Ax") == Product((Number(2.0, "2"), Symbol("Ax")), ("",))


def test_a_declared_name_shadows_a_function_of_the_same_name():
    declaration = declare({"sigma": {"shape": [1, 1]}, "x": {"shape": ["n", 1]}})

    assert parse(declaration, "sigma x") == Product((Symbol("sigma"), Symbol("x")), ("",))


def test_a_transposed_inverse_is_a_transpose_of_an_inverse():
    assert tree("A^-T") == Transpose(Power(Symbol("A"), Number(-1.0, "-1")))


def test_a_function_without_brackets_applies_to_the_next_factor_and_its_exponent():
    assert tree("tr A^T") == Call("tr", (Transpose(Symbol("A")),))


def test_it_rejects_unknown_names_and_lists_the_declared_ones():
    result = check(SYMBOLS, "x", "A y")

    assert result.verdict == "invalid"
    assert "Unknown name 'y'" in result.message
    assert "A, X, b, beta, c, lambda, x" in result.message


def test_it_reports_the_whole_unknown_word():
    assert "Unknown name 'foo'" in check(SYMBOLS, "x", "foo(x)").message


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("(A x + b))", "Unexpected ')' at column 10"),
        ("A x + * b", "Unexpected '*' at column 7"),
        ("A x +\n  * b", "Unexpected '*' at line 2, column 3"),
        ("(A x + b", "a closing ')' is missing"),
        ("A x -", "The expression ends early"),
        ("A x = b", "Unexpected '=' at column 5: type only the expression"),
        ("|x|", "Bars around a vector are ambiguous: x is n×1; write norm(x) for its length"),
        (r"\foo x", r"Unsupported LaTeX command '\foo' at column 1"),
        ("kron A", "The function kron at column 1 needs parentheses"),
        ("tr(A, A)", "The function tr at column 1 takes one argument"),
        ("c^2^3", "Two exponents in a row"),
    ],
)
def test_a_syntax_error_is_located_and_explained(answer, message):
    result = check(SYMBOLS, "x", answer)

    assert result.verdict == "invalid"
    assert message in result.message


def test_ones_takes_dimension_letters_or_small_whole_numbers():
    assert check(SYMBOLS, "sum(x)", "ones(n, 1)^T x").verdict == "correct"
    assert check(SYMBOLS, "sum(x)", "ones(n)^T x").verdict == "correct"
    assert "sizes given to ones" in check(SYMBOLS, "x", "ones(x, 1)").message
    assert "whole number from 1 to 64" in check(SYMBOLS, "x", "ones(100, 1)").message


def test_a_dimension_letter_is_a_number_in_an_expression():
    assert check(SYMBOLS, "x / n", "x / tr(I_n)").verdict == "correct"


def test_the_parse_is_the_same_for_every_call():
    assert tree("(A + A^T) x") is tree("(A + A^T) x")  # cached per declaration and text


def test_brackets_are_kept_in_the_quoted_sub_expression():
    assert preview(SYMBOLS, "(A + A^T) x^T x").error == "Cannot multiply (A + A^T) (n×n) by x^T (1×n)"
