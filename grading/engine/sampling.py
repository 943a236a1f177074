"""Random test points for numeric equivalence: dimension assignments and values satisfying the assumptions.

Numbers chosen, and why a wrong answer is practically never accepted
--------------------------------------------------------------------
* 4 dimension assignments when the question has dimension letters: two with all letters different, drawn
  from 2..6 (so n×m matrices really are non-square and a mix-up of n and m cannot go unnoticed), one with the
  largest sizes (4..6), and one small one with sizes 1..3 in which at least one letter is 1 (vectors
  degenerate to scalars there). Each letter therefore takes at least three different values, so an answer
  that differs by a size-dependent factor (n versus 3) is caught.
* 3 independent draws per assignment (12 in a single assignment when all sizes are numbers): 12 test points.
* Values: general entries are standard normal; ``positive`` entries are uniform in [0.5, 2]; ``symmetric`` is
  (B + Bᵀ)/2; ``spd`` is BBᵀ + nI; ``invertible`` is U·diag(s)·Vᵀ with Haar-random orthogonal U, V and s in
  [0.5, 2] (condition number at most 4); ``orthogonal`` is the Q of a QR factorisation with signs fixed
  (Haar); ``diagonal`` has entries ±[0.5, 2]. Combinations are built to satisfy all their assumptions.

For a fixed assignment the answer and the reference are real-analytic functions of the sampled entries
(compositions of +, ·, inverse, det, log, exp, …) on the connected set the sampler covers. If they differ
anywhere there, they differ on all of it except a set of measure zero, which a continuous random draw avoids
with probability one; the tolerance (relative 1e-6, see ``diagnose``) widens that set only to a sliver of
width ~1e-6 around it. A wrong answer would have to land in that sliver at 12 independent points and at four
different sizes. The remaining ways to pass are an answer within 1e-6 relative of the truth everywhere
(e.g. a typed constant 0.9999999 for 1) and a difference confined to sizes never tried (above 6).

The generator is seeded from the question (declaration and expected answer), never from global state, so
every regrade uses the same points: the same answer always gets the same verdict, and the points and the
reference values are computed once per question and cached.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from .symbols import Declaration, SymbolSpec

ASSIGNMENTS = 4
DRAWS_PER_ASSIGNMENT = 3
_MIDDLE_SIZES = (2, 3, 4, 5, 6)
_LARGE_SIZES = (4, 5, 6)
_SMALL_SIZES = (1, 2, 3)
_SAFE_LOW, _SAFE_HIGH = 0.5, 2.0  # magnitudes kept away from 0 where inverses are taken


@dataclass(frozen=True, eq=False)
class Sample:
    """One dimension assignment with ``draws`` stacked values of every symbol: arrays (draws, rows, cols)."""

    sizes: dict[str, int]
    values: dict[str, np.ndarray]
    draws: int


def generator(*parts: str) -> np.random.Generator:
    digest = hashlib.sha256("\x00".join(parts).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


def samples(declaration: Declaration, rng: np.random.Generator) -> tuple[Sample, ...]:
    letters = declaration.dimension_names
    if not letters:
        plan = [({}, ASSIGNMENTS * DRAWS_PER_ASSIGNMENT)]
    else:
        plan = [(sizes, DRAWS_PER_ASSIGNMENT) for sizes in assignments(letters, rng)]
    return tuple(
        Sample(
            sizes=sizes,
            values={spec.name: draw(spec, sizes, rng, draws) for spec in declaration.symbols},
            draws=draws,
        )
        for sizes, draws in plan
    )


def assignments(letters: tuple[str, ...], rng: np.random.Generator) -> list[dict[str, int]]:
    def distinct(pool: tuple[int, ...]) -> list[int]:
        if len(letters) > len(pool):
            pool = _MIDDLE_SIZES
        return [int(size) for size in rng.choice(pool, size=len(letters), replace=len(letters) > len(pool))]

    small = [int(size) for size in rng.choice(_SMALL_SIZES, size=len(letters))]
    small[int(rng.integers(len(letters)))] = 1
    chosen = [distinct(_MIDDLE_SIZES), distinct(_MIDDLE_SIZES), distinct(_LARGE_SIZES), small]
    return [dict(zip(letters, sizes, strict=True)) for sizes in chosen]


def draw(spec: SymbolSpec, sizes: dict[str, int], rng: np.random.Generator, draws: int) -> np.ndarray:
    rows, cols = spec.shape[0].evaluate(sizes), spec.shape[1].evaluate(sizes)
    wants = spec.assumptions
    if "orthogonal" in wants:
        return _orthogonal_kind(wants, rng, draws, rows)
    if "spd" in wants:
        return _spd(wants, rng, draws, rows)
    if "diagonal" in wants:
        return _diagonal(_magnitudes(wants, rng, (draws, rows)))
    if "invertible" in wants:
        return _invertible(wants, rng, draws, rows)
    entries = _entries(wants, rng, (draws, rows, cols))
    return _symmetrise(entries) if "symmetric" in wants else entries


def _entries(wants: frozenset[str], rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    if "positive" in wants:
        return rng.uniform(_SAFE_LOW, _SAFE_HIGH, size=shape)
    return rng.standard_normal(shape)


def _magnitudes(wants: frozenset[str], rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values in ±[0.5, 2] (only + for positive or spd): safe to divide by."""
    values = rng.uniform(_SAFE_LOW, _SAFE_HIGH, size=shape)
    if wants & {"positive", "spd"}:
        return values
    return values * rng.choice((-1.0, 1.0), size=shape)


