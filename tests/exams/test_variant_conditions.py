"""Conditions on variant parameters (`where`): draws that break one are redrawn, deterministically."""

import numpy as np
import pytest

from exams import variants
from exams.variants import MAX_DRAWS, ParameterError, draw, validate

SEEDS = range(300)
PAIR = {"a": {"int": [1, 4]}, "b": {"int": [1, 4]}}


def test_no_variant_breaks_a_condition():
    for seed in SEEDS:
        values = draw(PAIR, seed, where=["a != b"])
        assert values["a"] != values["b"]


def test_a_seed_still_gives_one_variant():
    assert all(draw(PAIR, seed, ["a != b"]) == draw(PAIR, seed, ["a != b"]) for seed in range(50))


def test_a_seed_whose_first_draw_meets_the_conditions_keeps_its_values():
    unconstrained = {seed: draw(PAIR, seed) for seed in SEEDS}
    kept = [seed for seed, values in unconstrained.items() if values["a"] != values["b"]]
    assert len(kept) > len(SEEDS) / 2
    assert all(draw(PAIR, seed, ["a != b"]) == unconstrained[seed] for seed in kept)


def test_conditions_still_leave_every_allowed_combination():
    pairs = {tuple(draw(PAIR, seed, ["a < b"]).values()) for seed in SEEDS}
    assert pairs == {(a, b) for a in range(1, 5) for b in range(1, 5) if a < b}


def test_a_condition_is_checked_before_the_derived_parameters_it_protects():
    parameters = PAIR | {"c": {"expr": "1 / (a - b)"}}
    assert validate(parameters) and "division by zero" in validate(parameters)[0]
    assert validate(parameters, ["a != b"]) == []
    assert all(draw(parameters, seed, ["a != b"])["c"] != 0 for seed in SEEDS)


def test_conditions_on_matrices_use_all_any_and_entries():
    parameters = {
        "A": {"int_matrix": {"rows": 2, "cols": 2, "min": -3, "max": 3}},
        "v": {"int_matrix": {"rows": 2, "cols": 1, "min": -2, "max": 2}},
        "u": {"int_matrix": {"rows": 2, "cols": 1, "min": -2, "max": 2}},
    }
    where = ["A[0, 1] != A[1, 0]", "any(v != 0)", "v.T @ u != 0", "not is_symmetric(A)", "rank(A) == 2"]
    assert validate(parameters, where) == []
    for seed in SEEDS:
        values = draw(parameters, seed, where)
        A, v, u = values["A"], values["v"], values["u"]
        assert A[0, 1] != A[1, 0] and np.any(v != 0) and (v.T @ u).item() != 0
        assert round(np.linalg.det(A)) != 0


def test_and_or_short_circuit_like_python():
    parameters = {"a": {"int": [-3, 3]}, "b": {"int": [-3, 3]}}
    for seed in range(100):
        values = draw(parameters, seed, ["b != 0 and a / b > 1 or a == 3"])
        assert values["a"] == 3 or values["a"] / values["b"] > 1


def test_distinct_keeps_computed_values_apart():
    parameters = PAIR | {"c": {"int": [1, 4]}, "s": {"expr": "a + b"}, "p": {"expr": "a * b"}}
    for seed in SEEDS:
        values = draw(parameters, seed, ["distinct(s, p, c)"])
        assert len({values["s"], values["p"], values["c"]}) == 3


def test_it_refuses_conditions_that_almost_never_hold():
    parameters = {"a": {"int": [1, 100]}, "b": {"int": [1, 100]}}
    (problem,) = validate(parameters, ["a < 90", "b <= 5"])
    assert "where: the conditions hold for only 4." in problem or "hold for only 5." in problem
    assert "'b <= 5' fails most often" in problem


def test_it_refuses_conditions_that_never_hold():
    (problem,) = validate(PAIR, ["a > 4"])
    assert f"where: no draw met every condition in {MAX_DRAWS} tries (seed 0)" in problem
    with pytest.raises(ParameterError, match="where: no draw met every condition"):
        draw(PAIR, 7, ["a > 4"])


@pytest.mark.parametrize(
    ("where", "problem"),
    [
        ("a != b", "where: must be a list of conditions"),
        ([3], "where: a condition must be a text"),
        ([" "], "where: a condition must be a text"),
        (["a" * 501], "longer than 500"),
        (["a + 1"], "where 'a + 1': a condition must be true or false, not a number"),
        (["c > 1"], "where 'c > 1': 'c' is not a declared parameter"),
        (["a >"], "is not a valid expression"),
        (["__import__('os')"], "unknown function '__import__'"),
        (["[[a, b]] > 0"], "say all(…) or any(…)"),
    ],
)
def test_it_reports_a_broken_condition(where, problem):
    problems = validate(PAIR, where)
    assert len(problems) == 1 and problem in problems[0]
    with pytest.raises(ParameterError) as raised:
        draw(PAIR, 0, where)
    assert problem in str(raised.value)


def test_a_broken_parameter_is_reported_without_its_conditions():
    problems = validate({"a": {"int": [5, 1]}, "b": {"int": [1, 2]}}, ["a != b", "b > 0"])
    assert problems == ["parameter 'a': min 5 is greater than max 1"]


def test_conditions_without_parameters_are_checked_too():
    assert validate({}, ["1 < 2"]) == []
    assert "no draw met" in validate({}, ["1 > 2"])[0]


def test_rarely_met_conditions_are_refused_without_drawing_every_seed(monkeypatch):
    calls = []
    original = variants._draw_once
    monkeypatch.setattr(variants, "_draw_once", lambda *args: calls.append(1) or original(*args))
    (problem,) = validate({"a": {"int": [1, 100]}}, ["a <= 3"])
    assert "where: the conditions hold for only 3." in problem or "hold for only 2." in problem
    assert len(calls) <= len(variants.VALIDATION_SEEDS) / variants.MIN_ACCEPTANCE + 1


def test_parameters_too_slow_to_draw_are_refused(monkeypatch):
    monkeypatch.setattr(variants, "VALIDATION_SECONDS", 0.01)
    heavy = {"M": {"int_matrix": {"rows": 6, "cols": 6, "min": -9, "max": 9}}}
    heavy |= {f"d{i}": {"expr": " + ".join(["det(inv(M))"] * 10)} for i in range(10)}
    (problem,) = validate(heavy, ["rank(M) == 6"])
    assert problem == (
        "parameters: drawing 100 variants takes more than 0.01 s; simplify the expressions or the conditions"
    )


def test_a_draw_that_cannot_be_computed_is_redrawn_but_still_reported_to_the_author():
    parameters = {"a": {"int": [0, 4]}, "c": {"expr": "1 / a"}}
    assert all(draw(parameters, seed)["a"] != 0 for seed in SEEDS)
    (problem,) = validate(parameters)
    assert "division by zero (this happens for some variants" in problem
