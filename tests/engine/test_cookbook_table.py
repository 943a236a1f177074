"""Table-driven grading tests from The Matrix Cookbook and standard ML gradients.

Each identity is a question as an author would write it: the symbol declaration, the reference answer
and its shape, several correct rewrites a strong student might type, and plausible wrong answers with the
verdict and, where it is unambiguous, the diagnosis.

Conventions (see /work/shared/design.md): vectors are columns, gradients of a scalar have the shape of
the variable, Jacobians are numerator layout (m×n). Every expectation below was checked numerically
with random matrices of several sizes.
"""

import re
from dataclasses import dataclass
from fractions import Fraction

import pytest

from grading.engine import ConfigError, check, derivative_check

# --- declaring symbols -----------------------------------------------------------------------------


def mat(rows, cols, *assume):
    """One symbol declaration: mat("n", "n", "symmetric")."""
    declaration = {"shape": [rows, cols]}
    if assume:
        declaration["assume"] = list(assume)
    return declaration


def vec(dim="n"):
    return mat(dim, 1)


SCALAR = mat(1, 1)
POSITIVE_SCALAR = mat(1, 1, "positive")


# --- describing answers ----------------------------------------------------------------------------

NO_DIAGNOSIS = ()  # incorrect, and none of transpose / sign / scalar_multiple / shape_mismatch applies
UNCHECKED = None  # incorrect, diagnosis not asserted (ambiguous, e.g. transpose and a factor at once)


@dataclass(frozen=True)
class Wrong:
    answer: str
    verdict: str = "incorrect"
    diagnosis: tuple[str, ...] | None = NO_DIAGNOSIS
    factor: Fraction | None = None


def transposed(answer):
    return Wrong(answer, diagnosis=("transpose",))


def negated(answer):
    return Wrong(answer, diagnosis=("sign",))


def times(answer, factor):
    return Wrong(answer, diagnosis=("scalar_multiple",), factor=Fraction(factor))


def layout(answer):
    """Well formed, but of another shape than the reference."""
    return Wrong(answer, diagnosis=("shape_mismatch",))


def unrelated(answer):
    return Wrong(answer)


def mistaken(answer, *codes):
    """A mistake ``misconceptions`` names (symmetric_assumption, missing_term, …), with its code(s)."""
    return Wrong(answer, diagnosis=codes)


def wrong(answer):
    return Wrong(answer, diagnosis=UNCHECKED)


def ill_formed(answer):
    return Wrong(answer, verdict="invalid", diagnosis=UNCHECKED)


@dataclass(frozen=True)
class Identity:
    name: str
    symbols: dict
    expected: str
    shape: str | None  # the reference's shape as printed; None where a printed form is not pinned down
    correct: tuple[str, ...]
    wrong: tuple[Wrong, ...]


# --- the table -------------------------------------------------------------------------------------

