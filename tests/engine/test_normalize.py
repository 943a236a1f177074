r"""The normalization layer: every documented row on its own, and the guarantees of the whole table.

Each row of ``normalize.RULES`` has examples here (what a learner pastes → what the lexer reads); the
properties below hold for any text: normalizing never raises, is idempotent and quick, reports every row that
changed the text, and never changes how an already readable answer is read, except through the rows that
exist to do exactly that (listed in ``DELIBERATE``, with the reason).
"""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grading.engine import check, preview
from grading.engine.errors import AnswerError
from grading.engine.normalize import ONES, RULES, normalize, verbatim
from grading.engine.parser import parse_source
from grading.engine.symbols import declare

SYMBOLS = {
    "A": {"shape": ["n", "n"]},
    "B": {"shape": ["n", "n"]},
    "x": {"shape": ["n", 1]},
    "y": {"shape": ["n", 1]},
    "c": {"shape": [1, 1], "assume": ["positive"]},
    "lambda": {"shape": [1, 1]},
}
DECLARATION = declare(SYMBOLS)

# row name -> [(typed, read)]
EXAMPLES = {
    "compatibility": [
        ("𝐀𝐱", "Ax"),
        ("𝑨𝒙 + 𝒃", "Ax + b"),
        ("（A＋B）x", "(A+B)x"),
        ("A\u00a0x", "A x"),
        ("µ", "μ"),
        ("ϕ", "φ"),
    ],
    "dollar signs": [("$2Ax$", "2Ax"), ("$$ A x $$", " A x "), ("$A$ $x$", "A x")],
    "display wrappers": [(r"\(A x\)", "A x"), (r"\[ (A + A^T) x \]", " (A + A^T) x "), (r" \(x\) ", "x")],
    "backticks": [("`A x`", "A x"), ("```2 A x```", "2 A x")],
    "inverse transpose": [("A⁻ᵀ", "A^{-T}"), ("X⁻ᵗ", "X^{-T}")],
    "superscript T": [("xᵀ", "x^T"), ("xᵗAx", "x^TAx")],
    "superscript numbers": [("A⁻¹", "A^{-1}"), ("c²", "c^{2}"), ("A⁻¹²", "A^{-12}"), ("xⁿ", "x^{n}")],
    "subscripts": [("Iₙ", "I_{n}"), ("x₁", "x_{1}"), ("I₁₂", "I_{12}")],
    "vulgar fractions": [("½x", "(1/2)x"), ("¾ A", "(3/4) A"), ("⅓", "(1/3)")],
    "ones vector (Unicode)": [("𝟙ᵀx", ONES + "^Tx"), ("𝟙", ONES)],
    "dashes": [("A – B", "A - B"), ("A — B", "A - B"), ("A − B", "A - B"), ("A ‐ B", "A - B")],
    "dots and bullets": [("A∙x", "A·x"), ("A•x", "A·x"), ("A⋅x", "A·x")],
    "asterisk operator": [("A∗x", "A*x")],
    "division signs": [("x ∕ 2", "x / 2"), ("x ÷ 2", "x / 2"), ("1⁄2", "1/2")],
    "primes and quotes": [("A′x", "A'x"), ("A’x", "A'x"), ("A´x", "A'x"), ("A″", "A''")],
    "square root": [("√c", r"\sqrt c"), ("√(c)", r"\sqrt (c)"), ("2√ c", r"2\sqrt c")],
    "double bars": [("‖x‖", "norm(x)"), ("‖x‖²", "norm(x)^{2}"), ("‖x‖₂", "norm(x)"), ("∥x∥", "norm(x)")],
    "prime command": [(r"f^\prime", "f'"), (r"A^{\prime}", "A'"), (r"A\prime", "A'")],
    "ones vector (LaTeX)": [
        (r"\mathbf{1}^T x", ONES + "^T x"),
        (r"\mathbb 1", ONES),
        (r"\bm{1}", ONES),
        (r"\mathbf{1}_n", ONES + "_n"),
        (r"\mathds{1}", ONES),
    ],
    "text styles": [
        (r"\mathbf{I}_n", " I_n"),
        (r"\operatorname{Tr}(A)", " Tr(A)"),
        (r"\mathrm{tr}(A)", " tr(A)"),
        (r"\bm x", " x"),
        (r"\mathbf{A}\otimes\mathbf{B}", r" A\otimes B"),
        (r"\mathbf{0}", " 0"),
    ],
    "fractions": [
        (r"\frac12 x", r"\frac{1}{2} x"),
        (r"\tfrac1n", r"\frac{1}{n}"),
        (r"\dfrac{c}{2}", r"\frac{c}{2}"),
        (r"\frac 1 {2}", r"\frac{1}{2}"),
    ],
    "absolute bars": [
        (r"\lvert c\rvert", "| c|"),
        (r"\left| c \right|", "| c |"),
        (r"\vert c \vert", "| c |"),
    ],
    "norm bars": [
        (r"\|x\|^2", "norm(x)^2"),
        (r"\lVert x \rVert", "norm( x )"),
        (r"\left\| x \right\|_2", "norm( x )"),
        ("||x||", "norm(x)"),
    ],
    "ones vector (ASCII)": [("1_n^T x", ONES + "_n^T x"), ("1_{n}", ONES + "_{n}")],
    "shape tuples": [("np.ones((n, 1))", "np.ones(n, 1)"), ("np.eye((n,))", "np.eye(n)")],
    "left-hand side": [
        (r"\nabla_x f = 2Ax", " 2Ax"),
        ("df/dx = 2 A x", " 2 A x"),
        ("grad = A x", " A x"),
        (r"\frac{\partial f}{\partial x} = 2Ax", " 2Ax"),
        ("f'(x) = 2x", " 2x"),
        ("= 2Ax", " 2Ax"),
        (r"grad = \(x\)", "x"),
        ("∇f = Ax", " Ax"),
        ("J = A", " A"),
        ("gradient := A x", " A x"),
    ],
}
EXAMPLE_CASES = [(name, typed, read) for name, examples in EXAMPLES.items() for typed, read in examples]


