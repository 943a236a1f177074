"""Symbolic dimensions: a coefficient times a product of dimension letters (``n``, ``2``, ``n·m``, ``n²``).

Products are all the algebra shapes need: ``kron`` multiplies sizes and ``vec`` multiplies rows by columns.
Sizes of ``I`` and of a zero matrix are not known where they are written; they are ``DimVar`` unknowns that
``Unifier`` binds from the context (``I x`` makes ``I`` n×n when x is n×1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True, slots=True)
class Dim:
    coefficient: int = 1
    letters: tuple[str, ...] = ()  # sorted, with repetition for powers

    @classmethod
    def of(cls, value: int | str) -> Dim:
        return cls(value, ()) if isinstance(value, int) else cls(1, (value,))

    def __mul__(self, other: Dim) -> Dim:
        return Dim(self.coefficient * other.coefficient, tuple(sorted(self.letters + other.letters)))

    @property
    def is_one(self) -> bool:
        return self.coefficient == 1 and not self.letters

    def evaluate(self, sizes: Mapping[str, int]) -> int:
        size = self.coefficient
        for letter in self.letters:
            size *= sizes[letter]
        return size

    def __str__(self) -> str:
        powers = Counter(self.letters)
        factors = [
            letter + (str(power).translate(_SUPERSCRIPTS) if power > 1 else "")
            for letter, power in powers.items()
        ]
        separator = "" if all(len(letter) == 1 for letter in powers) else "·"
        letters = separator.join(factors)
        if self.coefficient == 1 and letters:
            return letters
        return f"{self.coefficient}{separator if letters and separator else ''}{letters}"


@dataclass(frozen=True, slots=True)
class DimVar:
    """An unknown size, e.g. of ``I``; printed as ``?`` until the context decides it."""

    index: int

    def __str__(self) -> str:
        return "?"


ONE = Dim(1)
Size = Dim | DimVar
Shape = tuple[Size, Size]
SCALAR: Shape = (ONE, ONE)


class Unifier:
    """Union-find over ``DimVar`` unknowns; a variable is bound to another variable or to a ``Dim``."""

    def __init__(self) -> None:
        self._bindings: dict[DimVar, Size] = {}
        self._count = 0

    def fresh(self) -> DimVar:
        self._count += 1
        return DimVar(self._count)

    def find(self, size: Size) -> Size:
        while isinstance(size, DimVar) and size in self._bindings:
            size = self._bindings[size]
        return size

    def unify(self, first: Size, second: Size) -> bool:
        first, second = self.find(first), self.find(second)
        if first == second:
            return True
        if isinstance(first, DimVar):
            self._bindings[first] = second
            return True
        if isinstance(second, DimVar):
            self._bindings[second] = first
            return True
        return False

    def resolve(self, shape: Shape) -> Shape:
        return (self.find(shape[0]), self.find(shape[1]))

    def is_scalar(self, shape: Shape) -> bool:
        rows, cols = self.resolve(shape)
        return rows == ONE and cols == ONE


KnownShape = tuple[Dim, Dim]  # a shape with every size known: a declared symbol's, or any after ``resolve``


def known(size: Size) -> Dim:
    """A size that must be known by now (shapes are resolved before anything is evaluated)."""
    assert isinstance(size, Dim), f"the size {size} should have been resolved"
    return size


def format_shape(shape: Shape) -> str:
    return f"{shape[0]}×{shape[1]}"


def is_concrete(shape: Shape) -> bool:
    return isinstance(shape[0], Dim) and isinstance(shape[1], Dim)
