"""Automatic misconception diagnosis: for each code, several keys and the mistaken answers it names.

No question declares its mistakes: the variants come from the key alone (see ``misconceptions``). Each row
gives the diagnosis expected in full, so a code that fires where it should not fails the row too.
"""

import pytest

from grading.engine import check
from grading.engine.compare import load_question
from grading.engine.misconceptions import MAX_KEY_NODES, MAX_VARIANTS, SENTENCES


def mat(rows, cols, *assume):
    return {"shape": [rows, cols], **({"assume": list(assume)} if assume else {})}


SQUARE = {"A": mat("n", "n"), "B": mat("n", "n"), "C": mat("n", "n"), "x": mat("n", 1), "b": mat("n", 1)}
TALL = {"A": mat("m", "n"), "x": mat("n", 1), "b": mat("m", 1)}
INVERTIBLE = {"X": mat("n", "n", "invertible"), "A": mat("n", "n"), "a": mat("n", 1), "b": mat("n", 1)}
VECTORS = {"a": mat("n", 1), "x": mat("n", 1), "u": mat("n", 1), "v": mat("n", 1), "w": mat("n", 1)}
OUTER = {"a": mat("n", 1), "b": mat("m", 1)}
RIDGE = {"A": mat("m", "n"), "x": mat("n", 1), "b": mat("m", 1), "lambda": mat(1, 1, "positive")}
SOFTMAX = {"s": mat("n", 1), "W": mat("n", "n", "symmetric"), "x": mat("n", 1), "t": mat("n", 1)}