IDENTITIES = [
    # Linear and bilinear forms
    Identity(
        "grad a^T x",
        {"a": vec(), "x": vec()},
        "a",
        "n×1",
        (
            "a + 0",
            "(a^T)^T",
            "(a')'",
            "transpose(a^T)",
            "1 a",
            "a + 0 x",
            "2a/2",
            r"\left(a^{\top}\right)^{\top}",
        ),
        (layout("a^T"), negated("-a"), times("2a", 2), layout("a^T x"), unrelated("x"), unrelated("a + x")),
    ),
    Identity(
        "grad a^T X b (X m×n)",
        {"a": vec("m"), "X": mat("m", "n"), "b": vec("n")},
        "a b^T",
        "m×n",
        ("a b'", "a @ b.T", "a*transpose(b)", "(b a^T)^T", r"a b^{\top}", "(b a')'", r"a b^\top"),
        (
            layout("b a^T"),
            layout("a^T X b"),
            negated("-a b^T"),
            ill_formed("a^T b"),
            unrelated("a b^T X^T X"),
            times("0.5 a b^T", Fraction(1, 2)),
        ),
    ),
    Identity(
        "grad a^T X b (X n×n)",
        {"a": vec(), "X": mat("n", "n"), "b": vec()},
        "a b^T",
        "n×n",
        ("a b'", "(b a^T)^T", "a transpose(b)"),
        (
            transposed("b a^T"),
            transposed("b a'"),
            negated("-a b^T"),
            negated("-(b a^T)^T"),
            layout("b^T a"),
            times("2 a b^T", 2),
            unrelated("a a^T"),
            unrelated("X a b^T"),
        ),
    ),
    Identity(
        "grad a^T X^T b",
        {"a": vec("n"), "X": mat("m", "n"), "b": vec("m")},
        "b a^T",
        "m×n",
        ("b a'", "(a b^T)^T", "b @ a.T"),
        (layout("a b^T"), negated("-b a^T"), ill_formed("a^T b")),
    ),
    Identity(
        "grad x^T A y wrt y",
        {"x": vec("n"), "y": vec("m"), "A": mat("n", "m")},
        "A^T x",
        "m×1",
        ("A' x", "(x^T A)^T", "transpose(A) x", "A.T @ x", "(x' A)'", "transpose(x^T A)"),
        (
            layout("x^T A"),
            ill_formed("A x"),
            negated("-A^T x"),
            times("2 A^T x", 2),
            unrelated("A^T x y^T y"),
        ),
    ),
    Identity(
        "grad x^T A y wrt x",
        {"x": vec("n"), "y": vec("m"), "A": mat("n", "m")},
        "A y",
        "n×1",
        ("(y^T A^T)^T", "Ay", "A @ y"),
        (layout("y^T A^T"), ill_formed("A^T y"), negated("-A y")),
    ),
    # Quadratic forms
    Identity(
        "grad x^T A x (A general)",
        {"A": mat("n", "n"), "x": vec()},
        "(A + A^T) x",
        "n×1",
        (
            "A x + A^T x",
            "A x + A' x",
            "(A' + A) x",
            "A.T x + A x",
            "(A + transpose(A)) @ x",
            r"(A+A^\top)x",
            "A@x + A.T@x",
            r"\left(A + A^{\top}\right) x",
            "(x^T A)^T + (x^T A^T)^T",
            "(x^T (A + A^T))^T",
            "Ax + A'x",
        ),
        (
            mistaken("A*x + A.T*x", "shape_mismatch", "elementwise_product"),
            mistaken("A x", "missing_term"),
            mistaken("2 A x", "symmetric_assumption"),
            mistaken("A^T x", "missing_term"),
            mistaken("2 A^T x", "symmetric_assumption"),
            mistaken("(A - A^T) x", "term_sign"),
            layout("x^T (A + A^T)"),
            negated("-(A + A^T) x"),
            negated("-A x - A^T x"),
            times("2 (A + A^T) x", 2),
            times("0.5 (A + A^T) x", Fraction(1, 2)),
            layout("x^T A x"),
            ill_formed("A x^T"),
            ill_formed("(A + A^T) x^T"),
        ),
    ),
    Identity(
        "grad x^T A x (A symmetric)",
        {"A": mat("n", "n", "symmetric"), "x": vec()},
        "2 A x",
        "n×1",
        (
            "2Ax",
            "(A + A^T) x",
            "A x + A' x",
            "2 A^T x",
            "A x + A x",
            "2*A@x",
            "(2A) x",
            "A (2x)",
            "2 (x^T A)^T",
            "2 A' x",
            "(A + A') @ x",
            "A^T x + A x",
        ),
        (
            times("A x", Fraction(1, 2)),
            times("A^T x", Fraction(1, 2)),
            negated("-2 A x"),
            times("4 A x", 2),
            layout("2 x^T A"),
            layout("2 A"),
            layout("x^T A x"),
            mistaken("2 x", "chain_rule"),
            unrelated("A x + x"),
        ),
    ),
    Identity(
        "grad x^T A x (A spd)",
        {"A": mat("n", "n", "spd"), "x": vec()},
        "(A + A^T) x",
        "n×1",
        ("2 A x", "2 A^T x", "2Ax"),
        (times("A x", Fraction(1, 2)), negated("-2 A x"), unrelated("2 A^-1 x")),
    ),
    Identity(
        "hessian x^T A x (A general)",
        {"A": mat("n", "n")},
        "A + A^T",
        "n×n",
        ("A' + A", "transpose(A) + A", "(A^T + A)^T", "A + A.T", r"A^\top + A", "(A + A')'"),
        (
            mistaken("A", "missing_term"),
            mistaken("2A", "symmetric_assumption"),
            mistaken("2 A^T", "symmetric_assumption"),
            mistaken("A - A^T", "term_sign"),
            negated("-(A + A^T)"),
            negated("-A - A^T"),
            times("2(A + A^T)", 2),
            layout("tr(A + A^T)"),
        ),
    ),
    Identity(
        "hessian x^T A x (A symmetric)",
        {"A": mat("n", "n", "symmetric")},
        "2 A",
        "n×n",
        ("2A", "A + A^T", "A + A'", "2 A^T", "A*2", "2*A", "A + A", "A^T + A"),
        (times("A", Fraction(1, 2)), negated("-2A"), times("4 A", 2), layout("2 tr(A)"), unrelated("A^2")),
    ),
    Identity(
        "grad x^T A x wrt A",
        {"A": mat("n", "n"), "x": vec()},
        "x x^T",
        "n×n",
        ("x x'", "x @ x.T", "(x x^T)^T", "transpose(x x')", "x transpose(x)"),
        (layout("x^T x"), negated("-x x^T"), times("2 x x^T", 2), unrelated("x x^T A"), unrelated("A x x^T")),
    ),
    Identity(
        "grad (x-s)^T W (x-s) (W symmetric)",
        {"W": mat("n", "n", "symmetric"), "x": vec(), "s": vec()},
        "2 W (x - s)",
        "n×1",
        (
            "2 W x - 2 W s",
            "2(W x - W s)",
            "(W + W^T)(x - s)",
            "-2 W (s - x)",
            "2 W^T (x - s)",
            "2 ((x - s)^T W)^T",
            "2W(x-s)",
        ),
        (
            negated("2 W (s - x)"),
            times("W (x - s)", Fraction(1, 2)),
            mistaken("2 W (x + s)", "term_sign"),
            layout("2 (x - s)^T W"),
            unrelated("2 W x - s"),
            mistaken("2 (x - s)", "chain_rule"),
        ),
    ),
    Identity(
        "grad (A x + b)^T W (D x + g)",
        {
            "x": vec("n"),
            "A": mat("m", "n"),
            "b": vec("m"),
            "W": mat("m", "p"),
            "D": mat("p", "n"),
            "g": vec("p"),
        },
        "A^T W (D x + g) + D^T W^T (A x + b)",
        "n×1",
        (
            "A' W (D x + g) + D' W' (A x + b)",
            "A^T W D x + A^T W g + D^T W^T A x + D^T W^T b",
            "(A^T W D + D^T W^T A) x + A^T W g + D^T W^T b",
            "A^T W (D x + g) + (W D)^T (A x + b)",
            "((D x + g)^T W^T A)^T + ((A x + b)^T W D)^T",
            "D^T W^T (A x + b) + A^T W (D x + g)",
            "A^T W (Dx + g) + D^T W^T (Ax + b)",
        ),
        (
            mistaken("A^T W (D x + g)", "missing_term"),
            ill_formed("A^T W (D x + g) + D^T W (A x + b)"),
            mistaken("A^T W (D x + g) - D^T W^T (A x + b)", "term_sign"),
            negated("-A^T W (D x + g) - D^T W^T (A x + b)"),
            layout("(D x + g)^T W^T A + (A x + b)^T W D"),
            times("2 A^T W (D x + g) + 2 D^T W^T (A x + b)", 2),
        ),
    ),
    # Norms, least squares, ridge
    Identity(
        "grad ||x||^2",
        {"x": vec()},
        "2 x",
        "n×1",
        ("2x", "x + x", "2*x", "x*2", "(2 x^T)^T", "4x/2", "2 transpose(x')"),
        (
            times("x", Fraction(1, 2)),
            layout("2 x^T"),
            layout("x^T x"),
            negated("-2x"),
            layout("2 norm(x)"),
            times("4x", 2),
            unrelated("2 x x^T x"),
        ),
    ),
    Identity(
        "grad ||x||",
        {"x": vec()},
        "x / norm(x)",
        "n×1",
        (
            "x/norm(x)",
            "x / sqrt(x^T x)",
            "(x^T x)^(-0.5) x",
            r"\frac{x}{norm(x)}",
            "x norm(x)^(-1)",
            "(1/norm(x)) x",
            "x / sqrt(x' x)",
        ),
        (
            unrelated("x / (x^T x)"),
            times("2 x / norm(x)", 2),
            unrelated("x norm(x)"),
            layout("x^T / norm(x)"),
            negated("-x / norm(x)"),
            unrelated("x"),
        ),
    ),
    Identity(
        "grad ||A x - b||^2",
        {"A": mat("m", "n"), "x": vec("n"), "b": vec("m")},
        "2 A^T (A x - b)",
        "n×1",
        (
            "2A^T(Ax - b)",
            "2 A' (A x - b)",
            "2 A^T A x - 2 A^T b",
            "2 (A^T A x - A^T b)",
            "-2 A^T (b - A x)",
            "2 transpose(A) @ (A @ x - b)",
            "A^T (A x - b) + A^T (A x - b)",
            "2 ((A x - b)^T A)^T",
            r"2 A^{\top} (A x - b)",
            "A^T (2 A x - 2 b)",
            "2 A.T @ (A @ x - b)",
        ),
        (
            times("A^T (A x - b)", Fraction(1, 2)),
            negated("2 A^T (b - A x)"),
            ill_formed("2 A (A x - b)"),
            layout("2 (A x - b)^T A"),
            unrelated("2 A^T A x - A^T b"),
            ill_formed("2 A^T A x - 2 b"),
            layout("2 (A x - b)"),
            mistaken("2 A^T A x", "missing_term"),
            times("-A^T (A x - b)", Fraction(-1, 2)),
        ),
    ),
    Identity(
        "ridge solution",
        {"A": mat("m", "n"), "b": vec("m"), "lambda": POSITIVE_SCALAR},
        "inv(A^T A + lambda I) A^T b",
        "n×1",
        (
            "(A^T A + lambda I)^-1 A^T b",
            "(A' A + lambda*I)^{-1} A' b",
            "A^T inv(A A^T + lambda I) b",
            "inv(A^T A + lambda I) (A^T b)",
            "inv(A^T A + lambda I)^T A^T b",
            "(A^T A + lambda I)^(-1) A^T b",
            "inv(lambda I + A^T A) A^T b",
        ),
        (
            negated("-inv(A^T A + lambda I) A^T b"),
            ill_formed("inv(A^T A + lambda I) A b"),
            layout("b^T A inv(A^T A + lambda I)"),
            unrelated("inv(A^T A + 2 lambda I) A^T b"),
            mistaken("A^T b", "chain_rule"),
            ill_formed("inv(A A^T + lambda I) A^T b"),
        ),
    ),
    Identity(
        "grad ridge objective",
        {"A": mat("m", "n"), "x": vec("n"), "b": vec("m"), "lambda": POSITIVE_SCALAR},
        "2 A^T (A x - b) + 2 lambda x",
        "n×1",
        (
            "2 (A^T A + lambda I) x - 2 A^T b",
            "2 A'(A x - b) + 2 lambda x",
            "2(A^T A x - A^T b + lambda x)",
            "2 A^T A x - 2 A^T b + 2 lambda x",
            "2 lambda x + 2 A^T (A x - b)",
            "2 (A^T (A x - b) + lambda x)",
            "2 A^T (A x - b) + 2 x lambda",
            "2 (A^T A + lambda*I) @ x - 2 * A^T @ b",
        ),
        (
            unrelated("2 A^T (A x - b) + lambda x"),
            times("A^T (A x - b) + lambda x", Fraction(1, 2)),
            ill_formed("2 A^T (A x - b) + 2 lambda"),
            mistaken("2 A^T (A x - b) - 2 lambda x", "term_sign"),
            negated("-2 A^T (A x - b) - 2 lambda x"),
            layout("2 (A x - b)^T A + 2 lambda x^T"),
            ill_formed("2 (A^T A + lambda) x - 2 A^T b"),
        ),
    ),
    Identity(
        "grad weighted least squares (W symmetric)",
        {"A": mat("m", "n"), "x": vec("n"), "b": vec("m"), "W": mat("m", "m", "symmetric")},
        "2 A^T W (A x - b)",
        "n×1",
        (
            "A^T (W + W^T)(A x - b)",
            "2 A^T W A x - 2 A^T W b",
            "2 (W A)^T (A x - b)",
            "2 A^T W^T (A x - b)",
            "2 A' W (A x - b)",
        ),
        (
            ill_formed("2 W A^T (A x - b)"),
            times("A^T W (A x - b)", Fraction(1, 2)),
            negated("2 A^T W (b - A x)"),
            mistaken("2 A^T (A x - b)", "chain_rule"),
            layout("2 (A x - b)^T W A"),
        ),
    ),
    Identity(
        "grad ||A X - B||_F^2",
        {"A": mat("m", "n"), "X": mat("n", "p"), "B": mat("m", "p")},
        "2 A^T (A X - B)",
        "n×p",
        ("2 A^T A X - 2 A^T B", "2 A'(A X - B)", "2 ((A X - B)^T A)^T"),
        (
            ill_formed("2 (A X - B) A^T"),
            layout("2 (A X - B)^T A"),
            times("A^T (A X - B)", Fraction(1, 2)),
            ill_formed("2 A^T A X - 2 B"),
        ),
    ),
    Identity(
        "grad ||X||_F^2",
        {"X": mat("n", "n")},
        "2 X",
        "n×n",
        ("X + X", "2X", "2 (X^T)^T", "2 X''"),
        (transposed("2 X^T"), times("X", Fraction(1, 2)), negated("-2 X"), unrelated("2 X^T X")),
    ),
    Identity(
        "Frobenius norm squared",
        {"X": mat("m", "n")},
        "norm(X)^2",
        "1×1",
        ("tr(X^T X)", "tr(X X^T)", "sum(X .* X)", "vec(X)^T vec(X)", "sum(hadamard(X, X))", "norm(vec(X))^2"),
        (unrelated("norm(X)"), times("2 norm(X)^2", 2), layout("X^T X"), ill_formed("tr(X^2)")),
    ),
    Identity(
        "least squares in beta",
        {"X": mat("m", "n"), "beta": vec("n"), "y": vec("m")},
        "2 X^T (X beta - y)",
        "n×1",
        ("2X^T(Xbeta - y)", "-2 X^T (y - X beta)", "2 X' X beta - 2 X' y", "2 X.T @ (X @ beta - y)"),
        (
            times("X^T (X beta - y)", Fraction(1, 2)),
            ill_formed("2 X^T (X beta - y)^T"),
            negated("2 X^T (y - X beta)"),
            layout("2 (X beta - y)^T X"),
        ),
    ),
    Identity(
        "grad c x^T x (c scalar)",
        {"c": SCALAR, "x": vec()},
        "2 c x",
        "n×1",
        ("c (2 x)", "2 x c", "c x + x c", "2*c*x", "(c + c) x"),
        (
            times("c x", Fraction(1, 2)),
            mistaken("2 x", "chain_rule"),
            unrelated("2 c^2 x"),
            layout("2 c x^T"),
        ),
    ),
    Identity(
        "a declared name Ax wins over A x",
        {"A": mat("n", "n"), "x": vec(), "Ax": vec()},
        "2 Ax",
        "n×1",
        ("2Ax", "Ax + Ax", "2 * Ax"),
        (unrelated("2 A x"), unrelated("2A x"), times("Ax", Fraction(1, 2))),
    ),
    Identity(
        "grad ||X a||^2 wrt X",
        {"X": mat("m", "n"), "a": vec("n")},
        "2 X a a^T",
        "m×n",
        ("2 (X a) a^T", "2 X (a a^T)", "X a a^T + X a a^T", "2 X a a'"),
        (
            ill_formed("2 a a^T X"),
            layout("2 a^T X^T X a"),
            times("X a a^T", Fraction(1, 2)),
            layout("2 a a^T X^T"),
        ),
    ),
    Identity(
        "grad (x^T x)^2",
        {"x": vec()},
        "4 (x^T x) x",
        "n×1",
        ("4 x^T x x", "4 x x^T x", "4 norm(x)^2 x", "2 (x^T x) (2 x)", "4 (x' x) x"),
        (
            times("2 (x^T x) x", Fraction(1, 2)),
            layout("4 x^T x"),
            layout("4 x x^T"),
            mistaken("4 x", "chain_rule"),
        ),
    ),
    # Traces
    Identity(
        "grad tr(A X) (square)",
        {"A": mat("n", "n"), "X": mat("n", "n")},
        "A^T",
        "n×n",
        ("A'", "A.T", "transpose(A)", r"A^\top", r"A^{\top}", "(A)^T", "{A}^{T}", "A^{T}", "(A^T)"),
        (
            transposed("A"),
            negated("-A^T"),
            layout("tr(A)"),
            times("2A^T", 2),
            wrong("-A"),
            unrelated("A X"),
        ),
    ),
    Identity(
        "grad tr(A X) (A n×m)",
        {"A": mat("n", "m"), "X": mat("m", "n")},
        "A^T",
        "m×n",
        ("A'", "transpose(A)"),
        (layout("A"), negated("-A^T")),
    ),
    Identity(
        "grad tr(X A)",
        {"A": mat("n", "n"), "X": mat("n", "n")},
        "A^T",
        "n×n",
        ("A'", "transpose(A)"),
        (transposed("A"), negated("-transpose(A)")),
    ),
    Identity(
        "grad tr(X^T A)",
        {"A": mat("m", "n"), "X": mat("m", "n")},
        "A",
        "m×n",
        ("(A^T)^T", "A''"),
        (layout("A^T"), negated("-A")),
    ),
    Identity(
        "grad tr(A X B) (non-square)",
        {"A": mat("p", "m"), "X": mat("m", "n"), "B": mat("n", "p")},
        "A^T B^T",
        "m×n",
        ("(B A)^T", "A' B'", "transpose(B A)", "A.T @ B.T", "A^T @ B^T"),
        (ill_formed("B^T A^T"), layout("B A"), ill_formed("A B"), negated("-A^T B^T")),
    ),
    Identity(
        "grad tr(A X B) (square)",
        {"A": mat("n", "n"), "X": mat("n", "n"), "B": mat("n", "n")},
        "A^T B^T",
        "n×n",
        ("(B A)^T", "A' B'", "transpose(B A)"),
        (
            transposed("B A"),
            mistaken("B^T A^T", "factor_order"),
            unrelated("A B"),
            negated("-(B A)^T"),
            transposed("(A^T B^T)^T"),
            mistaken("A^T B", "symmetric_assumption"),
        ),
    ),
    Identity(
        "grad tr(X^T A X) (A general)",
        {"X": mat("n", "m"), "A": mat("n", "n")},
        "(A + A^T) X",
        "n×m",
        ("A X + A^T X", "A X + A' X", "(A' + A) X", "(X^T (A + A^T))^T", "(X^T A + X^T A^T)^T"),
        (
            mistaken("2 A X", "symmetric_assumption"),
            mistaken("A X", "missing_term"),
            layout("X^T (A + A^T)"),
            ill_formed("(A + A^T) X^T"),
            negated("-(A + A^T) X"),
        ),
    ),
    Identity(
        "grad tr(X^T A X) (A symmetric)",
        {"X": mat("n", "m"), "A": mat("n", "n", "symmetric")},
        "2 A X",
        "n×m",
        ("(A + A^T) X", "2 A^T X", "A X + A X"),
        (times("A X", Fraction(1, 2)), layout("2 X^T A"), ill_formed("2 X A")),
    ),
    Identity(
        "grad tr(X A X^T)",
        {"X": mat("m", "n"), "A": mat("n", "n")},
        "X (A + A^T)",
        "m×n",
        ("X A + X A^T", "X A^T + X A", "X (A' + A)", "((A + A^T) X^T)^T"),
        (
            ill_formed("(A + A^T) X"),
            mistaken("2 X A", "symmetric_assumption"),
            mistaken("X A", "missing_term"),
            layout("(A + A^T) X^T"),
        ),
    ),
    Identity(
        "grad tr(X^2)",
        {"X": mat("n", "n")},
        "2 X^T",
        "n×n",
        ("2X'", "X^T + X^T", "(2X)^T", "2 transpose(X)", "2 X.T", "(X + X)^T"),
        (transposed("2X"), times("X^T", Fraction(1, 2)), negated("-2 X^T"), unrelated("2 X^T X")),
    ),
    Identity(
        "grad tr(X^3)",
        {"X": mat("n", "n")},
        "3 (X^2)^T",
        "n×n",
        ("3 (X^T)^2", "3 X^T X^T", "3 (X X)^T", "3 X' X'", "3 transpose(X^2)", "3 (X^T)^{2}"),
        (
            transposed("3 X^2"),
            wrong("X^2"),
            times("2 (X^2)^T", Fraction(2, 3)),
            unrelated("3 X^T"),
            unrelated("3 X^T X"),
        ),
    ),
    Identity(
        "grad tr(A X^-1 B)",
        {"X": mat("n", "n", "invertible"), "A": mat("n", "n"), "B": mat("n", "n")},
        "-(inv(X) B A inv(X))^T",
        "n×n",
        (
            "-X^-T A^T B^T X^-T",
            "-inv(X)^T A^T B^T inv(X)^T",
            "-inv(X') A' B' inv(X')",
            "-transpose(X^-1 B A X^-1)",
            "-(X^T)^-1 A^T B^T (X^T)^-1",
        ),
        (
            transposed("-X^-1 B A X^-1"),
            negated("X^-T A^T B^T X^-T"),
            mistaken("-X^-T B^T A^T X^-T", "factor_order"),
            unrelated("-X^-1 A B X^-1"),
        ),
    ),
    # Determinants
    Identity(
        "grad det(X)",
        {"X": mat("n", "n", "invertible")},
        "det(X) X^-T",
        "n×n",
        (
            "det(X) inv(X)^T",
            "det(X) inv(X')",
            "det(X) inv(X).T",
            "det(X) (X^-1)^T",
            "det(X) (X^T)^-1",
            "X^-T det(X)",
            "det(X^T) X^-T",
            "det(X) X^{-T}",
            "det(X) (X^T)^(-1)",
            "det(X) transpose(inv(X))",
        ),
        (
            transposed("det(X) X^-1"),
            transposed("det(X) inv(X)"),
            unrelated("det(X) X^T"),
            negated("-det(X) X^-T"),
            mistaken("X^-T", "chain_rule"),
            unrelated("det(X) X"),
            unrelated("inv(X)^T / det(X)"),
            layout("det(X)"),
        ),
    ),
    Identity(
        "grad log det(X) (X invertible)",
        {"X": mat("n", "n", "invertible")},
        "X^-T",
        "n×n",
        (
            "inv(X)^T",
            "inv(X')",
            "(X^-1)^T",
            "(X^T)^-1",
            "X^{-T}",
            "inv(transpose(X))",
            "(X^T)^(-1)",
            "inv(X).T",
            "transpose(inv(X))",
        ),
        (
            transposed("X^-1"),
            transposed("inv(X)"),
            unrelated("X^T"),
            negated("-X^-T"),
            layout("1/det(X)"),
            times("2 X^-T", 2),
            unrelated("X^-T X^-T"),
        ),
    ),
    Identity(
        "grad log det(X) (X spd)",
        {"X": mat("n", "n", "spd")},
        "X^-1",
        "n×n",
        ("inv(X)", "X^-T", "inv(X)^T", "X^(-1)", "X^{-1}", "inv(X')"),
        (unrelated("X"), negated("-X^-1"), times("2 X^-1", 2), unrelated("X^-1 X^-1")),
    ),
    Identity(
        "grad det(A X B)",
        {
            "A": mat("n", "n", "invertible"),
            "X": mat("n", "n", "invertible"),
            "B": mat("n", "n", "invertible"),
        },
        "det(A X B) X^-T",
        "n×n",
        ("det(A) det(X) det(B) inv(X)^T", "det(A X B) inv(X')", "det(B A X) X^-T", "det(A X B) (X^-1)^T"),
        (
            transposed("det(A X B) X^-1"),
            unrelated("det(A X B) A^-T X^-T B^-T"),
            unrelated("det(A X B) A^T X^-T B^T"),
            negated("-det(A X B) X^-T"),
        ),
    ),
    # Inverses
    Identity(
        "differential of X^-1",
        {"X": mat("n", "n", "invertible"), "dX": mat("n", "n")},
        "-X^-1 dX X^-1",
        "n×n",
        (
            "-inv(X) dX inv(X)",
            "-(X^-1)(dX)(X^-1)",
            "-X^{-1} dX X^{-1}",
            "-(X^-1 dX X^-1)",
            "-X^(-1) @ dX @ X^(-1)",
            "-X^-1 @ dX @ X^-1",
            "-1 X^-1 dX X^-1",
            "(-X^-1) dX X^-1",
            "X^-1 (-dX) X^-1",
            "-inv(X) @ dX @ inv(X)",
        ),
        (
            negated("X^-1 dX X^-1"),
            mistaken("-X^-1 X^-1 dX", "factor_order"),
            mistaken("-dX X^-1 X^-1", "factor_order"),
            transposed("-(X^-1 dX X^-1)^T"),
            unrelated("-X^-T dX X^-T"),
            times("-2 X^-1 dX X^-1", 2),
        ),
    ),
    Identity(
        "grad a^T X^-1 b",
        {"X": mat("n", "n", "invertible"), "a": vec(), "b": vec()},
        "-X^-T a b^T X^-T",
        "n×n",
        (
            "-inv(X)^T a b^T inv(X)^T",
            "-(X^-1 b a^T X^-1)^T",
            "-(X^-T a)(X^-1 b)^T",
            "-inv(X') a b' inv(X')",
            "-(X^-T a) (b^T X^-T)",
        ),
        (
            unrelated("-X^-1 a b^T X^-1"),
            transposed("-X^-1 b a^T X^-1"),
            negated("X^-T a b^T X^-T"),
            unrelated("-X^-T b a^T X^-T"),
            layout("-a^T X^-1 b"),
        ),
    ),
    Identity(
        "inverse of a product",
        {"A": mat("n", "n", "invertible"), "B": mat("n", "n", "invertible")},
        "inv(A B)",
        "n×n",
        ("B^-1 A^-1", "inv(B) inv(A)", "(A B)^-1", "B^{-1} A^{-1}", "(A B)^(-1)"),
        (
            mistaken("A^-1 B^-1", "factor_order"),
            mistaken("inv(A) inv(B)", "factor_order"),
            transposed("A^-T B^-T"),
            negated("-B^-1 A^-1"),
        ),
    ),
    Identity(
        "transpose of a product (non-square)",
        {"A": mat("n", "m"), "B": mat("m", "p")},
        "(A B)^T",
        "p×n",
        ("B^T A^T", "B' A'", "transpose(B) transpose(A)", "B.T @ A.T"),
        (ill_formed("A^T B^T"), layout("A B"), negated("-B^T A^T")),
    ),
    Identity(
        "transpose of a product (square)",
        {"A": mat("n", "n"), "B": mat("n", "n")},
        "(A B)^T",
        "n×n",
        ("B^T A^T", "B' A'"),
        (mistaken("A^T B^T", "factor_order"), transposed("A B"), unrelated("B A")),
    ),
    Identity(
        "Cayley-Hamilton (A 2×2)",
        {"A": mat(2, 2)},
        "A^2",
        "2×2",
        ("tr(A) A - det(A) I", "A A"),
        (unrelated("tr(A) A"), negated("det(A) I - tr(A) A")),
    ),
    Identity(
        "Cayley-Hamilton holds only for 2×2",
        {"A": mat("n", "n")},
        "A^2",
        "n×n",
        ("A A", "(A^T A^T)^T"),
        (unrelated("tr(A) A - det(A) I"), transposed("(A^T)^2")),
    ),
    Identity(
        "adjugate (A 2×2)",
        {"A": mat(2, 2, "invertible")},
        "det(A) inv(A)",
        "2×2",
        ("tr(A) I - A", "det(A) A^-1"),
        (negated("A - tr(A) I"), unrelated("tr(A) I + A")),
    ),
    Identity(
        "adjugate formula holds only for 2×2",
        {"A": mat("n", "n", "invertible")},
        "det(A) inv(A)",
        "n×n",
        ("det(A) A^-1", "inv(A) det(A)"),
        (unrelated("tr(A) I - A"), mistaken("inv(A)", "chain_rule")),
    ),
    Identity(
        "Woodbury identity",
        {"A": mat("n", "n", "spd"), "U": mat("n", "k"), "C": mat("k", "k", "spd")},
        "inv(A + U C U^T)",
        "n×n",
        (
            "A^-1 - A^-1 U inv(inv(C) + U^T A^-1 U) U^T A^-1",
            "inv(A) - inv(A) U (C^-1 + U' inv(A) U)^-1 U' inv(A)",
            "(A + U C U')^{-1}",
        ),
        (
            unrelated("A^-1 + A^-1 U inv(inv(C) + U^T A^-1 U) U^T A^-1"),
            unrelated("A^-1 - A^-1 U inv(C + U^T A^-1 U) U^T A^-1"),
            unrelated("A^-1 - A^-1 U C U^T A^-1"),
        ),
    ),
    # Jacobians (numerator layout) and the chain rule
    Identity(
        "jacobian of A x",
        {"A": mat("m", "n"), "x": vec("n")},
        "A",
        "m×n",
        ("(A^T)^T", "A''", "transpose(A')", "(A')^T"),
        (layout("A^T"), negated("-A"), layout("x^T A^T"), layout("A x")),
    ),
    Identity(
        "jacobian of exp(x)",
        {"x": vec()},
        "diag(exp(x))",
        "n×n",
        ("diag(exp(x))^T", "I diag(exp(x))", "diag(hadamard(exp(x), ones(n,1)))"),
        (
            layout("exp(x)"),
            unrelated("diag(x)"),
            unrelated("exp(diag(x))"),
            negated("-diag(exp(x))"),
            unrelated("exp(x) exp(x)^T"),
            layout("exp(x)^T"),
        ),
    ),
    Identity(
        "jacobian of sigmoid(x)",
        {"x": vec()},
        "diag(sigmoid(x) .* (ones(n,1) - sigmoid(x)))",
        "n×n",
        (
            "diag(hadamard(sigmoid(x), ones(n,1) - sigmoid(x)))",
            "diag(sigmoid(x)) - diag(sigmoid(x))^2",
            "diag(sigmoid(x)) (I - diag(sigmoid(x)))",
            "diag(sigma(x)) - diag(hadamard(sigma(x), sigma(x)))",
            "diag(sigmoid(x) ∘ (ones(n,1) - sigmoid(x)))",
            "diag(sigmoid(x)) diag(ones(n,1) - sigmoid(x))",
            "diag(sigmoid(x) .* sigmoid(-x))",
        ),
        (
            mistaken("diag(sigmoid(x))", "missing_term"),
            layout("sigmoid(x) .* (ones(n,1) - sigmoid(x))"),
            ill_formed("diag(sigmoid(x) .* (1 - sigmoid(x)))"),
            mistaken("diag(sigmoid(x) .* sigmoid(x))", "missing_term", "sign"),
            negated("diag(sigmoid(x))^2 - diag(sigmoid(x))"),
        ),
    ),
    Identity(
        "jacobian of tanh(W x)",
        {"W": mat("m", "n"), "x": vec("n")},
        "diag(ones(m,1) - hadamard(tanh(W x), tanh(W x))) W",
        "m×n",
        (
            "(I - diag(tanh(W x))^2) W",
            "W - diag(tanh(W x))^2 W",
            "diag(ones(m,1) - tanh(Wx) .* tanh(Wx)) @ W",
            "diag(ones(m,1) - tanh(W x) ∘ tanh(W x)) W",
            "(I - diag(tanh(W x)) diag(tanh(W x))) W",
        ),
        (
            layout("W^T diag(ones(m,1) - hadamard(tanh(W x), tanh(W x)))"),
            layout("diag(ones(m,1) - hadamard(tanh(W x), tanh(W x)))"),
            unrelated("diag(tanh(W x)) W"),
            ill_formed("W (I - diag(tanh(W x))^2)"),
            mistaken("(I - diag(tanh(W x))) W", "chain_rule"),
        ),
    ),
    Identity(
        "grad log(1 + exp(a^T x))",
        {"a": vec(), "x": vec()},
        "sigmoid(a^T x) a",
        "n×1",
        (
            "a sigmoid(a^T x)",
            "(exp(a^T x) / (1 + exp(a^T x))) a",
            "a / (1 + exp(-a^T x))",
            "sigma(x^T a) a",
            "sigmoid(a' x) * a",
            "sigmoid(a^T x) @ a",
        ),
        (
            layout("sigmoid(a^T x)"),
            layout("sigmoid(a^T x) a^T"),
            unrelated("exp(a^T x) a"),
            unrelated("(1 - sigmoid(a^T x)) a"),
            negated("-sigmoid(a^T x) a"),
            unrelated("sigmoid(a^T x) x"),
        ),
    ),
    Identity(
        "grad exp(x^T A x) (A symmetric)",
        {"A": mat("n", "n", "symmetric"), "x": vec()},
        "2 exp(x^T A x) A x",
        "n×1",
        ("exp(x^T A x) (A + A^T) x", "2 A x exp(x' A x)", "exp(x^T A x) 2 A x", "2 exp(x^T A x) A^T x"),
        (
            times("exp(x^T A x) A x", Fraction(1, 2)),
            layout("2 exp(x^T A x) x^T A"),
            unrelated("2 exp(2 A x)"),
            mistaken("2 A x", "chain_rule"),
            negated("-2 exp(x^T A x) A x"),
        ),
    ),
    Identity(
        "grad log(x^T A x) (A spd)",
        {"A": mat("n", "n", "spd"), "x": vec()},
        "2 A x / (x^T A x)",
        "n×1",
        (
            "(A + A^T) x / (x^T A x)",
            "2 (x^T A x)^(-1) A x",
            r"\frac{2 A x}{x^T A x}",
            "2 A x / (x' A x)",
            "A x / (0.5 x^T A x)",
        ),
        (
            times("A x / (x^T A x)", Fraction(1, 2)),
            unrelated("2 A x (x^T A x)"),
            layout("2 x^T A / (x^T A x)"),
            unrelated("2 A x"),
            negated("-2 A x / (x^T A x)"),
        ),
    ),
    # Gaussian log-likelihood
    Identity(
        "gaussian log-likelihood wrt mu",
        {"x": vec(), "mu": vec(), "Sigma": mat("n", "n", "spd")},
        "inv(Sigma) (x - mu)",
        "n×1",
        (
            "Sigma^-1 (x - mu)",
            "Sigma^-1 x - Sigma^-1 mu",
            "inv(Sigma) x - inv(Sigma) mu",
            "-Sigma^-1 (mu - x)",
            "Sigma^{-1}(x - mu)",
            "((x - mu)^T Sigma^-1)^T",
            "Sigma^-T (x - mu)",
            "inv(Sigma)' (x - mu)",
            "inv(Sigma) @ (x - mu)",
        ),
        (
            negated("Sigma^-1 (mu - x)"),
            layout("(x - mu)^T Sigma^-1"),
            unrelated("Sigma (x - mu)"),
            times("2 Sigma^-1 (x - mu)", 2),
            times("-0.5 Sigma^-1 (x - mu)", Fraction(-1, 2)),
            unrelated("Sigma^-1 x - mu"),
        ),
    ),
    Identity(
        "gaussian log-likelihood wrt x",
        {"x": vec(), "mu": vec(), "Sigma": mat("n", "n", "spd")},
        "-inv(Sigma) (x - mu)",
        "n×1",
        ("Sigma^-1 (mu - x)", "inv(Sigma) mu - inv(Sigma) x"),
        (negated("Sigma^-1 (x - mu)"), layout("(mu - x)^T Sigma^-1")),
    ),
    Identity(
        "gaussian log-likelihood wrt Sigma",
        {"x": vec(), "mu": vec(), "Sigma": mat("n", "n", "spd")},
        "0.5 (inv(Sigma) (x - mu) (x - mu)^T inv(Sigma) - inv(Sigma))",
        "n×n",
        (
            "(Sigma^-1 (x - mu)(x - mu)^T Sigma^-1 - Sigma^-1) / 2",
            "0.5 Sigma^-1 ((x - mu)(x - mu)^T - Sigma) Sigma^-1",
            r"\frac{1}{2} (Sigma^{-1} (x - mu) (x - mu)^T Sigma^{-1} - Sigma^{-1})",
            "0.5 Sigma^-1 (x - mu) (x - mu)^T Sigma^-1 - 0.5 Sigma^-1",
            "-0.5 Sigma^-1 + 0.5 (Sigma^-1 (x - mu)) (Sigma^-1 (x - mu))^T",
        ),
        (
            mistaken("0.5 (Sigma^-1 (x - mu)(x - mu)^T Sigma^-1 + Sigma^-1)", "term_sign"),
            times("Sigma^-1 (x - mu)(x - mu)^T Sigma^-1 - Sigma^-1", 2),
            negated("0.5 (Sigma^-1 - Sigma^-1 (x - mu)(x - mu)^T Sigma^-1)"),
            unrelated("0.5 ((x - mu)(x - mu)^T - Sigma)"),
            layout("0.5 (x - mu)^T Sigma^-1 (x - mu)"),
        ),
    ),
    # Logistic regression and softmax
    Identity(
        "logistic regression gradient",
        {"X": mat("m", "n"), "w": vec("n"), "y": vec("m")},
        "X^T (sigmoid(X w) - y)",
        "n×1",
        (
            "X' (sigma(X w) - y)",
            "X^T sigmoid(X w) - X^T y",
            "((sigmoid(X w) - y)^T X)^T",
            "-X^T (y - sigmoid(X w))",
            "transpose(X) @ (sigmoid(X @ w) - y)",
            "X.T @ (sigmoid(X @ w) - y)",
            "X^T(sigmoid(Xw) - y)",
        ),
        (
            negated("X^T (y - sigmoid(X w))"),
            layout("(sigmoid(X w) - y)^T X"),
            ill_formed("X (sigmoid(X w) - y)"),
            ill_formed("X^T sigmoid(X w) - y"),
            times("2 X^T (sigmoid(X w) - y)", 2),
            unrelated("X^T (X w - y)"),
            unrelated("X^T sigmoid(X w - y)"),
        ),
    ),
    Identity(
        "logistic regression gradient with L2",
        {"X": mat("m", "n"), "w": vec("n"), "y": vec("m"), "lambda": POSITIVE_SCALAR},
        "X^T (sigmoid(X w) - y) + lambda w",
        "n×1",
        ("X^T sigmoid(X w) - X^T y + lambda w", "lambda w + X' (sigmoid(X w) - y)"),
        (
            mistaken("X^T (sigmoid(X w) - y) - lambda w", "term_sign"),
            unrelated("X^T (sigmoid(X w) - y) + 2 lambda w"),
            ill_formed("X^T (sigmoid(X w) - y) + lambda"),
        ),
    ),
    Identity(
        "softmax jacobian",
        {"s": vec()},
        "diag(s) - s s^T",
        "n×n",
        (
            "diag(s) - s s'",
            "diag(s) (I - ones(n,1) s^T)",
            "-s s^T + diag(s)",
            "(diag(s) - s s^T)^T",
            "diag(s) - s @ s.T",
            "diag(s) - s transpose(s)",
        ),
        (
            ill_formed("diag(s) - s^T s"),
            negated("s s^T - diag(s)"),
            mistaken("diag(s) + s s^T", "term_sign"),
            unrelated("I - s s^T"),
            unrelated("diag(s) (I - s ones(n,1)^T)"),
            layout("s - s .* s"),
        ),
    ),
    Identity(
        "softmax cross-entropy gradient wrt logits",
        {"z": vec(), "y": vec()},
        "exp(z) / sum(exp(z)) - y",
        "n×1",
        (
            "(exp(z) - sum(exp(z)) y) / sum(exp(z))",
            "-y + exp(z)/sum(exp(z))",
            "exp(z) (1/sum(exp(z))) - y",
            "exp(z) / (ones(n,1)^T exp(z)) - y",
            "exp(z - log(sum(exp(z))) ones(n,1)) - y",
        ),
        (
            negated("y - exp(z)/sum(exp(z))"),
            unrelated("exp(z) - y"),
            ill_formed("exp(z)/sum(exp(z)) - y^T"),
            layout("exp(z)^T / sum(exp(z)) - y^T"),
            mistaken("exp(z) / sum(exp(z))", "missing_term"),
        ),
    ),
    Identity(
        "softmax layer gradient wrt W",
        {"W": mat("k", "n"), "h": vec("n"), "y": vec("k")},
        "(exp(W h) / sum(exp(W h)) - y) h^T",
        "k×n",
        (
            "exp(W h) h^T / sum(exp(W h)) - y h^T",
            "(exp(W h)/sum(exp(W h)) - y) h'",
            "(h (exp(W h)/sum(exp(W h)) - y)^T)^T",
        ),
        (
            layout("h (exp(W h)/sum(exp(W h)) - y)^T"),
            negated("(y - exp(W h)/sum(exp(W h))) h^T"),
            unrelated("(exp(W h) - y) h^T"),
        ),
    ),
    Identity(
        "grad log-sum-exp",
        {"x": vec()},
        "exp(x) / sum(exp(x))",
        "n×1",
        (
            "exp(x) / (ones(n,1)^T exp(x))",
            "exp(x) * (1 / sum(exp(x)))",
            "exp(x - log(sum(exp(x))) ones(n,1))",
            r"\frac{exp(x)}{sum(exp(x))}",
            "exp(x)/(ones(n,1)' exp(x))",
        ),
        (
            unrelated("exp(x)"),
            unrelated("exp(x) / sum(x)"),
            layout("exp(x)^T / sum(exp(x))"),
            layout("1 / sum(exp(x))"),
            unrelated("log(exp(x) / sum(exp(x)))"),
        ),
    ),
    Identity(
        "grad sum(log(x)) (x positive)",
        {"x": mat("n", 1, "positive")},
        "exp(-log(x))",
        "n×1",
        ("inv(diag(x)) ones(n,1)", "diag(x)^-1 ones(n,1)", "exp(-1 log(x))"),
        (
            unrelated("log(x)"),
            negated("-exp(-log(x))"),
            unrelated("diag(x) ones(n,1)"),
            layout("ones(n,1)^T inv(diag(x))"),
            ill_formed("1 / x"),
        ),
    ),
    # vec and Kronecker products
    Identity(
        "vec(A X B)",
        {"A": mat("m", "n"), "X": mat("n", "p"), "B": mat("p", "q")},
        "kron(B^T, A) vec(X)",
        None,
        (
            "vec(A X B)",
            "kron(B', A) vec(X)",
            "(B^T ⊗ A) vec(X)",
            r"(B^T \otimes A) vec(X)",
            "kron(transpose(B), A) @ vec(X)",
            "kron(B, A^T)^T vec(X)",
        ),
        (
            unrelated("kron(A, B^T) vec(X)"),
            ill_formed("kron(B, A) vec(X)"),
            ill_formed("vec(X) kron(B^T, A)"),
            unrelated("kron(B^T, A) vec(X^T)"),
            negated("-kron(B^T, A) vec(X)"),
        ),
    ),
    Identity(
        "jacobian of vec(A X B) wrt vec(X)",
        {"A": mat("m", "n"), "X": mat("n", "p"), "B": mat("p", "q")},
        "kron(B^T, A)",
        None,
        ("kron(B', A)", "B^T ⊗ A", "kron(B, A^T)^T", r"B' \otimes A"),
        (
            unrelated("kron(A, B^T)"),
            layout("kron(B, A^T)"),
            layout("kron(B^T, A)^T"),
            negated("-kron(B^T, A)"),
        ),
    ),
    Identity(
        "jacobian of vec(A X B) (square)",
        {"A": mat("n", "n"), "X": mat("n", "n"), "B": mat("n", "n")},
        "kron(B^T, A)",
        None,
        ("kron(B', A)", "kron(B, A^T)^T"),
        (transposed("kron(B, A^T)"), unrelated("kron(A, B^T)"), unrelated("kron(A, B)")),
    ),
    Identity(
        "kron mixed product",
        {"A": mat("n", "n"), "B": mat("m", "m"), "C": mat("n", "n"), "D": mat("m", "m")},
        "kron(A C, B D)",
        None,
        ("kron(A, B) kron(C, D)", "(A ⊗ B)(C ⊗ D)", r"(A \otimes B) (C \otimes D)"),
        (
            unrelated("kron(C A, D B)"),
            mistaken("kron(A C, D B)", "factor_order"),
            unrelated("kron(C, D) kron(A, B)"),
        ),
    ),
    Identity(
        "kron inverse",
        {"A": mat("n", "n", "invertible"), "B": mat("m", "m", "invertible")},
        "inv(kron(A, B))",
        None,
        ("kron(inv(A), inv(B))", "kron(A^-1, B^-1)", "A^-1 ⊗ B^-1"),
        (unrelated("kron(B^-1, A^-1)"), transposed("kron(A^-T, B^-T)"), negated("-kron(A^-1, B^-1)")),
    ),
    Identity(
        "trace of a kron",
        {"A": mat("n", "n"), "B": mat("m", "m")},
        "tr(A) tr(B)",
        "1×1",
        (
            "tr(kron(A, B))",
            "trace(A) trace(B)",
            r"\mathrm{tr}(A) \operatorname{tr}(B)",
            r"tr(A) \cdot tr(B)",
            "tr(B) tr(A)",
            "tr(A) * trace(B)",
            "tr(kron(B, A))",
        ),
        (
            unrelated("tr(A) + tr(B)"),
            ill_formed("tr(A B)"),
            times("2 tr(A) tr(B)", 2),
            negated("-tr(A) tr(B)"),
        ),
    ),
    Identity(
        "Frobenius inner product",
        {"A": mat("m", "n"), "B": mat("m", "n")},
        "tr(A^T B)",
        "1×1",
        (
            "vec(A)^T vec(B)",
            "sum(A .* B)",
            "sum(hadamard(A, B))",
            "tr(B^T A)",
            "tr(A B^T)",
            "vec(B)' vec(A)",
            "sum(A ∘ B)",
            "tr(B A^T)",
        ),
        (
            ill_formed("tr(A B)"),
            layout("vec(A) vec(B)^T"),
            unrelated("sum(A) sum(B)"),
            negated("-tr(A^T B)"),
        ),
    ),
    # Scalars inside products, structured matrices
    Identity(
        "scalar reordering a^T x",
        {"a": vec(), "x": vec()},
        "a^T x",
        "1×1",
        (
            "x^T a",
            "x' a",
            "a.T @ x",
            "tr(a x^T)",
            "tr(x a^T)",
            "sum(a .* x)",
            "vec(a)^T vec(x)",
            "transpose(x) a",
            r"x^\top a",
        ),
        (layout("a x^T"), layout("x a^T"), negated("-x^T a"), times("2 a^T x", 2), unrelated("a^T a")),
    ),
    Identity(
        "grad (a^T x)^2",
        {"a": vec(), "x": vec()},
        "2 (a^T x) a",
        "n×1",
        ("2 a^T x a", "2 a a^T x", "2 a x^T a", "2 (x^T a) a", "(a a^T + a a^T) x", "2 a (a^T x)"),
        (
            times("(a^T x) a", Fraction(1, 2)),
            mistaken("2 a^T a x", "factor_order"),
            layout("2 x^T a a^T"),
            layout("2 a a^T"),
            negated("-2 (a^T x) a"),
        ),
    ),
    Identity(
        "grad ||Q x - b||^2 (Q orthogonal)",
        {"Q": mat("n", "n", "orthogonal"), "x": vec(), "b": vec()},
        "2 Q^T (Q x - b)",
        "n×1",
        ("2 (x - Q^T b)", "2 x - 2 Q^T b", "2 x - 2 Q^-1 b", "2 (x - inv(Q) b)", "2 (x - Q' b)"),
        (
            unrelated("2 (x - Q b)"),
            mistaken("2 (Q x - b)", "chain_rule"),
            times("x - Q^T b", Fraction(1, 2)),
            negated("2 (Q^T b - x)"),
        ),
    ),
    Identity(
        "grad x^T D x (D diagonal)",
        {"D": mat("n", "n", "diagonal"), "x": vec()},
        "2 D x",
        "n×1",
        ("2 D^T x", "(D + D') x", "2 diag(diag(D)) x", "2 hadamard(diag(D), x)", "2 diag(D) .* x"),
        (unrelated("2 diag(D)"), times("D x", Fraction(1, 2)), layout("2 x^T D"), layout("2 D")),
    ),
]


