"""Reading and grading learner answers for the question types that are not expressions.

Choices, numbers, matrices and shapes. Nothing here evaluates what a learner typed: numbers and matrices are
read with regular expressions, so the only thing a hostile input can earn is an ``AnswerError``. Its message
is written for the learner and shown to them as is; grading turns it into an ``invalid`` verdict.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np

from exams.precision import required
from exams.variants import format_value

MAX_NUMBER_LENGTH = 100
MAX_MATRIX_LENGTH = 2000
MAX_MATRIX_SIZE = 36
MAX_SHAPE_LENGTH = 100

NUMBER_HINT = "Enter a number such as 3, -0.25, 1e-3 or 3/4."
MATRIX_HINT = "Enter a matrix such as [[1, 2], [3, 4]] or 1 2; 3 4."
SHAPE_HINT = "Enter a shape such as m×n, n×1 or scalar."

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FRACTION = re.compile(r"([+-]?[0-9]+)\s*/\s*([0-9]+)")
_NESTED_ROWS = re.compile(r"\[([^\[\]]*)\]")
_BETWEEN_NESTED_ROWS = re.compile(r"[\s,;]*")
_SPACE_PREFIX = re.compile(r"^(?:R|ℝ|\\R|\\mathbb\s*\{\s*R\s*\}|\\mathbb\s+R)\s*\^\s*")
_DIM = r"([A-Za-z]+|[0-9]+)"
_SHAPE = re.compile(rf"{_DIM}\s*(?:×|\\times|[xX*,]|by)\s*{_DIM}")
_ENCLOSING = {"(": ")", "{": "}", "[": "]"}

type Verdict = Literal["correct", "partial", "incorrect", "invalid"]


class AnswerError(ValueError):
    """The learner's input cannot be read; the message tells them what to type instead."""


@dataclass(frozen=True)
class Grade:
    score: float  # from 0 to 1
    verdict: Verdict
    message: str

    @classmethod
    def correct(cls) -> Grade:
        return cls(1.0, "correct", "Correct.")

    @classmethod
    def partial(cls, score: float, message: str) -> Grade:
        return cls(score, "partial", message)

    @classmethod
    def incorrect(cls, message: str = "Not quite.") -> Grade:
        return cls(0.0, "incorrect", message)

    @classmethod
    def invalid(cls, message: str) -> Grade:
        return cls(0.0, "invalid", message)


# --- Numbers ---------------------------------------------------------------------------------------------


def is_given(answer: object) -> bool:
    """A stored answer counts as given unless it is empty: no text, no option chosen."""
    return answer not in (None, "", [])


def _clean(text: str, limit: int, hint: str) -> str:
    if len(text) > limit:
        raise AnswerError(f"That answer is too long (more than {limit} characters). {hint}")
    return text.replace("\u2212", "-").strip()


def parse_number(text: str) -> float:
    """A number as people write one: ``3``, ``-0.25``, ``2.5E4``, ``1e-3``, ``-3/4`` (``−`` works too)."""
    body = _clean(text, MAX_NUMBER_LENGTH, NUMBER_HINT)
    if fraction := _FRACTION.fullmatch(body):
        numerator, denominator = (int(part) for part in fraction.groups())
        if denominator == 0:
            raise AnswerError("A fraction cannot have 0 as its denominator.")
        try:
            return numerator / denominator
        except OverflowError:
            raise AnswerError(f"That number is too large. {NUMBER_HINT}") from None
    if not _DECIMAL.fullmatch(body):
        raise AnswerError(NUMBER_HINT)
    number = float(body)
    if not math.isfinite(number):
        raise AnswerError(f"That number is too large. {NUMBER_HINT}")
    return number


def numbers_close(
    value: float | np.ndarray, expected: float | np.ndarray, abs_tol: float, rel_tol: float
) -> bool:
    """``|value − expected| <= max(abs_tol, rel_tol·|expected|)``; for arrays, entry by entry."""
    return not np.any(_misses(value, expected, abs_tol, rel_tol))


def _misses(value, expected, abs_tol: float, rel_tol: float) -> np.ndarray:
    """Where ``value`` is outside the tolerance around ``expected``."""
    return np.abs(np.subtract(value, expected)) > np.maximum(abs_tol, rel_tol * np.abs(expected))


def _near_misses(value, expected, abs_tol: float, rel_tol: float) -> np.ndarray:
    """Where ``value`` is outside the tolerance but within 1% of ``expected`` or 100 times the tolerance:
    most likely rounded too early or given with too few digits, rather than wrong."""
    near = np.maximum(100 * np.maximum(abs_tol, rel_tol * np.abs(expected)), 0.01 * np.abs(expected))
    return _misses(value, expected, abs_tol, rel_tol) & (np.abs(np.subtract(value, expected)) <= near)


