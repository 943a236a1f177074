"""Draws and size assignments the predicate rejects are skipped deterministically; the others are kept."""

import numpy as np

from grading.engine.sampling import ASSIGNMENTS, DRAWS_PER_ASSIGNMENT, generator, samples
from grading.engine.symbols import declare

WIDE_OR_TALL = declare({"X": {"shape": ["m", "n"]}, "c": {"shape": [1, 1]}})
FIXED = declare({"c": {"shape": [1, 1]}})


def points(declaration, admissible, seed="question"):
    return samples(declaration, generator(seed), admissible)


def at_least_as_many_rows(sample):
    return np.full(sample.draws, sample.sizes["m"] >= sample.sizes["n"])


def positive_c(sample):
    return sample.values["c"][:, 0, 0] > 0


def test_a_rejected_draw_is_replaced_by_another():
    (only,) = points(FIXED, positive_c)

    assert only.draws == ASSIGNMENTS * DRAWS_PER_ASSIGNMENT
    assert np.all(only.values["c"] > 0)


def test_every_assignment_keeps_its_draws_when_some_are_rejected():
    drawn = points(WIDE_OR_TALL, positive_c)

    assert [sample.draws for sample in drawn] == [DRAWS_PER_ASSIGNMENT] * ASSIGNMENTS
    assert all(np.all(sample.values["c"] > 0) for sample in drawn)
    assert all(sample.values["X"].shape[0] == DRAWS_PER_ASSIGNMENT for sample in drawn)


def test_a_rejected_assignment_is_replaced_by_another_of_its_kind():
    drawn = points(WIDE_OR_TALL, at_least_as_many_rows)

    assert len(drawn) == ASSIGNMENTS
    assert all(sample.sizes["m"] >= sample.sizes["n"] for sample in drawn)
    assert all(len(set(sample.sizes.values())) == 2 for sample in drawn[:3])  # still non-square
    assert 1 in drawn[3].sizes.values()


def test_the_choice_is_deterministic():
    first, second = points(WIDE_OR_TALL, at_least_as_many_rows), points(WIDE_OR_TALL, at_least_as_many_rows)

    assert [s.sizes for s in first] == [s.sizes for s in second]
    assert all(np.array_equal(a.values["X"], b.values["X"]) for a, b in zip(first, second, strict=True))


def test_a_kind_that_is_never_admissible_is_left_out():
    drawn = points(WIDE_OR_TALL, lambda sample: np.full(sample.draws, sample.sizes["n"] == 1))

    assert drawn
    assert all(sample.sizes["n"] == 1 for sample in drawn)
    assert len(drawn) < ASSIGNMENTS  # the middle and large kinds have n >= 2


def test_nothing_admissible_gives_no_points():
    def nowhere(sample):
        return np.zeros(sample.draws, dtype=bool)

    assert points(WIDE_OR_TALL, nowhere) == ()
    assert points(FIXED, nowhere) == ()