# --- learner mistakes that are not well formed ------------------------------------------------------

GENERAL = {"A": mat("n", "n"), "B": mat("m", "n"), "x": vec(), "b": vec(), "c": SCALAR}

ILL_FORMED = [
    # (answer, expected) — each answer must be "invalid" with a message in terms of shapes
    ("A x^T", "A x"),
    ("det(B)", "c"),
    ("x + x^T", "x"),
    ("A x + b^T", "A x"),
    ("tr(x)", "c"),
    ("inv(B)", "A"),
    ("B^2", "A"),
    ("x^2", "x"),
    ("x B", "x"),
    ("A + B", "A"),
    ("x + 1", "x"),
    ("sum(x) + x", "x"),
    ("A - c", "A"),
    ("x^T B", "x"),
]

SYNTAX_ERRORS = ["A x)", "+ * A", "A x + b)", "A ^ ^ T", "2 (x + )", "(A x))", "A , x", "A x * * b"]
UNFINISHED = ["(A x + b", "A x +", "tr(A", "A^", "-"]


# --- flattening the table into cases ---------------------------------------------------------------


def _case_id(identity, answer):
    return f"{identity.name}: {answer}"


def _correct_cases():
    for identity in IDENTITIES:
        for answer in (identity.expected, *identity.correct):
            yield pytest.param(identity, answer, id=_case_id(identity, answer))


