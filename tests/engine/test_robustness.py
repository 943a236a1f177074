"""No input reaches the engine's last-resort exception handler: every rejection is a deliberate one.

The catch-all in ``check`` and ``preview`` keeps a batch alive if the engine has a bug; these tests make sure
random input never actually relies on it (it logs at ERROR level when it does).
"""

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grading.engine import check, preview

SYMBOLS = {
    "A": {"shape": ["n", "n"]},
    "S": {"shape": ["n", "n"], "assume": ["spd"]},
    "B": {"shape": ["n", "m"]},
    "x": {"shape": ["n", 1]},
    "c": {"shape": [1, 1]},
    "lambda": {"shape": [1, 1], "assume": ["positive"]},
}
PIECES = [
    *"ASBxcn()[]{}+-*/^',.0123456789 ",
    "lambda", "I", "I_n", "ones(n,1)", "tr(", "det(", "log(", "exp(", "sqrt(", "abs(", "sigmoid(", "tanh(",
    "kron(", "hadamard(", "vec(", "diag(", "norm(", "sum(", "inv(", "transpose(", ".T", ".*", "⊗", "∘", "ᵀ",
    "⁻¹", "²", "^T", "^-T", "^{-1}", r"\top", r"\frac{", r"\left(", r"\right)", r"\cdot", r"\mathrm{tr}",
    r"\lambda", "λ", "**", "@", "_", "_{n}",
]  # fmt: skip
soup = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
QUIET = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def engine_errors(caplog):
    caplog.set_level(logging.ERROR, logger="grading.engine")
    return caplog


@QUIET
@given(soup | st.text(max_size=60))
def test_random_input_is_handled_without_the_catch_all(engine_errors, answer):
    engine_errors.clear()

    for expected in ("x", "A", "c", "B^T x"):
        check(SYMBOLS, expected, answer)
    preview(SYMBOLS, answer)

    assert not engine_errors.records, engine_errors.records[0].getMessage()
