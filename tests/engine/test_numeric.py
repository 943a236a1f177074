"""Numeric evaluation agrees with plain numpy, and numeric equivalence decides verdicts."""

import numpy as np
import pytest

from grading.engine import check
from grading.engine.numeric import compile_program
from grading.engine.parser import parse
from grading.engine.sampling import generator, samples
from grading.engine.shapes import Inference
from grading.engine.symbols import declare

SYMBOLS = {
    "A": {"shape": ["n", "m"]},
    "B": {"shape": ["p", "q"]},
    "S": {"shape": ["n", "n"], "assume": ["spd"]},
    "x": {"shape": ["n", 1]},
    "y": {"shape": ["m", 1]},
    "c": {"shape": [1, 1], "assume": ["positive"]},
}
DECLARATION = declare(SYMBOLS)
SAMPLES = samples(DECLARATION, generator("numeric tests"))


def evaluate(text):
    inference = Inference(DECLARATION, text)
    program = compile_program(inference.resolve(inference.infer_root(parse(DECLARATION, text))))
    return [np.broadcast_to(program(sample), program(sample).shape) for sample in SAMPLES]


def per_draw(function):
    """The same quantity computed draw by draw with numpy, as (draws, rows, cols)."""
    results = []
    for sample in SAMPLES:
        draws = [
            np.atleast_2d(
                function(**{name: value[d] for name, value in sample.values.items()}, n=sample.sizes["n"])
            )
            for d in range(sample.draws)
        ]
        results.append(np.array(draws))
    return results


@pytest.mark.parametrize(
    ("text", "function"),
    [
        ("kron(A, B)", lambda A, B, **_: np.kron(A, B)),
        ("vec(A)", lambda A, **_: A.reshape(-1, 1, order="F")),
        ("diag(x)", lambda x, **_: np.diag(x[:, 0])),
        ("diag(S)", lambda S, **_: np.diag(S)[:, None]),
        ("tr(S) det(S)", lambda S, **_: np.trace(S) * np.linalg.det(S)),
        ("norm(A)", lambda A, **_: np.linalg.norm(A)),
        ("sum(A)", lambda A, **_: A.sum()),
        ("S^-2", lambda S, **_: np.linalg.inv(S @ S)),
        ("S^0", lambda S, **_: np.eye(len(S))),
        ("c^0.5 x", lambda c, x, **_: np.sqrt(c) * x),
        ("sigmoid(x) .* tanh(x)", lambda x, **_: np.tanh(x) / (1 + np.exp(-x))),
        ("exp(A) ∘ log(abs(c) ones(n, m))", lambda A, c, **_: np.exp(A) * np.log(c)),
        ("x^T S x x", lambda x, S, **_: (x.T @ S @ x) * x),
        ("n x / 2", lambda x, n, **_: n * x / 2),
        ("I + S", lambda S, **_: np.eye(len(S)) + S),
    ],
)
def test_evaluation_matches_numpy(text, function):
    for ours, reference in zip(evaluate(text), per_draw(function), strict=True):
        np.testing.assert_allclose(ours, reference, rtol=1e-10, atol=1e-12)


def test_a_singular_inverse_gives_nan_not_an_error():
    values = evaluate("inv(x x^T)")

    assert any(np.isnan(value).any() or np.abs(value).max() > 1e8 for value in values)


def test_an_answer_that_differs_only_slightly_is_still_correct_within_tolerance():
    assert check(SYMBOLS, "S x", "S x + 0.0000000001 x").verdict == "correct"


def test_an_answer_that_differs_beyond_the_tolerance_is_incorrect():
    assert check(SYMBOLS, "S x", "S x + 0.001 x").verdict == "incorrect"


def test_a_size_dependent_factor_is_caught():
    assert check(SYMBOLS, "n x", "3 x").verdict == "incorrect"
    assert check(SYMBOLS, "tr(I_n) x", "n x").verdict == "correct"


def test_mixing_up_two_dimensions_is_caught():
    symbols = {"A": {"shape": ["n", "m"]}, "y": {"shape": ["m", 1]}}

    assert check(symbols, "A y / m", "A y / n").verdict == "incorrect"


def test_an_answer_undefined_where_the_reference_is_defined_is_incorrect():
    symbols = {"c": {"shape": [1, 1]}}

    assert check(symbols, "log(c^2)", "2 log(c)").verdict == "incorrect"
    assert check(symbols, "abs(c)", "sqrt(c^2)").verdict == "correct"


def test_the_counterexample_names_the_sizes_where_the_answer_failed():
    result = check(SYMBOLS, "S x", "S^T x + x")

    assert result.verdict == "incorrect"
    assert result.counterexample.startswith("m=")
    assert "draw" in result.counterexample