# (code, symbols, key, mistaken answer, the full diagnosis expected)
TABLE = [
    # this is right only if A were symmetric
    ("symmetric_assumption", SQUARE, "(A + A^T) x", "2 A x", ("symmetric_assumption",)),
    ("symmetric_assumption", SQUARE, "(A + A^T) x", "2 A^T x", ("symmetric_assumption",)),
    ("symmetric_assumption", SQUARE, "A + A^T", "2 A", ("symmetric_assumption",)),
    ("symmetric_assumption", SQUARE, "(A + A^T) B", "2 A B", ("symmetric_assumption",)),
    ("symmetric_assumption", SQUARE, "x^T (A + A^T)", "2 x^T A", ("symmetric_assumption",)),
    ("symmetric_assumption", SQUARE, "A x - A^T x", "0", ("symmetric_assumption",)),
    ("symmetric_assumption", SQUARE, "A x", "(A + A^T) x / 2", ("symmetric_assumption",)),
    ("symmetric_assumption", SQUARE, "A^T B", "A B", ("symmetric_assumption",)),
    # a term of a sum left out (the product rule's other term, usually)
    ("missing_term", SQUARE, "(A + A^T) x", "A x", ("missing_term",)),
    ("missing_term", SQUARE, "(A + A^T) x", "A^T x", ("missing_term",)),
    ("missing_term", TALL, "2 A^T (A x - b)", "2 A^T A x", ("missing_term",)),
    ("missing_term", TALL, "2 A^T (A x - b)", "-2 A^T b", ("missing_term",)),
    ("missing_term", VECTORS, "u v^T w + v u^T w", "u v^T w", ("missing_term",)),
    ("missing_term", SOFTMAX, "diag(s) - s s^T", "diag(s)", ("missing_term",)),
    # the factors of a product in the wrong order
    ("factor_order", SQUARE, "A B", "B A", ("factor_order",)),
    ("factor_order", SQUARE, "A B x", "B A x", ("factor_order",)),
    ("factor_order", SQUARE, "A B C", "C B A", ("factor_order",)),
    ("factor_order", SQUARE, "A B C", "A C B", ("factor_order",)),
    (
        "factor_order",
        {"X": mat("n", "n", "invertible"), "D": mat("n", "n")},
        "-inv(X) D inv(X)",
        "-D inv(X) inv(X)",
        ("factor_order",),
    ),  # fmt: skip
    ("factor_order", VECTORS, "2 (a^T x) a", "2 a^T a x", ("factor_order",)),
    # an inverse where the inverse transpose belongs, or the other way round
    ("inverse_transpose", INVERTIBLE, "inv(X)^T A", "inv(X) A", ("inverse_transpose",)),
    ("inverse_transpose", INVERTIBLE, "X^-T a b^T", "X^-1 a b^T", ("inverse_transpose",)),
    ("inverse_transpose", INVERTIBLE, "inv(X) A", "X^-T A", ("inverse_transpose",)),
    ("inverse_transpose", INVERTIBLE, "A X^-T a", "A X^-1 a", ("inverse_transpose",)),
    # one term with the opposite sign
    ("term_sign", SQUARE, "A x - b", "A x + b", ("term_sign",)),
    ("term_sign", SQUARE, "(A + A^T) x", "(A - A^T) x", ("term_sign",)),
    ("term_sign", RIDGE, "2 A^T (A x - b) + 2 lambda x", "2 A^T (A x - b) - 2 lambda x", ("term_sign",)),
    ("term_sign", SOFTMAX, "diag(s) - s s^T", "diag(s) + s s^T", ("term_sign",)),
    # a factor of the chain rule left out, at the key's shape or another
    ("chain_rule", TALL, "2 A^T (A x - b)", "2 (A x - b)", ("shape_mismatch", "chain_rule")),
    ("chain_rule", SQUARE, "2 A^T (A x - b)", "2 (A x - b)", ("chain_rule",)),
    ("chain_rule", SOFTMAX, "2 W (x - t)", "2 (x - t)", ("chain_rule",)),
    ("chain_rule", VECTORS, "exp(a^T x) a", "exp(a^T x)", ("shape_mismatch", "chain_rule")),
    ("chain_rule", INVERTIBLE, "det(X) X^-T", "X^-T", ("chain_rule",)),
    ("chain_rule", VECTORS, "4 (x^T x) x", "4 x", ("chain_rule",)),
    # NumPy's * is entrywise: the answer would be right with @
    ("elementwise_product", SQUARE, "x^T A x", "x.T * A * x", ("shape_mismatch", "elementwise_product")),
    (
        "elementwise_product",
        SQUARE,
        "(A + A^T) x",
        "A * x + A.T * x",
        ("shape_mismatch", "elementwise_product"),
    ),
    ("elementwise_product", SQUARE, "A B", "A.T.T * B", ("elementwise_product",)),
    ("elementwise_product", SQUARE, "A x", "2 * A.T.T * x / 2", ("shape_mismatch", "elementwise_product")),
    # the transpose of the key, also when the shapes differ
    ("transpose", SQUARE, "A x", "x^T A^T", ("shape_mismatch", "transpose")),
    ("transpose", SQUARE, "A B", "B^T A^T", ("transpose",)),
    ("transpose", OUTER, "a b^T", "b a^T", ("shape_mismatch", "transpose")),
    ("transpose", TALL, "2 A^T (A x - b)", "2 (A x - b)^T A", ("shape_mismatch", "transpose")),
    # minus the key, or a variant
    ("sign", SQUARE, "A x", "-A x", ("sign",)),
    ("sign", SQUARE, "(A + A^T) x", "-2 A x", ("symmetric_assumption", "sign")),
    ("sign", SQUARE, "A x", "-x^T A^T", ("shape_mismatch", "transpose", "sign")),
    # k times the key, or a variant
    ("scalar_multiple", SQUARE, "A x", "2 A x", ("scalar_multiple",)),
    ("scalar_multiple", SQUARE, "(A + A^T) x", "4 A x", ("symmetric_assumption", "scalar_multiple")),
    ("scalar_multiple", TALL, "2 A^T (A x - b)", "A^T A x", ("missing_term", "scalar_multiple")),
]
CODES = {code for code, *_ in TABLE}