def _not_precise_enough(abs_tol: float, rel_tol: float, *, entries: bool = False) -> str:
    return f"{required(abs_tol, rel_tol).describe(entries=entries)} (fractions such as 3/4 are accepted)"


# --- Matrices --------------------------------------------------------------------------------------------


def parse_matrix(text: str) -> np.ndarray:
    """A 2-D float array from ``[[1, 2], [3, 4]]``, ``[1, 2; 3, 4]``, ``1 2; 3 4`` or rows on separate lines.

    Entries are separated by commas or spaces and read with ``parse_number``; ``[1, 2, 3]`` is one row and
    ``1; 2`` one column.
    """
    body = _clean(text, MAX_MATRIX_LENGTH, MATRIX_HINT)
    rows = [_row_entries(row) for row in _row_texts(body)]
    rows = [row for row in rows if row]
    if not rows:
        raise AnswerError(MATRIX_HINT)
    if len(rows) > MAX_MATRIX_SIZE or max(map(len, rows)) > MAX_MATRIX_SIZE:
        raise AnswerError(f"A matrix can have at most {MAX_MATRIX_SIZE} rows and {MAX_MATRIX_SIZE} columns.")
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(rows[0]):
            raise AnswerError(
                f"Every row needs the same number of entries: row {number} has {_entries(len(row))} "
                f"but row 1 has {len(rows[0])}."
            )
    return np.array(
        [
            [_parse_entry(entry, row, column) for column, entry in enumerate(entries, start=1)]
            for row, entries in enumerate(rows, start=1)
        ],
        dtype=float,
    )


def _row_texts(body: str) -> list[str]:
    if body.startswith("[["):
        if not body.endswith("]]"):
            raise AnswerError(f"The brackets do not match. {MATRIX_HINT}")
        inner = body[1:-1]
        if _BETWEEN_NESTED_ROWS.fullmatch(_NESTED_ROWS.sub("", inner)) is None:
            raise AnswerError(f"Write each row in its own brackets, like [[1, 2], [3, 4]]. {MATRIX_HINT}")
        return _NESTED_ROWS.findall(inner)
    if body.startswith("["):
        if not body.endswith("]"):
            raise AnswerError(f"The brackets do not match. {MATRIX_HINT}")
        body = body[1:-1]
    if "[" in body or "]" in body:
        raise AnswerError(f"The brackets do not match. {MATRIX_HINT}")
    return re.split(r"[;\n]", body)


def _row_entries(row: str) -> list[str]:
    row = row.strip()
    if not row:
        return []
    return [entry.strip() for entry in row.split(",")] if "," in row else row.split()


def _parse_entry(entry: str, row: int, column: int) -> float:
    try:
        return parse_number(entry)
    except AnswerError:
        shown = entry if len(entry) <= 20 else entry[:20] + "…"
        raise AnswerError(
            f"Row {row}, entry {column}: {shown!r} is not a number. {NUMBER_HINT}"
            if entry
            else f"Row {row}, entry {column} is empty. {NUMBER_HINT}"
        ) from None


def _entries(count: int) -> str:
    return "1 entry" if count == 1 else f"{count} entries"


def format_matrix(array: np.ndarray) -> str:
    """``[[1, 2], [3, 4]]``: the form ``parse_matrix`` reads and answer keys use."""
    return format_value(np.atleast_2d(np.asarray(array, dtype=float)), key=True)


# --- Shapes ----------------------------------------------------------------------------------------------


def parse_shape(text: str) -> tuple[str, str]:
    """Rows and columns from ``m×n``, ``m x n``, ``m*n``, ``(m, n)``, ``m by n``, ``ℝ^{m×n}`` or ``scalar``.

    A dimension is a word (``n``, ``N``, ``k``; letters are case-sensitive) or a positive integer.
    """
    body = _clean(text, MAX_SHAPE_LENGTH, SHAPE_HINT)
    if body.lower() == "scalar":
        return ("1", "1")
    body = _SPACE_PREFIX.sub("", body, count=1)
    if body[:1] in _ENCLOSING and body.endswith(_ENCLOSING[body[0]]):
        body = body[1:-1].strip()
    shape = _SHAPE.fullmatch(body)
    if shape is None:
        raise AnswerError(SHAPE_HINT)
    rows, columns = (_normalise_dim(dim) for dim in shape.groups())
    if "0" in (rows, columns):
        raise AnswerError(f"A dimension must be at least 1. {SHAPE_HINT}")
    return (rows, columns)


def _normalise_dim(dim: str | int) -> str:
    dim = str(dim).strip()
    return str(int(dim)) if dim.isdigit() else dim


def format_shape(shape: tuple[str | int, str | int]) -> str:
    rows, columns = shape
    return f"{rows}×{columns}"