def test_every_row_of_the_table_has_examples():
    assert set(EXAMPLES) == {rule.name for rule in RULES}


@pytest.mark.parametrize(
    ("row", "typed", "read"), EXAMPLE_CASES, ids=[f"{r}: {t}" for r, t, _ in EXAMPLE_CASES]
)
def test_a_row_rewrites_its_spelling(row, typed, read):
    normalized = normalize(typed)

    assert normalized.text == read
    assert row in normalized.rules


@pytest.mark.parametrize(
    "kept",
    [
        "A x = b",  # not a derivative's name on the left: the lexer says to type only the expression
        "x = (A^T A)^{-1} A^T b",
        r"\nabla f = A x = b",  # two '=': nothing is dropped
        "A x + b",
        r"\frac{1}{2} x",
        "x_1 + x_{2}",
        r"\mathbf{A x}",  # more than one word: the braces group, as in LaTeX
    ],
)
def test_it_leaves_alone_what_no_row_describes(kept):
    assert normalize(kept).text == kept
    assert normalize(kept).rules == ()


def test_an_answer_that_needs_no_rewriting_is_returned_as_typed():
    normalized = normalize("2 A^T (A x - b)")

    assert normalized.rules == ()
    assert normalized.text == normalized.raw


# --- the meaning of a rewritten answer ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("$2Ax$", "2 A x"),
        ("xᵀAx", "x^T A x"),
        ("𝐀𝐱 − 𝐲", "A x - y"),
        ("½ c x", "c x / 2"),
        (r"\frac12 c x", "c x / 2"),
        ("‖x‖²", "norm(x)^2"),
        (r"\|x\|_2^2", "norm(x)^2"),
        ("𝟏ᵀx", "sum(x)"),
        (r"\mathbf{1}_n^\top x", "sum(x)"),
        ("1_n^T x", "sum(x)"),
        ("(Iₙ + A)x", "(I_n + A) x"),
        (r"(\mathbf{I}_n + A) x", "(I_n + A) x"),
        (r"\nabla_x f = (A + A^\top) x", "(A + A^T) x"),
        (r"\operatorname{Tr}(A B)", "tr(A B)"),
        ("√c x", "sqrt(c) x"),
        (r"\lvert c \rvert x", "abs(c) x"),
        ("A⁻ᵀx", "inv(A)^T x"),
    ],
)
def test_a_rewritten_answer_means_what_its_author_meant(typed, plain):
    assert check(SYMBOLS, plain, typed).verdict == "correct", check(SYMBOLS, plain, typed).message


def test_messages_give_the_column_of_what_was_typed():
    # "½" becomes "(1/2)": the stray ')' is at column 3 of what the learner typed, not 7 of the rewrite.
    assert "column 3" in check(SYMBOLS, "x", "½x)").message
    assert "column 4" in check(SYMBOLS, "x", "xᵀx)").message
    assert "line 2, column 3" in check(SYMBOLS, "x", "$x\n +)$").message