def _wrong_cases():
    for identity in IDENTITIES:
        for mistake in identity.wrong:
            yield pytest.param(identity, mistake, id=_case_id(identity, mistake.answer))


def _factor_spellings(factor):
    """The ways a message might reasonably state a factor such as 1/2, 2 or -1/2."""
    spellings = {str(factor), str(float(factor)), f"{float(factor):g}"}
    if factor.denominator == 1:
        spellings.add(str(factor.numerator))
    if factor == Fraction(1, 2):
        spellings |= {"½", "half"}
    if factor == 2:
        spellings |= {"twice", "double"}
    return {s.replace("-", "−") for s in spellings} | spellings


def test_the_table_is_large_enough():
    cases = sum(1 + len(i.correct) + len(i.wrong) for i in IDENTITIES)
    assert len(IDENTITIES) >= 40
    assert cases >= 250


# --- the tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("identity", "answer"), list(_correct_cases()))
def test_it_accepts_a_correct_rewrite(identity, answer):
    result = check(identity.symbols, identity.expected, answer)

    assert result.verdict == "correct", result.message
    assert result.method in ("symbolic", "numeric")
    assert result.diagnosis == ()
    if identity.shape is not None:
        assert result.expected_shape == identity.shape
        assert result.answer_shape == identity.shape