def _symmetrise(matrices: np.ndarray) -> np.ndarray:
    return (matrices + np.swapaxes(matrices, -1, -2)) / 2


def _diagonal(values: np.ndarray) -> np.ndarray:
    return values[..., :, None] * np.eye(values.shape[-1])


def _haar(rng: np.random.Generator, draws: int, size: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((draws, size, size)))
    signs = np.sign(np.diagonal(r, axis1=-2, axis2=-1))
    return q * np.where(signs == 0, 1.0, signs)[..., None, :]


def _orthogonal_kind(wants: frozenset[str], rng: np.random.Generator, draws: int, size: int) -> np.ndarray:
    signs = rng.choice((-1.0, 1.0), size=(draws, size))
    if "diagonal" in wants:
        return _diagonal(signs)
    q = _haar(rng, draws, size)
    if "symmetric" in wants:  # a reflection: Q diag(±1) Qᵀ is symmetric and orthogonal
        return q @ _diagonal(signs) @ np.swapaxes(q, -1, -2)
    return q


def _spd(wants: frozenset[str], rng: np.random.Generator, draws: int, size: int) -> np.ndarray:
    if "diagonal" in wants:
        return _diagonal(rng.uniform(_SAFE_LOW, _SAFE_HIGH, size=(draws, size)))
    factor = _entries(wants, rng, (draws, size, size))
    if "positive" in wants:
        factor = factor / 2  # keeps BBᵀ + nI in a similar range whichever way B was drawn
    return factor @ np.swapaxes(factor, -1, -2) + size * np.eye(size)


def _invertible(wants: frozenset[str], rng: np.random.Generator, draws: int, size: int) -> np.ndarray:
    if "positive" in wants:  # positive entries made strictly diagonally dominant, hence invertible
        entries = rng.uniform(_SAFE_LOW, _SAFE_HIGH, size=(draws, size, size))
        if "symmetric" in wants:
            entries = _symmetrise(entries)
        return entries + 2 * size * np.eye(size)
    singular_values = _magnitudes(wants, rng, (draws, size))
    left = _haar(rng, draws, size)
    if "symmetric" in wants:
        return left @ _diagonal(singular_values) @ np.swapaxes(left, -1, -2)
    right = _haar(rng, draws, size)
    return left @ _diagonal(np.abs(singular_values)) @ np.swapaxes(right, -1, -2)
