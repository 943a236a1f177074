"""Every randomized question of the shipped bank, drawn for many seeds beyond the ones validation tries,
never gives a degenerate variant: one whose answer is trivial to guess or a slip scores as right.

Validation (import_bank) already checks that every variant's key parses, meets the stated precision and
that options never read the same; these are the content rules on top, checked for the whole class of
questions rather than the instances found by hand.
"""

import numpy as np
import pytest

from exams import answers, variants
from exams.question_types import CHOICE_TYPES, make_variant
from tests.exams.shipped import is_randomized, shipped_entries

# Not the validation seeds (0–99), which import_bank already checked for keys, precision and options that
# read the same: these find what validation could not see. 200 per question keep the test proportionate to
# a bank of ~450 randomized questions (about 50 ms each); a degeneracy met by 2% of draws shows in 98% of
# runs.
SEEDS = range(10_000, 10_200)


def randomized_questions():
    for item in shipped_entries():
        if is_randomized(item.content):
            yield pytest.param(item.content, id=item.content["slug"])


# Properties that are degenerate only when they hold for some variants: a Hessian key is always symmetric
# and a Jacobian of a linear map is the matrix shown, but a gradient that is symmetric by chance lets a
# transposed answer score, and a key equal to a matrix of the stem by chance is given away.
BY_CHANCE_ONLY = ("the key is symmetric", "the key equals")


def degeneracies(content: dict, seed: int) -> list[str]:
    variant = make_variant(content, seed)
    resolved, values = variant.content, variant.values
    found = []
    for name, declaration in content["parameters"].items():
        if "int_matrix" in declaration and not np.any(values[name]):
            found.append(f"the random vector or matrix {name} is zero")
    kind = content["type"]
    if kind in CHOICE_TYPES:
        texts = [" ".join(option["text"].split()) for option in resolved["options"]]
        if len(set(texts)) < len(texts):
            found.append("two options read the same")
    if kind == "numeric" and answers.parse_number(resolved["answer"]) == 0:
        found.append("the key is 0")
    if kind == "matrix":
        key = answers.parse_matrix(resolved["answer"])
        if not np.any(key):
            found.append("the key is the zero matrix")
        if key.shape[0] == key.shape[1] > 1 and np.array_equal(key, key.T):
            found.append("the key is symmetric (a transposed answer scores)")
        for name in variants.placeholders(content["stem"]):
            shown = values[name]
            if (
                isinstance(shown, np.ndarray)
                and shown.shape == key.shape
                and np.allclose(shown.astype(float), key)
            ):
                found.append(f"the key equals {name}, shown in the stem")
    if kind == "expression":
        for name in variants.placeholders(content["answer"] + content["function"]):
            if not isinstance(values[name], str | np.ndarray) and values[name] == 0:
                found.append(f"the coefficient {name} is 0")
    return found


@pytest.mark.parametrize("content", list(randomized_questions()))
def test_no_variant_is_degenerate(content):
    seeds_with: dict[str, list[int]] = {}
    for seed in SEEDS:
        for problem in degeneracies(content, seed):
            seeds_with.setdefault(problem, []).append(seed)
    degenerate = {
        problem: seeds[:3]
        for problem, seeds in seeds_with.items()
        if not (problem.startswith(BY_CHANCE_ONLY) and len(seeds) == len(SEEDS))
    }
    assert not degenerate, f"degenerate variants (problem: first seeds): {degenerate}"