@pytest.mark.parametrize(("identity", "mistake"), list(_wrong_cases()))
def test_it_rejects_a_wrong_answer(identity, mistake):
    result = check(identity.symbols, identity.expected, mistake.answer)

    assert result.verdict == mistake.verdict, result.message
    assert result.message
    if mistake.verdict == "invalid":
        assert result.method is None
        return
    if identity.shape is not None:
        assert result.expected_shape == identity.shape
    if mistake.diagnosis is UNCHECKED:
        return
    if "shape_mismatch" in mistake.diagnosis:
        assert set(mistake.diagnosis) <= set(result.diagnosis), result.diagnosis
        assert result.method is None
        assert result.answer_shape != result.expected_shape
        return
    assert result.method in ("symbolic", "numeric")
    assert set(mistake.diagnosis) <= set(result.diagnosis), result.diagnosis
    if mistake.diagnosis == NO_DIAGNOSIS:
        assert result.diagnosis == ()
    if mistake.factor is not None:
        assert any(spelling in result.message for spelling in _factor_spellings(mistake.factor)), (
            result.message
        )


@pytest.mark.parametrize(("answer", "expected"), ILL_FORMED, ids=[a for a, _ in ILL_FORMED])
def test_it_reports_an_ill_formed_answer_in_terms_of_shapes(answer, expected):
    result = check(GENERAL, expected, answer)

    assert result.verdict == "invalid"
    assert result.method is None
    assert result.diagnosis == ()
    assert "×" in result.message, result.message


