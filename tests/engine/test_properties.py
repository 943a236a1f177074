"""Property tests: whatever a learner types, check() and preview() answer safely, quickly and repeatably."""

import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grading.engine import Preview, check, preview

REPO_ROOT = Path(__file__).resolve().parents[2]

SYMBOLS = {
    "A": {"shape": ["n", "n"]},
    "B": {"shape": ["n", "n"], "assume": ["symmetric"]},
    "S": {"shape": ["n", "n"], "assume": ["spd"]},
    "x": {"shape": ["n", 1]},
    "y": {"shape": ["n", 1]},
    "c": {"shape": [1, 1], "assume": ["positive"]},
}
# A reference answer of each shape the generated expressions can take.
EXPECTED = {"n×n": "A", "n×1": "x", "1×n": "x^T", "1×1": "c"}
VERDICTS = ("correct", "incorrect", "invalid")

MAX_LENGTH = 2000
MAX_DEPTH = 100
MAX_EXPONENT = 64

PROPERTY = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FEW = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def assert_safe(result):
    """Invariants of every Result, whatever the input."""
    assert result.verdict in VERDICTS
    assert isinstance(result.diagnosis, tuple)
    if result.verdict != "correct":
        assert result.message
    assert result.message[:1].isupper(), result.message  # a sentence, capitalized
    if result.verdict == "invalid":
        assert result.method is None
    json.dumps(result.to_dict())


def assert_safe_preview(shown):
    assert isinstance(shown, Preview)
    assert isinstance(shown.ok, bool)
    if shown.ok:
        assert shown.latex and shown.shape
    else:
        assert isinstance(shown.error, str) and shown.error[:1].isupper(), shown.error


def assert_refused(answer, expected="x"):
    started = time.perf_counter()
    result = check(SYMBOLS, expected, answer)
    elapsed = time.perf_counter() - started

    assert result.verdict == "invalid", (answer[:80], result.verdict)
    assert result.message
    assert elapsed < 0.5, f"refusing took {elapsed:.3f}s"
    assert preview(SYMBOLS, answer).ok is False


# --- random well-formed expressions over the declared symbols ----------------------------------------

LEAVES = {"n×n": ["A", "B", "S"], "n×1": ["x", "y"], "1×n": ["x^T", "y'"], "1×1": ["c", "2", "3", "0.5"]}
# An answer is written in one notation: in NumPy's (any @ or .T), * is entrywise, so a matrix product is @
# there, and * only scales by a scalar; in the mathematical notation, * is a matrix product.
PRODUCT_SPELLINGS = {"math": [" ", r" \cdot ", " * "], "numpy": [" @ "]}  # the last one is explicit
SCALING_SPELLINGS = {"math": [" ", r" \cdot ", " * "], "numpy": [" @ ", " * "]}
TRANSPOSE_SPELLINGS = {
    "math": ["{}^T", "{}'", "transpose({})", r"{}^{{\top}}"],
    "numpy": ["{}.T", "{}^T", "{}'", "transpose({})", "{}.transpose()"],
}


def is_bare(text):
    return text.replace("_", "").isalnum()


def wrap(text):
    return text if is_bare(text) else f"({text})"


