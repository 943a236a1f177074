"""Random test points for numeric equivalence: dimension assignments and values satisfying the assumptions.

Numbers chosen, and why a wrong answer is practically never accepted
--------------------------------------------------------------------
* 4 dimension assignments when the question has dimension letters, one of each kind: two with all letters
  different, drawn from 2..6 (so n×m matrices really are non-square and a mix-up of n and m cannot go
  unnoticed), one with the largest sizes (4..6), and one small one with sizes 1..3 in which at least one
  letter is 1 (vectors degenerate to scalars there). Each letter therefore usually takes three or more
  different values, so an answer that differs by a size-dependent factor (n versus 3) is caught.
* 3 draws per assignment (12 in a single assignment when all sizes are numbers): 12 test points.
* Values: general entries are standard normal; ``positive`` entries are uniform in [0.5, 2]; ``symmetric`` is
  (B + Bᵀ)/2; ``spd`` is BBᵀ + nI; ``invertible`` is U·diag(s)·Vᵀ with Haar-random orthogonal U, V and s in
  [0.5, 2] (condition number at most 4); ``orthogonal`` is the Q of a QR factorisation with signs fixed
  (Haar); ``diagonal`` has entries ±[0.5, 2]. Combinations are built to satisfy all their assumptions.

Only admissible points are used: ``samples`` takes a predicate (for ``check``, ``accuracy.admissible_draws``:
the reference is finite and computed to well within the tolerance there) and skips every draw it rejects,
deterministically, with the same seeded generator:

* a rejected draw is replaced by a new draw at the same sizes, in batches of 3 (12), up to 4 batches;
* an assignment whose whole first batch is rejected (``inv(XᵀX)`` with m < n: XᵀX is singular at every
  value) is dropped and another of the same kind proposed, up to 8 per kind; if no proposal of a kind
  reaches its 3 draws, the one with the most admissible draws is kept, so that kind still counts if it can;
* no admissible point at all means the reference is broken: the caller raises ``ConfigError``.

So the comparison keeps 12 points at 4 assignments, non-square ones included, whenever the reference is
admissible on a fair share of each kind (for least squares: the assignments with m ≥ n, about half the
proposals). Fewer remain only for a reference admissible almost nowhere, and then all that can be found.

For a fixed assignment the answer and the reference are real-analytic functions of the sampled entries
(compositions of +, ·, inverse, det, log, exp, …) on the connected set the sampler covers. If they differ
anywhere there, they differ on all of it except a set of measure zero. The admissible points form an open
subset of positive measure (it is cut out by strict inequalities on continuous functions), and rejection
sampling draws from a continuous distribution on it, so the agreement set is still avoided with probability
one; the tolerance (relative 1e-6, see ``diagnose``) widens it only to a sliver of width ~1e-6. A wrong
answer would have to land in that sliver at 12 independent points and at four different sizes. The
remaining ways to pass are an answer within 1e-6 relative of the truth everywhere (e.g. a typed constant
0.9999999 for 1), a difference confined to sizes never tried (above 6), and a difference confined to where
the reference itself is undefined or numerically meaningless (m < n above), which no sample can judge.

The generator is seeded from the question (declaration and expected answer), never from global state, so
every regrade uses the same points: the same answer always gets the same verdict, and the points and the
reference values are computed once per question and cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .symbols import Declaration, SymbolSpec

ASSIGNMENTS = 4
DRAWS_PER_ASSIGNMENT = 3
DRAW_BATCHES = 4  # batches of draws tried per assignment
PROPOSALS_PER_KIND = 8  # assignments tried per kind
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


Admissible = Callable[[Sample], np.ndarray]  # per draw of a sample: may it be used as a test point?


def generator(*parts: str) -> np.random.Generator:
    digest = hashlib.sha256("\x00".join(parts).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


def samples(
    declaration: Declaration, rng: np.random.Generator, admissible: Admissible | None = None
) -> tuple[Sample, ...]:
    """The test points, one ``Sample`` per assignment; only draws that ``admissible`` accepts (default: all).
    Empty if there is none."""
    accept = admissible or _everywhere
    letters = declaration.dimension_names
    if not letters:
        found = _draws(declaration, {}, rng, ASSIGNMENTS * DRAWS_PER_ASSIGNMENT, accept)
        return (found,) if found.draws else ()
    chosen: list[Sample] = []
    for kind in _KINDS:
        best: Sample | None = None
        for _ in range(PROPOSALS_PER_KIND):
            found = _draws(declaration, kind(letters, rng), rng, DRAWS_PER_ASSIGNMENT, accept)
            if best is None or found.draws > best.draws:
                best = found
            if found.draws == DRAWS_PER_ASSIGNMENT:
                break
        if best is not None and best.draws:
            chosen.append(best)
    return tuple(chosen)


def _everywhere(sample: Sample) -> np.ndarray:
    return np.ones(sample.draws, dtype=bool)


def _draws(
    declaration: Declaration, sizes: dict[str, int], rng: np.random.Generator, wanted: int, accept: Admissible
) -> Sample:
    """Up to ``wanted`` accepted draws at ``sizes``, drawn in batches of ``wanted``; none if the first batch
    has none."""
    kept: list[dict[str, np.ndarray]] = []
    found = 0
    for _ in range(DRAW_BATCHES):
        batch = Sample(
            sizes, {spec.name: draw(spec, sizes, rng, wanted) for spec in declaration.symbols}, wanted
        )
        chosen = accept(batch)
        if not kept and not chosen.any():
            break
        kept.append({name: values[chosen] for name, values in batch.values.items()})
        found += int(chosen.sum())
        if found >= wanted:
            break
    if not kept:
        return Sample(sizes, {}, 0)
    found = min(found, wanted)
    values = {name: np.concatenate([part[name] for part in kept])[:found] for name in kept[0]}
    return Sample(sizes, values, found)


def _distinct(pool: tuple[int, ...]) -> Callable[[tuple[str, ...], np.random.Generator], dict[str, int]]:
    """Sizes from ``pool``, all different when there are enough of them."""

    def propose(letters: tuple[str, ...], rng: np.random.Generator) -> dict[str, int]:
        sizes = pool if len(letters) <= len(pool) else _MIDDLE_SIZES
        chosen = rng.choice(sizes, size=len(letters), replace=len(letters) > len(sizes))
        return dict(zip(letters, (int(size) for size in chosen), strict=True))

    return propose


def _small(letters: tuple[str, ...], rng: np.random.Generator) -> dict[str, int]:
    """Sizes from 1..3 with at least one letter equal to 1."""
    sizes = [int(size) for size in rng.choice(_SMALL_SIZES, size=len(letters))]
    sizes[int(rng.integers(len(letters)))] = 1
    return dict(zip(letters, sizes, strict=True))


_KINDS = (_distinct(_MIDDLE_SIZES), _distinct(_MIDDLE_SIZES), _distinct(_LARGE_SIZES), _small)


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
    signed: np.ndarray = values * rng.choice((-1.0, 1.0), size=shape)
    return signed


def _symmetrise(matrices: np.ndarray) -> np.ndarray:
    symmetric: np.ndarray = (matrices + np.swapaxes(matrices, -1, -2)) / 2
    return symmetric


def _diagonal(values: np.ndarray) -> np.ndarray:
    diagonal: np.ndarray = values[..., :, None] * np.eye(values.shape[-1])
    return diagonal


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
        reflection: np.ndarray = q @ _diagonal(signs) @ np.swapaxes(q, -1, -2)
        return reflection
    return q


def _spd(wants: frozenset[str], rng: np.random.Generator, draws: int, size: int) -> np.ndarray:
    if "diagonal" in wants:
        return _diagonal(rng.uniform(_SAFE_LOW, _SAFE_HIGH, size=(draws, size)))
    factor = _entries(wants, rng, (draws, size, size))
    if "positive" in wants:
        factor = factor / 2  # keeps BBᵀ + nI in a similar range whichever way B was drawn
    spd: np.ndarray = factor @ np.swapaxes(factor, -1, -2) + size * np.eye(size)
    return spd


def _invertible(wants: frozenset[str], rng: np.random.Generator, draws: int, size: int) -> np.ndarray:
    if "positive" in wants:  # positive entries made strictly diagonally dominant, hence invertible
        entries = rng.uniform(_SAFE_LOW, _SAFE_HIGH, size=(draws, size, size))
        if "symmetric" in wants:
            entries = _symmetrise(entries)
        dominant: np.ndarray = entries + 2 * size * np.eye(size)
        return dominant
    singular_values = _magnitudes(wants, rng, (draws, size))
    left = _haar(rng, draws, size)
    if "symmetric" in wants:
        symmetric: np.ndarray = left @ _diagonal(singular_values) @ np.swapaxes(left, -1, -2)
        return symmetric
    right = _haar(rng, draws, size)
    general: np.ndarray = left @ _diagonal(np.abs(singular_values)) @ np.swapaxes(right, -1, -2)
    return general