@pytest.mark.parametrize("answer", ["A y", "A x + z", "2 A x + beta b", "Ay"])
def test_an_unknown_name_lists_the_declared_names(answer):
    result = check(GENERAL, "A x", answer)

    assert result.verdict == "invalid"
    for name in GENERAL:
        assert re.search(rf"\b{name}\b", result.message), result.message


@pytest.mark.parametrize("answer", SYNTAX_ERRORS)
def test_a_syntax_error_points_at_a_column(answer):
    result = check(GENERAL, "A x", answer)

    assert result.verdict == "invalid"
    assert result.method is None
    assert "column" in result.message.lower(), result.message


@pytest.mark.parametrize("answer", UNFINISHED)
def test_an_unfinished_answer_says_where_it_stops(answer):
    result = check(GENERAL, "A x", answer)

    assert result.verdict == "invalid"
    assert result.method is None
    assert re.search("column|end", result.message, re.IGNORECASE), result.message


def test_an_unexpected_closing_paren_is_located_at_its_column():
    result = check(GENERAL, "A x", "A x)")

    assert result.verdict == "invalid"
    assert re.search(r"column\s*4\b", result.message), result.message


@pytest.mark.parametrize("answer", ["1.5.2 x", "3.14.15 x", "2 A x + 0.5.5 b"])
def test_a_malformed_number_is_invalid(answer):
    result = check(GENERAL, "A x", answer)

    assert result.verdict == "invalid", result.message
    assert "column" in result.message.lower(), result.message