@st.composite
def expressions(draw, shape, dialect="math", depth=0):
    """A shape-correct expression of the given shape in one notation; compound parts are parenthesised."""
    if depth >= 4 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(LEAVES[shape]))

    def sub(s):
        return draw(expressions(s, dialect, depth + 1))

    def product(left, right, scaling=False):
        # "2 3" or "x 2" would be odd to type; a number on the right gets an explicit operator
        spellings = (SCALING_SPELLINGS if scaling else PRODUCT_SPELLINGS)[dialect]
        spelling = spellings[-1] if right[0].isdigit() else draw(st.sampled_from(spellings))
        return f"{wrap(left)}{spelling}{wrap(right)}"

    def transpose(text):
        return draw(st.sampled_from(TRANSPOSE_SPELLINGS[dialect])).format(wrap(text))

    rules = {
        "n×n": [
            lambda: f"({sub('n×n')} + {sub('n×n')})",
            lambda: f"({sub('n×n')} - {sub('n×n')})",
            lambda: product(sub("n×n"), sub("n×n")),
            lambda: product(sub("n×1"), sub("1×n")),
            lambda: product(sub("1×1"), sub("n×n"), scaling=True),
            lambda: transpose(sub("n×n")),
            lambda: f"{wrap(sub('n×n'))}^{draw(st.integers(0, 3))}",
            lambda: draw(st.sampled_from(["inv(S)", "S^-1", "S^{-1}", "S^(-1)", "S^-T"])),
            lambda: f"hadamard({sub('n×n')}, {sub('n×n')})",
            lambda: f"diag({sub('n×1')})",
            lambda: f"(-{wrap(sub('n×n'))})",
        ],
        "n×1": [
            lambda: f"({sub('n×1')} + {sub('n×1')})",
            lambda: f"({sub('n×1')} - {sub('n×1')})",
            lambda: product(sub("n×n"), sub("n×1")),
            lambda: product(sub("1×1"), sub("n×1"), scaling=True),
            lambda: product(sub("n×1"), sub("1×1"), scaling=True),
            lambda: transpose(sub("1×n")),
            lambda: f"{draw(st.sampled_from(['sigmoid', 'sigma', 'tanh']))}({sub('n×1')})",
            lambda: f"diag({sub('n×n')})",
            lambda: f"({wrap(sub('n×1'))} .* {wrap(sub('n×1'))})",
            lambda: f"({sub('n×1')}) / c",
        ],
        "1×n": [
            lambda: product(sub("1×n"), sub("n×n")),
            lambda: product(sub("1×1"), sub("1×n"), scaling=True),
            lambda: transpose(sub("n×1")),
            lambda: f"({sub('1×n')} + {sub('1×n')})",
        ],
        "1×1": [
            lambda: product(sub("1×n"), sub("n×1")),
            lambda: f"tr({sub('n×n')})",
            lambda: f"sum({sub('n×1')})",
            lambda: f"norm({sub('n×1')})",
            lambda: f"({sub('1×1')} + {sub('1×1')})",
            lambda: f"sigmoid({sub('1×1')})",
            lambda: f"c^{draw(st.integers(-3, 3))}",
            lambda: "det(S)",
        ],
    }
    return draw(st.sampled_from(rules[shape]))()


shaped_expressions = st.tuples(st.sampled_from(sorted(EXPECTED)), st.sampled_from(["math", "numpy"])).flatmap(
    lambda chosen: st.tuples(st.just(chosen[0]), expressions(*chosen))
)


@PROPERTY
@given(shaped_expressions)
def test_a_well_formed_expression_gets_a_verdict_and_its_shape(shaped):
    shape, answer = shaped
    result = check(SYMBOLS, EXPECTED[shape], answer)

    assert_safe(result)
    assert result.verdict in ("correct", "incorrect"), (answer, result.message)
    assert result.answer_shape == shape
    shown = preview(SYMBOLS, answer)
    assert shown.ok, (answer, shown.error)
    assert shown.shape == shape


@PROPERTY
@given(shaped_expressions)
def test_a_well_formed_expression_equals_itself_and_its_double_transpose(shaped):
    _, answer = shaped

    assert check(SYMBOLS, answer, answer).verdict == "correct"
    assert check(SYMBOLS, answer, f"transpose(({answer})^T)").verdict == "correct"


# --- random text -----------------------------------------------------------------------------------

TOKENS = [
    *"ABSxyc",
    "Ax",
    "xy",
    "foo",
    "n",
    "tr(",
    "det(",
    "kron(",
    "inv(",
    "sigmoid(",
    "exp(",
    "log(",
    "sqrt(",
    "diag(",
    "vec(",
    "norm(",
    "sum(",
    "ones(n,1)",
    "ones(",
    "I",
    "+",
    "-",
    "*",
    "@",
    "/",
    "^",
    "'",
    ".T",
    ".*",
    "⊗",
    "∘",
    "(",
    ")",
    "{",
    "}",
    ",",
    "^T",
    "^-1",
    "^{-1}",
    "^-T",
    r"\top",
    r"\frac",
    r"\left(",
    r"\right)",
    r"\mathrm{tr}",
    r"\cdot",
    "0",
    "2",
    "0.5",
    ".",
    "99999999999999999999999",
    "1e308",
    "64",
    "65",
    " ",
    "\t",
    "\n",
    "\x00",
]

token_soup = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
any_text = st.text(max_size=300)
huge_numbers = st.integers(min_value=10**15, max_value=10**400).map(str) | st.floats(allow_nan=True).map(repr)
random_answers = any_text | token_soup | huge_numbers | st.builds("{} {}".format, huge_numbers, token_soup)


@PROPERTY
@given(random_answers, st.sampled_from(sorted(EXPECTED)))
def test_random_text_never_raises(answer, shape):
    assert_safe(check(SYMBOLS, EXPECTED[shape], answer))
    assert_safe_preview(preview(SYMBOLS, answer))