def test_every_code_has_several_rows():
    for code in (*SENTENCES, "elementwise_product", "transpose", "sign", "scalar_multiple"):
        assert sum(row[0] == code for row in TABLE) >= 3, code


@pytest.mark.parametrize(
    ("code", "symbols", "key", "answer", "diagnosis"),
    TABLE,
    ids=[f"{row[0]}: {row[2]} ← {row[3]}" for row in TABLE],
)
def test_a_mistaken_answer_gets_its_diagnosis(code, symbols, key, answer, diagnosis):
    result = check(symbols, key, answer)

    assert result.verdict == "incorrect"
    assert result.diagnosis == diagnosis, result.message
    assert result.message[:1].isupper()


@pytest.mark.parametrize(
    ("answer", "sentence"),
    [
        (
            "2 A x",
            "This would be right only if A were symmetric; A is not assumed symmetric here, so A^T and A "
            "differ",
        ),
        ("A x", SENTENCES["missing_term"]),
        ("(A - A^T) x", SENTENCES["term_sign"]),
        ("-2 A x", SENTENCES["symmetric_assumption"].format(name="A") + "; check the signs too"),
        (
            "4 A x",
            SENTENCES["symmetric_assumption"].format(name="A") + "; besides, your answer is 2 times that",
        ),
    ],
)
def test_the_sentence_names_the_mistake(answer, sentence):
    assert check(SQUARE, "(A + A^T) x", answer).message == sentence


def test_a_shape_mismatch_says_the_shapes_and_then_the_mistake():
    result = check(TALL, "2 A^T (A x - b)", "2 (A x - b)")

    assert result.message == "Your answer is m×1, the expected result is n×1 — " + (
        SENTENCES["chain_rule"][0].lower() + SENTENCES["chain_rule"][1:]
    )


def test_the_numpy_slip_shows_the_answer_with_at_signs():
    result = check(SQUARE, "x^T A x", "x.T * A * x")

    assert result.message.endswith("write @ for a matrix product, as in x.T @ A @ x")
    assert check(SQUARE, "A x", "2 * A.T.T * x / 2").message.endswith("as in 2 * A.T.T @ x / 2")


def test_a_symmetric_matrix_is_never_said_to_be_assumed_symmetric():
    symbols = {"A": mat("n", "n", "symmetric"), "x": mat("n", 1)}

    assert check(symbols, "2 A x", "A x").diagnosis == ("scalar_multiple",)
    assert "symmetric_assumption" not in check(symbols, "2 A x", "A^T x + 3 A x").diagnosis


def test_an_unrelated_answer_gets_no_code():
    assert check(SQUARE, "A x", "A^T x").diagnosis == ()
    assert check(SQUARE, "(A + A^T) x", "b").diagnosis == ()
    assert check(SQUARE, "A B", "A A").diagnosis == ()


# --- cost: only incorrect answers pay, and boundedly --------------------------------------------------


def test_a_correct_answer_does_not_build_the_variants():
    question = load_question(SQUARE, "A B C + C^T")

    check(SQUARE, "A B C + C^T", "(A B) C + C'")

    assert "mistakes" not in question.__dict__


def test_the_variants_are_built_once_per_question_on_its_first_incorrect_answer():
    question = load_question(SQUARE, "A B C - B^T")

    check(SQUARE, "A B C - B^T", "C B A - B^T")
    built = question.mistakes
    check(SQUARE, "A B C - B^T", "A C B - B^T")

    assert question.mistakes is built
    assert 0 < len(built) <= MAX_VARIANTS


def test_a_key_too_large_to_vary_gets_no_variants_but_still_the_usual_diagnosis():
    key = " + ".join(["A B x"] * (MAX_KEY_NODES // 4))
    question = load_question(SQUARE, key)

    assert check(SQUARE, key, f"2 ({key})").diagnosis == ("scalar_multiple",)
    assert question.mistakes == ()