@pytest.mark.parametrize("answer", ["", "   ", "\t"])
def test_an_empty_answer_is_invalid(answer):
    result = check(GENERAL, "A x", answer)

    assert result.verdict == "invalid"
    assert result.message


def test_a_result_serialises_to_the_documented_keys():
    result = check(GENERAL, "A x", "A' x")

    assert result.to_dict() == {
        "verdict": "incorrect",
        "method": result.method,
        "diagnosis": list(result.diagnosis),
        "message": result.message,
        "answer_shape": "n×1",
        "expected_shape": "n×1",
    }


# --- author mistakes raise ConfigError --------------------------------------------------------------


@pytest.mark.parametrize(
    ("symbols", "expected"),
    [
        pytest.param(GENERAL, "A x +", id="expected does not parse"),
        pytest.param(GENERAL, "A x^T", id="expected does not shape-check"),
        pytest.param(GENERAL, "A y", id="expected uses an undeclared name"),
        pytest.param({"A": {"shape": ["n"]}}, "A", id="shape with one dimension"),
        pytest.param({"A": {"shape": ["n", 0]}}, "A", id="zero dimension"),
        pytest.param({"A": {"shape": ["n", "n"], "assume": ["sparkly"]}}, "A", id="unknown assumption"),
    ],
)
def test_an_author_mistake_raises_config_error(symbols, expected):
    with pytest.raises(ConfigError):
        check(symbols, expected, "A")