def test_the_preview_shows_the_reading_not_the_spelling():
    assert preview(SYMBOLS, "$2Ax$").latex == "2 A x"
    assert preview(SYMBOLS, "𝟏ᵀx").latex == r"\mathbf{1}^{\top} x"
    assert preview(SYMBOLS, "‖x‖²").latex == r"\left\|x\right\|^{2}"


# --- properties ----------------------------------------------------------------------------------------

PIECES = [
    *"AxBcy +-*/^'(){}[]|_=,.0123 ",
    "lambda", "I_n", "n", "$", "$$", "`", r"\(", r"\)", r"\[", r"\]", "ᵀ", "ᵗ", "⁻", "¹", "²", "ⁿ", "ₙ", "₂",
    "½", "¾", "𝟏", "𝟙", "𝐀", "𝐱", "–", "—", "−", "∙", "•", "⋅", "·", "∗", "∕", "÷", "′", "’", "´", "″", "√",
    "‖", "∥", r"\prime", r"\mathbf{1}", r"\mathbb 1", r"\mathbf{A}", r"\mathrm{Tr}", r"\operatorname{tr}",
    r"\bm x", r"\frac", r"\frac12", r"\tfrac", r"\dfrac", r"\left|", r"\right|", r"\lvert", r"\rvert",
    r"\|", r"\lVert", r"\rVert", "||", "1_n", "1_{n}", "ones((n, 1))", "np.eye((n,))", r"\nabla_x f =",
    "df/dx =", "grad =", "f'(x) =", "J =", r"\frac{\partial f}{\partial x} =", "∇f =", r"\top", r"\cdot",
    "np.", ".T", "@", "**", "\\", "\n", "\x00", "\u200b", "＄", "（", "）",
]  # fmt: skip
soup = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
texts = soup | st.text(max_size=80) | st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
MANY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Rows that may give a readable answer a different reading, because that reading is what they are for:
DELIBERATE = {
    "ones vector (LaTeX)",  # \mathbf{1} is the ones vector, not the number 1 (issue 14)
    "norm bars",  # ||x|| is the norm of x, not |(|x|)|
    "text styles",  # \mathbf{A}\mathbf{x} is A x even where Ax is declared
}


@MANY
@given(texts)
def test_normalizing_never_raises_and_is_idempotent(text):
    once = normalize(text)
    twice = normalize(once.text)

    assert twice.text == once.text
    assert twice.rules == ()


@MANY
@given(texts)
def test_the_text_changes_only_through_a_row_it_names(text):
    normalized = normalize(text)

    assert (normalized.text != text) == bool(normalized.rules)
    assert set(normalized.rules) <= {rule.name for rule in RULES}
    assert len(normalized.origin) == len(normalized.text) + 1
    assert all(0 <= index <= len(text) for index in normalized.origin)
    assert list(normalized.origin) == sorted(normalized.origin)  # rewrites keep the order of the text


@MANY
@given(texts)
def test_a_readable_answer_keeps_its_reading_unless_a_deliberate_row_changes_it(text):
    try:
        as_typed = parse_source(DECLARATION, verbatim(text))
    except AnswerError:
        return  # unreadable as typed: normalization may only help (see the test above for how)
    normalized = normalize(text)
    if set(normalized.rules) & DELIBERATE:
        return
    assert parse_source(DECLARATION, normalized).tree == as_typed.tree, normalized.rules


@pytest.mark.parametrize(
    "hostile",
    [
        r"\lVert" * 300,
        r"\lVert x" * 250,
        r"\left\|" * 280,
        "‖" * 1999,
        "$" * 2000,
        r"\frac" * 400,
        "1_" * 1000,
        "ones((" * 330,
        r"\nabla" * 280 + "=",
        "ᵀ⁻¹₂½𝟏" * 400,
        r"\left|" * 330,
        "||" * 1000,
        r"\|" * 1000,
        "df/dx " * 333,
    ],
    ids=lambda text: text[:12],
)
def test_normalizing_a_hostile_text_is_quick(hostile):
    started = time.process_time()  # this process's CPU time: other work on the machine does not count
    normalize(hostile[:2000])
    normalize(hostile[:1999] + "x")  # not cached

    assert time.process_time() - started < 0.05