@PROPERTY
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_arbitrary_unicode_never_raises(answer):
    assert_safe(check(SYMBOLS, "x", answer))
    assert_safe_preview(preview(SYMBOLS, answer))


# --- safety limits ---------------------------------------------------------------------------------


@FEW
@given(st.integers(MAX_LENGTH // 4 + 1, MAX_LENGTH))
def test_a_well_formed_answer_over_the_length_limit_is_invalid(terms):
    answer = " + ".join(["x"] * terms)

    assert len(answer) > MAX_LENGTH
    assert_refused(answer)


@FEW
@given(st.text(min_size=MAX_LENGTH + 1, max_size=3 * MAX_LENGTH))
def test_any_text_over_the_length_limit_is_invalid(answer):
    assert_refused(answer)


def test_an_answer_at_the_length_limit_is_graded():
    answer = " + ".join(["x"] * ((MAX_LENGTH + 3) // 4))

    result = check(SYMBOLS, "x", answer)

    assert MAX_LENGTH - 4 < len(answer) <= MAX_LENGTH
    assert result.verdict == "incorrect"
    assert "scalar_multiple" in result.diagnosis


@FEW
@given(st.integers(MAX_DEPTH + 2, 4 * MAX_DEPTH), st.sampled_from(["({})", "{{{}}}", "sigmoid({})", "-({})"]))
def test_nesting_deeper_than_the_limit_is_invalid(depth, layer):
    answer = "x"
    for _ in range(depth):
        answer = layer.format(answer)

    assert_refused(answer)


@pytest.mark.parametrize("depth", [1, 10, 50])
def test_moderate_nesting_is_fine(depth):
    answer = "(" * depth + "x" + ")" * depth

    assert check(SYMBOLS, "x", answer).verdict == "correct"


@FEW
@given(
    st.one_of(st.integers(MAX_EXPONENT + 1, 10**9), st.integers(-(10**9), -MAX_EXPONENT - 1)),
    st.sampled_from(["c^{}", "c^({})", "c^{{{}}}", "A^{}", "A^({})", "S^({})"]),
)
def test_an_exponent_beyond_the_limit_is_invalid(exponent, template):
    expected = "c" if template.startswith("c") else "A"
    assert_refused(template.format(exponent), expected)


@FEW
@given(
    st.floats(min_value=MAX_EXPONENT + 0.5, max_value=1e6, allow_nan=False),
    st.sampled_from(["c^{}", "c^({})"]),
)
def test_a_fractional_exponent_beyond_the_limit_is_invalid(exponent, template):
    assert_refused(template.format(round(exponent, 3)), "c")


@pytest.mark.parametrize("answer", ["c^64", "c^(-64)", "c^{64}", "A^64", "S^-64"])
def test_an_exponent_at_the_limit_is_graded(answer):
    expected = "c" if answer.startswith("c") else "A"

    assert check(SYMBOLS, expected, answer).verdict != "invalid"


@FEW
@given(st.integers(320, 1000))
def test_a_number_beyond_a_sane_range_is_invalid(digits):
    assert_refused(f"{'9' * digits} x")


CONTROL_CHARACTERS = [chr(code) for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]]


@PROPERTY
@given(
    st.sampled_from(CONTROL_CHARACTERS),
    st.sampled_from(["2 A x", "A' x + A x", "x", "(A + A^T) x"]),
    st.data(),
)
def test_a_control_character_anywhere_is_invalid(control, answer, data):
    position = data.draw(st.integers(0, len(answer)))

    assert_refused(answer[:position] + control + answer[position:], "A x")


# --- determinism -----------------------------------------------------------------------------------

DETERMINISM_CASES = [
    ("(A + A^T) x", "A x + A' x"),
    ("(A + A^T) x", "2 A x"),
    ("(A + A^T) x", "A x"),
    ("(A + A^T) x", "x^T (A + A^T)"),
    ("A", "A^T"),
    ("A", "-A"),
    ("A", "3 A"),
    ("inv(S) x", "S^-1 x + 0.000001 x"),
    ("c x", "c^2 x"),
    ("x", "A x^T"),
    ("x", "(x"),
    ("x", "y + z"),
]


def _fingerprint(result):
    return {**result.to_dict(), "counterexample": repr(result.counterexample)}


@FEW
@given(random_answers | shaped_expressions.map(lambda shaped: shaped[1]))
def test_the_same_input_always_gives_the_same_result(answer):
    first = check(SYMBOLS, "x", answer)
    second = check(SYMBOLS, "x", answer)

    assert _fingerprint(first) == _fingerprint(second)
    assert preview(SYMBOLS, answer) == preview(SYMBOLS, answer)


_FINGERPRINT_SCRIPT = """
import json, sys
from grading.engine import check
symbols, cases = json.loads(sys.stdin.read())
out = []
for expected, answer in cases:
    r = check(symbols, expected, answer)
    out.append({**r.to_dict(), "counterexample": repr(r.counterexample)})
print(json.dumps(out))
"""


def _fingerprints_in_a_fresh_interpreter(hash_seed):
    completed = subprocess.run(
        [sys.executable, "-c", _FINGERPRINT_SCRIPT],
        input=json.dumps([SYMBOLS, DETERMINISM_CASES]),
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
        timeout=120,
        check=True,
    )
    return json.loads(completed.stdout)


def test_a_regrade_in_another_process_gives_the_same_results():
    here = [_fingerprint(check(SYMBOLS, expected, answer)) for expected, answer in DETERMINISM_CASES]

    assert _fingerprints_in_a_fresh_interpreter(1) == here
    assert _fingerprints_in_a_fresh_interpreter(2) == here


# --- bounded time and memory -----------------------------------------------------------------------


def _long(term, joiner=" + ", limit=MAX_LENGTH - 1):
    count = 1
    while len(joiner.join([term] * (count + 1))) <= limit:
        count += 1
    return joiner.join([term] * count)


def _nested(layer, inner, depth):
    for _ in range(depth):
        inner = layer.format(inner)
    return inner


EXPENSIVE = [
    ("A", "kron(kron(kron(A, A), A), A)"),
    ("A", "tr(kron(kron(kron(A, A), A), A)) A"),
    ("A", "tr(kron(kron(kron(kron(A, A), A), A), A)) A"),
    ("A", "sum(kron(kron(kron(kron(kron(A, A), A), A), A), A)) A"),
    ("A", "det(kron(kron(A, A), kron(A, A))) A"),
    ("x", "kron(kron(kron(kron(kron(kron(x, x), x), x), x), x), x)"),
    ("A", "A^64"),
    ("A", "(A^64)^64"),
    ("A", "((A^64)^64)^64"),
    ("A", "(A + A^T + S + B)^64 - (A + A^T + S + B)^64 + A"),
    ("c", "c^64^64"),
    ("c", "((((c^64)^64)^64)^64)^64"),
    ("A", "det(A)^64 A"),
    ("A", "exp(exp(exp(exp(exp(exp(A))))))"),
    ("x", _nested("exp({})", "x", 95)),
    ("A", _nested("inv({})", "S", 95)),
    ("A", _nested("({})^2", "A", 40)),
    ("x", "sum(ones(1000000000,1)) x"),
    ("x", "ones(99999999,1)^T ones(99999999,1) x"),
    ("x", "kron(ones(99999,1), ones(99999,1))"),
    ("A", _long("A A A A")),
    ("A", _long("A", joiner=" ")),
    ("A", _long("(A + A^T)^64")),
    ("x", _long("tr(kron(A, A)) x")),
    ("x", _long("x^T A x", joiner=" ", limit=MAX_LENGTH - 2) + " x"),
    ("A", "det(" + _long("A", limit=MAX_LENGTH - 8) + ") A"),
    ("A", _long("kron(A, inv(S))") + " + A"),
    ("x", _long("exp(exp(exp(x)))")),
    ("x", "∘" * (MAX_LENGTH - 1)),
    ("x", "(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH),
]


@pytest.fixture(scope="module")
def warm_engine():
    check(SYMBOLS, "(A + A^T) x", "A x + A' x")
    check(SYMBOLS, "A", "A^T")


@pytest.mark.parametrize(("expected", "answer"), EXPENSIVE, ids=[a[:60] for _, a in EXPENSIVE])
def test_no_answer_takes_more_than_two_seconds(warm_engine, expected, answer):
    started = time.perf_counter()
    result = check(SYMBOLS, expected, answer)
    elapsed = time.perf_counter() - started

    assert_safe(result)
    assert elapsed < 2.0, f"{elapsed:.2f}s"


@pytest.mark.parametrize(
    ("expected", "answer"),
    [case for case in EXPENSIVE if "kron" in case[1] or "ones" in case[1]],
    ids=lambda value: value[:60],
)
def test_no_answer_needs_much_memory(warm_engine, expected, answer):
    tracemalloc.start()
    try:
        check(SYMBOLS, f"2 {expected}", answer)  # not the question above, so not served from a cache
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 256 * 2**20, f"peak {peak / 2**20:.0f} MiB"