# --- derivative_check ------------------------------------------------------------------------------

DERIVATIVES = [
    # (name, symbols, function, wrt, candidate, ok, kind)
    ("x^T A x", {"A": mat("n", "n"), "x": vec()}, "x^T A x", "x", "(A + A^T) x", True, "gradient"),
    (
        "x^T A x, A sym",
        {"A": mat("n", "n", "symmetric"), "x": vec()},
        "x^T A x",
        "x",
        "2 A x",
        True,
        "gradient",
    ),
    ("x^T A x: A x", {"A": mat("n", "n"), "x": vec()}, "x^T A x", "x", "A x", False, "gradient"),
    ("x^T A x: 2 A x", {"A": mat("n", "n"), "x": vec()}, "x^T A x", "x", "2 A x", False, "gradient"),
    ("x^T A x: transposed", {"A": mat("n", "n"), "x": vec()}, "x^T A x", "x", "x^T (A + A^T)", False, None),
    ("log det X", {"X": mat("n", "n", "spd")}, "log(det(X))", "X", "X^-T", True, "gradient"),
    ("log det X: inv", {"X": mat("n", "n", "spd")}, "log(det(X))", "X", "inv(X)", True, "gradient"),
    ("log det X: X", {"X": mat("n", "n", "spd")}, "log(det(X))", "X", "X", False, "gradient"),
    ("log det X: sign", {"X": mat("n", "n", "spd")}, "log(det(X))", "X", "-X^-1", False, "gradient"),
    ("log|det X|", {"X": mat("n", "n", "invertible")}, "log(abs(det(X)))", "X", "X^-T", True, "gradient"),
    (
        "log|det X|: X^-1",
        {"X": mat("n", "n", "invertible")},
        "log(abs(det(X)))",
        "X",
        "X^-1",
        False,
        "gradient",
    ),
    ("det X", {"X": mat("n", "n", "invertible")}, "det(X)", "X", "det(X) X^-T", True, "gradient"),
    ("det X: X^-1", {"X": mat("n", "n", "invertible")}, "det(X)", "X", "det(X) X^-1", False, "gradient"),
    ("tr(A X)", {"A": mat("n", "n"), "X": mat("n", "n")}, "tr(A X)", "X", "A^T", True, "gradient"),
    ("tr(A X): A", {"A": mat("n", "n"), "X": mat("n", "n")}, "tr(A X)", "X", "A", False, "gradient"),
    ("tr(A X) non-square", {"A": mat("n", "m"), "X": mat("m", "n")}, "tr(A X)", "X", "A'", True, "gradient"),
    ("a^T X b", {"a": vec(), "X": mat("n", "n"), "b": vec()}, "a^T X b", "X", "a b^T", True, "gradient"),
    (
        "a^T X b: b a^T",
        {"a": vec(), "X": mat("n", "n"), "b": vec()},
        "a^T X b",
        "X",
        "b a^T",
        False,
        "gradient",
    ),
    (
        "||A x - b||^2",
        {"A": mat("m", "n"), "x": vec("n"), "b": vec("m")},
        "norm(A x - b)^2",
        "x",
        "2 A^T (A x - b)",
        True,
        "gradient",
    ),
    (
        "(Ax-b)^T(Ax-b)",
        {"A": mat("m", "n"), "x": vec("n"), "b": vec("m")},
        "(A x - b)^T (A x - b)",
        "x",
        "2 A^T A x - 2 A^T b",
        True,
        "gradient",
    ),
    (
        "||A x - b||^2: half",
        {"A": mat("m", "n"), "x": vec("n"), "b": vec("m")},
        "norm(A x - b)^2",
        "x",
        "A^T (A x - b)",
        False,
        "gradient",
    ),
    (
        "logistic loss",
        {"X": mat("m", "n"), "w": vec("n"), "y": vec("m")},
        "-(y^T log(sigmoid(X w)) + (ones(m,1) - y)^T log(ones(m,1) - sigmoid(X w)))",
        "w",
        "X^T (sigmoid(X w) - y)",
        True,
        "gradient",
    ),
    (
        "logistic loss: sign",
        {"X": mat("m", "n"), "w": vec("n"), "y": vec("m")},
        "-(y^T log(sigmoid(X w)) + (ones(m,1) - y)^T log(ones(m,1) - sigmoid(X w)))",
        "w",
        "X^T (y - sigmoid(X w))",
        False,
        "gradient",
    ),
    (
        "gaussian wrt mu",
        {"x": vec(), "mu": vec(), "Sigma": mat("n", "n", "spd")},
        "-0.5 (x - mu)^T inv(Sigma) (x - mu)",
        "mu",
        "inv(Sigma) (x - mu)",
        True,
        "gradient",
    ),
    (
        "gaussian wrt x",
        {"x": vec(), "mu": vec(), "Sigma": mat("n", "n", "spd")},
        "-0.5 (x - mu)^T inv(Sigma) (x - mu)",
        "x",
        "-inv(Sigma) (x - mu)",
        True,
        "gradient",
    ),
    (
        "softmax cross-entropy",
        {"z": vec(), "y": vec()},
        "log(sum(exp(z))) - y^T z",
        "z",
        "exp(z) / sum(exp(z)) - y",
        True,
        "gradient",
    ),
    ("jacobian A x", {"A": mat("m", "n"), "x": vec("n")}, "A x", "x", "A", True, "jacobian"),
    ("jacobian A x: A^T", {"A": mat("m", "n"), "x": vec("n")}, "A x", "x", "A^T", False, None),
    ("jacobian exp", {"x": vec()}, "exp(x)", "x", "diag(exp(x))", True, "jacobian"),
    ("jacobian exp: exp(x)", {"x": vec()}, "exp(x)", "x", "exp(x)", False, None),
    (
        "jacobian sigmoid(W x)",
        {"W": mat("m", "n"), "x": vec("n")},
        "sigmoid(W x)",
        "x",
        "diag(sigmoid(W x) .* (ones(m,1) - sigmoid(W x))) W",
        True,
        "jacobian",
    ),
    (
        "jacobian sigmoid(W x): missing W",
        {"W": mat("m", "n"), "x": vec("n")},
        "sigmoid(W x)",
        "x",
        "diag(sigmoid(W x) .* (ones(m,1) - sigmoid(W x)))",
        False,
        None,
    ),
    (
        "jacobian (A + A^T) x",
        {"A": mat("n", "n"), "x": vec()},
        "(A + A^T) x",
        "x",
        "A + A^T",
        True,
        "jacobian",
    ),
]


@pytest.mark.parametrize(
    ("symbols", "function", "wrt", "candidate", "ok", "kind"),
    [pytest.param(*row[1:], id=row[0]) for row in DERIVATIVES],
)
def test_derivative_check(symbols, function, wrt, candidate, ok, kind):
    result = derivative_check(symbols, function, wrt, candidate)

    assert result.ok is ok, result.message
    assert result.message
    if kind is not None:
        assert result.kind == kind
    if ok:
        assert result.max_error is not None


@pytest.mark.parametrize(
    ("function", "wrt", "candidate"),
    [
        pytest.param("x^T A x", "y", "A x", id="wrt not declared"),
        pytest.param("x^T A x +", "x", "A x", id="function does not parse"),
    ],
)
def test_derivative_check_rejects_an_author_mistake(function, wrt, candidate):
    with pytest.raises(ConfigError):
        derivative_check({"A": mat("n", "n"), "x": vec()}, function, wrt, candidate)