# --- Grading ---------------------------------------------------------------------------------------------


def grade_single_choice(
    correct_ids: set[str], selected: list[str], *, all_ids: set[str] | None = None
) -> Grade:
    """Exactly one option must be chosen. With ``all_ids``, an id outside it is ``invalid``, not wrong."""
    chosen = set(selected)
    if not chosen:
        return Grade.invalid("Choose one option.")
    if all_ids is not None and not chosen <= all_ids:
        return Grade.invalid("That option is not part of this question; choose one of the options shown.")
    if len(chosen) > 1:
        return Grade.invalid("Choose only one option.")
    return Grade.correct() if chosen <= correct_ids else Grade.incorrect()


def grade_multiple_choice(correct_ids: set[str], all_ids: set[str], selected: list[str]) -> Grade:
    """Partial credit: each correct option chosen earns 1/#correct, each incorrect one chosen costs as much.

    score = max(0, (#correct chosen − #incorrect chosen) / #correct). So choosing every option scores 0
    unless all are correct, and 1 only comes from choosing exactly the correct ones. Choosing nothing, or
    an id that is not an option, is ``invalid``.
    """
    if not correct_ids:
        raise ValueError("a multiple-choice question needs at least one correct option")
    chosen = set(selected)
    if not chosen:
        return Grade.invalid("Choose at least one option.")
    if not chosen <= all_ids:
        return Grade.invalid("That option is not part of this question; choose among the options shown.")
    right = len(chosen & correct_ids)
    wrong = len(chosen - correct_ids)
    score = max(0.0, (right - wrong) / len(correct_ids))
    if score == 1:
        return Grade.correct()
    if score == 0:
        return Grade.incorrect()
    penalty = f", and {wrong} that {'is' if wrong == 1 else 'are'} not" if wrong else ""
    return Grade.partial(
        score, f"Partly right: you chose {right} of the {len(correct_ids)} correct options{penalty}."
    )


def grade_numeric(expected: float, abs_tol: float, rel_tol: float, text: str) -> Grade:
    try:
        value = parse_number(text)
    except AnswerError as error:
        return Grade.invalid(str(error))
    if numbers_close(value, expected, abs_tol, rel_tol):
        return Grade.correct()
    if numbers_close(-value, expected, abs_tol, rel_tol):
        return Grade.incorrect("Not quite — check the sign.")
    if _near_misses(value, expected, abs_tol, rel_tol):
        return Grade.incorrect(f"Close, but not precise enough: {_not_precise_enough(abs_tol, rel_tol)}.")
    return Grade.incorrect()


def grade_matrix(expected: np.ndarray, abs_tol: float, rel_tol: float, text: str) -> Grade:
    """Same size and every entry within tolerance; feedback spots a transposed or negated matrix."""
    try:
        value = parse_matrix(text)
    except AnswerError as error:
        return Grade.invalid(str(error))
    expected = np.atleast_2d(np.asarray(expected, dtype=float))
    looks_transposed = value.T.shape == expected.shape and numbers_close(value.T, expected, abs_tol, rel_tol)
    if value.shape != expected.shape:
        hint = " It looks transposed." if looks_transposed else ""
        return Grade.incorrect(
            f"Not quite: your matrix is {format_shape(value.shape)}, "
            f"the expected one is {format_shape(expected.shape)}.{hint}"
        )
    if numbers_close(value, expected, abs_tol, rel_tol):
        return Grade.correct()
    if looks_transposed:
        return Grade.incorrect("Not quite: it looks transposed.")
    if numbers_close(-value, expected, abs_tol, rel_tol):
        return Grade.incorrect("Not quite — check the sign.")
    off = np.count_nonzero(_misses(value, expected, abs_tol, rel_tol))
    are = "is" if off == 1 else "are"
    if np.count_nonzero(_near_misses(value, expected, abs_tol, rel_tol)) == off:
        return Grade.incorrect(
            f"Close, but {off} of the {expected.size} entries {are} not precise enough: "
            f"{_not_precise_enough(abs_tol, rel_tol, entries=True)}."
        )
    return Grade.incorrect(f"Not quite: {off} of the {expected.size} entries {are} off.")


def grade_shape(expected: tuple[str | int, str | int], text: str) -> Grade:
    try:
        rows, columns = parse_shape(text)
    except AnswerError as error:
        return Grade.invalid(str(error))
    expected_rows, expected_columns = (_normalise_dim(dim) for dim in expected)
    if (rows, columns) == (expected_rows, expected_columns):
        return Grade.correct()
    if (columns, rows) == (expected_rows, expected_columns):
        return Grade.incorrect(
            "Not quite: that is the transpose of the expected shape — check your layout convention."
        )
    return Grade.incorrect()
