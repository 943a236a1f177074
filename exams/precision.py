"""How precise a numeric answer must be: derived from a question's tolerance, told to the learner, and
compared with what a stem says about it.

A learner who rounds the exact value to the precision a question states must be marked right. Rounding to
``s`` significant figures moves a value by at most 5·10⁻ˢ of itself, and rounding to ``d`` decimal places
by at most 0.5·10⁻ᵈ, so a relative tolerance ``rel`` allows ``s`` significant figures once
5·10⁻ˢ ≤ rel, and an absolute tolerance ``abs`` allows ``d`` decimal places once 0.5·10⁻ᵈ ≤ abs. A
tolerance that would need more than MAX_SIGNIFICANT significant figures or MAX_DECIMALS decimal places
asks for the exact value (fractions are accepted).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import numpy as np

# More digits than these is not a fair thing to ask of a learner: a tighter tolerance means "exact".
MAX_SIGNIFICANT = 6
MAX_DECIMALS = 4
# Tolerances are floats: 5e-4 must count as "at least 5·10⁻⁴", whatever its last bit.
_SLACK = 1 + 1e-9

_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_COUNT = r"(\d+|" + "|".join(_WORD_NUMBERS) + r")"
_SIGNIFICANT = re.compile(_COUNT + r"\s+significant\s+(?:figures?|digits?)", re.IGNORECASE)
_DECIMALS = re.compile(_COUNT + r"\s+(?:decimal\s+(?:places?|digits?)|decimals)\b", re.IGNORECASE)
_NEAREST_INTEGER = re.compile(r"nearest\s+(?:integer|whole\s+number)", re.IGNORECASE)


@dataclass(frozen=True)
class Precision:
    """``significant`` or ``decimals`` with a number of digits, or ``exact``."""

    kind: Literal["significant", "decimals", "exact"]
    digits: int = 0

    def rounded(self, value: float) -> float:
        """``value`` as a learner following this precision would write it (the exact value when exact)."""
        if self.kind == "exact" or value == 0 or not math.isfinite(value):
            return value
        places = (
            self.digits if self.kind == "decimals" else self.digits - 1 - math.floor(math.log10(abs(value)))
        )
        # Decimal rounds the decimal digits a person sees, not the binary float's.
        return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))

    def describe(self, *, entries: bool = False) -> str:
        """What to give, as an instruction: ``give at least 4 significant figures``."""
        if self.kind == "exact":
            return "give every entry exactly" if entries else "give the exact value"
        return f"give {'each entry to ' if entries else ''}at least {self.phrase()}"

    def phrase(self) -> str:
        """The precision as a noun phrase: ``4 significant figures``, ``the exact value``."""
        match self.kind:
            case "significant":
                return _count(self.digits, "significant figure")
            case "decimals":
                return _count(self.digits, "decimal place")
            case _:
                return "the exact value"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def required(abs_tolerance: float | None, rel_tolerance: float | None) -> Precision:
    """The least precision a tolerance accepts from anyone who rounds correctly (see the module text)."""
    relative, absolute = rel_tolerance or 0.0, abs_tolerance or 0.0
    if relative > 0:
        digits = max(1, math.ceil(math.log10(5 / (relative * _SLACK))))
        if digits <= MAX_SIGNIFICANT:
            return Precision("significant", digits)
    if absolute > 0:
        digits = max(0, math.ceil(math.log10(0.5 / (absolute * _SLACK))))
        if digits <= MAX_DECIMALS:
            return Precision("decimals", digits)
    return Precision("exact")


def stated(text: str) -> Precision | None:
    """The precision a stem asks for in words ("to 4 decimal places", "3 significant figures"), if any."""
    lowered = text.lower()
    if "significant" not in lowered and "decimal" not in lowered and "nearest" not in lowered:
        return None  # the common case, found without running the patterns over every stem
    if match := _SIGNIFICANT.search(text):
        return Precision("significant", _number(match.group(1)))
    if match := _DECIMALS.search(text):
        return Precision("decimals", _number(match.group(1)))
    if _NEAREST_INTEGER.search(text):
        return Precision("decimals", 0)
    return None


def _number(word: str) -> int:
    return int(word) if word.isdecimal() else _WORD_NUMBERS[word.lower()]


def note(*, kind: str, abs_tolerance: float | None, rel_tolerance: float | None, stem: str) -> str:
    """The sentence shown with a numeric or matrix question about the precision its answer needs.

    Empty when the stem says it itself (the importer checks that the tolerance agrees). It depends on the
    tolerance only, never on the key, so it gives nothing away.
    """
    if stated(stem) is not None:
        return ""
    precision = required(abs_tolerance, rel_tolerance)
    instruction = precision.describe(entries=kind == "matrix")
    also = "" if precision.kind == "exact" else " too"
    return f"Precision: {instruction} (fractions such as 3/4 are accepted{also})."


def rounding_rejected(
    precision: Precision, key: float | np.ndarray, accepts: Callable[[float, float], bool]
) -> tuple[float, float] | None:
    """The first (exact, rounded) entry of ``key`` whose rounding to ``precision`` is not accepted, if any.

    ``accepts(rounded, exact)`` is the grader's tolerance test.
    """
    for exact in np.ravel(key).tolist():
        rounded = precision.rounded(exact)
        if not accepts(rounded, exact):
            return exact, rounded
    return None


def tolerance_for(precision: Precision) -> str:
    """The tolerance that accepts answers rounded to ``precision``, as an author writes it."""
    if precision.kind == "significant":
        return f"rel: {5 * 10.0**-precision.digits:g}"
    return f"abs: {0.5 * 10.0**-precision.digits:g}"
