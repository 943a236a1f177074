"""Test points: deterministic, satisfying every assumption, and covering non-square sizes from 1 to 6."""

import numpy as np
import pytest

from grading.engine.sampling import ASSIGNMENTS, DRAWS_PER_ASSIGNMENT, generator, samples
from grading.engine.symbols import declare


def points(symbols, seed="question"):
    return samples(declare(symbols), generator(seed))


def values_of(symbols, name):
    return [(sample, sample.values[name]) for sample in points(symbols)]


def test_the_same_seed_gives_the_same_points():
    symbols = {"A": {"shape": ["n", "m"]}}
    first, second = points(symbols), points(symbols)

    assert [s.sizes for s in first] == [s.sizes for s in second]
    assert all(np.array_equal(a.values["A"], b.values["A"]) for a, b in zip(first, second, strict=True))


def test_another_seed_gives_other_values():
    symbols = {"x": {"shape": [3, 1]}}

    assert not np.array_equal(points(symbols, "one")[0].values["x"], points(symbols, "two")[0].values["x"])


def test_it_draws_three_values_at_four_size_assignments():
    drawn = points({"A": {"shape": ["n", "m"]}})

    assert len(drawn) == ASSIGNMENTS
    assert all(sample.values["A"].shape[0] == DRAWS_PER_ASSIGNMENT for sample in drawn)


def test_fixed_sizes_get_all_twelve_draws_at_once():
    (only,) = points({"x": {"shape": [3, 1]}})

    assert only.draws == ASSIGNMENTS * DRAWS_PER_ASSIGNMENT
    assert only.values["x"].shape == (12, 3, 1)


def test_different_letters_get_different_sizes_and_one_size_is_one():
    sizes = [sample.sizes for sample in points({"A": {"shape": ["n", "m"]}, "B": {"shape": ["m", "p"]}})]

    assert all(1 <= size <= 6 for assignment in sizes for size in assignment.values())
    assert all(len(set(assignment.values())) == 3 for assignment in sizes[:3])  # truly non-square
    assert 1 in sizes[3].values()
    assert len({assignment["n"] for assignment in sizes}) >= 3


def _assert_for_every_draw(symbols, name, condition):
    for sample, stack in values_of(symbols, name):
        for matrix in stack:
            assert condition(matrix), (sample.sizes, matrix)


def _eigenvalues(matrix):
    return np.linalg.eigvalsh(matrix)


@pytest.mark.parametrize(
    ("assume", "condition"),
    [
        (["symmetric"], lambda m: np.allclose(m, m.T)),
        (["spd"], lambda m: np.allclose(m, m.T) and _eigenvalues(m).min() > 0),
        (["invertible"], lambda m: np.linalg.cond(m) < 10),
        (["orthogonal"], lambda m: np.allclose(m.T @ m, np.eye(len(m)))),
        (
            ["diagonal"],
            lambda m: np.count_nonzero(m - np.diag(np.diag(m))) == 0 and np.abs(np.diag(m)).min() >= 0.5,
        ),
        (["positive"], lambda m: m.min() > 0),
        (["symmetric", "invertible"], lambda m: np.allclose(m, m.T) and np.linalg.cond(m) < 10),
        (["symmetric", "orthogonal"], lambda m: np.allclose(m, m.T) and np.allclose(m @ m, np.eye(len(m)))),
        (["spd", "positive"], lambda m: m.min() > 0 and _eigenvalues(m).min() > 0),
        (["invertible", "positive"], lambda m: m.min() > 0 and np.linalg.cond(m) < 20),
        (["diagonal", "positive"], lambda m: np.diag(m).min() > 0),
        (
            ["spd", "diagonal"],
            lambda m: np.diag(m).min() > 0 and np.count_nonzero(m - np.diag(np.diag(m))) == 0,
        ),
    ],
)
def test_every_draw_satisfies_the_assumptions(assume, condition):
    _assert_for_every_draw({"M": {"shape": ["n", "n"], "assume": assume}}, "M", condition)


def test_a_general_matrix_is_not_secretly_structured():
    _assert_for_every_draw(
        {"M": {"shape": ["n", "n"]}}, "M", lambda m: len(m) == 1 or not np.allclose(m, m.T)
    )
