"""Compare sampled values and explain a wrong answer in a sentence.

Tolerance: a draw agrees when max|answer − reference| ≤ 1e-6 · max|reference| + 1e-9, entrywise over the
matrix. The relative part makes the test independent of scale (a reference of size 1e6 and one of size 1e-3
are judged alike); the tiny absolute part only matters for a reference that is exactly zero, where
rounding leaves ~1e-15. Test points are admissible (see ``accuracy``): the reference's own rounding error
there is estimated at most 1% of this tolerance, and the sampled values are well conditioned (see
``sampling``), so a correct answer computed in another order typically differs by ~1e-12: six orders of
magnitude of headroom on both sides.

A wrong answer is first tested against the usual slips, each a scalar k times either the reference or its
transpose, with one k for all samples: k = −1 is ``sign``, the transpose is ``transpose``, any other k is
``scalar_multiple`` and the message states k ("1/2 times the expected result"). The mistakes that need the
key's structure (a missing term, a symmetric assumption…) are in ``misconceptions``; ``compare`` tries them
in turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

RELATIVE_TOLERANCE = 1e-6
ABSOLUTE_TOLERANCE = 1e-9
_NICE_DENOMINATOR = 12


@dataclass(frozen=True, slots=True)
class Finding:
    diagnosis: tuple[str, ...]
    message: str


def agreeing_draws(answer: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """A boolean per draw: does ``answer`` match ``reference`` there? Non-finite values never match."""
    difference = np.max(np.abs(answer - reference), axis=(-2, -1))
    scale = np.max(np.abs(reference), axis=(-2, -1))
    with np.errstate(invalid="ignore"):
        return difference <= RELATIVE_TOLERANCE * scale + ABSOLUTE_TOLERANCE


def first_disagreement(
    answers: Sequence[np.ndarray], references: Sequence[np.ndarray]
) -> tuple[int, int] | None:
    """(sample index, draw index) of the first draw where the answer differs, or None if all agree."""
    for index, (answer, reference) in enumerate(zip(answers, references, strict=True)):
        agree = agreeing_draws(answer, reference)
        if not agree.all():
            return index, int(np.argmin(agree))
    return None


def multiple_of_key(
    answers: Sequence[np.ndarray], references: Sequence[np.ndarray], transposes: Sequence[np.ndarray] | None
) -> Finding | None:
    """The answer as k times the key or its transpose, if it is one; ``transposes`` is None when transposing
    changes nothing."""
    factor = common_factor(answers, references)
    if factor is not None:
        return _multiple_of("the expected result", factor, ())
    if transposes is not None:
        factor = common_factor(answers, transposes)
        if factor is not None:
            return _multiple_of("the transpose of the expected result", factor, ("transpose",))
    return None


def multiple_of_transpose(
    answers: Sequence[np.ndarray], swapped: Sequence[np.ndarray], shapes: str
) -> Finding | None:
    """The answer, of the transposed shape, as k times the key's transpose; ``shapes`` says "1×n instead of
    n×1"."""
    factor = common_factor(answers, swapped)
    if factor is None:
        return None
    return _multiple_of(f"the transpose of the expected result ({shapes})", factor, ("transpose",))


def is_zero(answers: Sequence[np.ndarray]) -> bool:
    return all(np.all(answer == 0) for answer in answers)


ZERO = Finding((), "Your answer is zero, but the expected result is not")
NO_MATCH = Finding((), "Your answer does not match the expected result")


def common_factor(answers: Sequence[np.ndarray], references: Sequence[np.ndarray]) -> float | None:
    """k such that answer ≈ k · reference on every draw, if there is one (k = 0 does not count)."""
    with np.errstate(all="ignore"):
        products = sum(float(np.sum(a * r)) for a, r in zip(answers, references, strict=True))
        norms = sum(float(np.sum(r * r)) for r in references)
        if not np.isfinite(products) or not np.isfinite(norms) or norms == 0:
            return None
        factor = products / norms
        if abs(factor) < 1e-9:
            return None
        fits = all(agreeing_draws(a, factor * r).all() for a, r in zip(answers, references, strict=True))
    return factor if fits else None


def scaled(message: str, factor: float) -> Finding:
    """A mistake's sentence, and its extra code, when the answer is ``factor`` times the mistaken one."""
    nice = Fraction(factor).limit_denominator(_NICE_DENOMINATOR)
    exact = abs(float(nice) - factor) <= RELATIVE_TOLERANCE * abs(factor)
    if exact and nice == 1:
        return Finding((), message)
    if exact and nice == -1:
        return Finding(("sign",), f"{message}; check the signs too")
    amount = str(nice) if exact else f"about {factor:.3g}"
    return Finding(("scalar_multiple",), f"{message}; besides, your answer is {amount} times that")


def _multiple_of(what: str, factor: float, diagnosis: tuple[str, ...]) -> Finding:
    nice = Fraction(factor).limit_denominator(_NICE_DENOMINATOR)
    exact = abs(float(nice) - factor) <= RELATIVE_TOLERANCE * abs(factor)
    transposed = "transpose" in diagnosis
    order_hint = "check the order of the factors and your layout convention"
    if exact and nice == 1:
        return Finding(diagnosis, f"Your answer is {what} — {order_hint}")
    if exact and nice == -1:
        hint = "check the signs and the order of the factors" if transposed else "check the signs"
        return Finding((*diagnosis, "sign"), f"Your answer is minus {what} — {hint}")
    amount = str(nice) if exact else f"about {factor:.3g}"
    hint = _factor_hint(nice) if exact else "check the constant factors"
    if transposed:
        hint = f"{order_hint}, and {hint}"
    return Finding((*diagnosis, "scalar_multiple"), f"Your answer is {amount} times {what} — {hint}")


def _factor_hint(factor: Fraction) -> str:
    size = abs(factor)
    if size.denominator == 1:
        hint = f"check for an extra factor of {size.numerator}"
    elif size.numerator == 1:
        hint = f"check for a missing factor of {size.denominator}"
    else:
        hint = "check the constant factors"
    return f"check the sign, and {hint}" if factor < 0 else hint
