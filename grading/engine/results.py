"""What the engine returns: frozen dataclasses, never bare dicts (``to_dict`` gives the JSON form)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Verdict = Literal["correct", "incorrect", "invalid"]
Method = Literal["symbolic", "numeric"]
DerivativeKind = Literal["gradient", "jacobian"]


@dataclass(frozen=True, slots=True)
class Result:
    verdict: Verdict
    method: Method | None
    diagnosis: tuple[str, ...]
    message: str
    answer_shape: str | None
    expected_shape: str | None
    counterexample: str | None = None  # author-facing: the first sample where the answer disagreed

    def to_dict(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "method": self.method,
            "diagnosis": list(self.diagnosis),
            "message": self.message,
            "answer_shape": self.answer_shape,
            "expected_shape": self.expected_shape,
        }


@dataclass(frozen=True, slots=True)
class Preview:
    ok: bool
    latex: str | None
    shape: str | None
    error: str | None
    notes: tuple[str, ...] = ()  # how the answer was read, when that is not the plain mathematical reading


@dataclass(frozen=True, slots=True)
class DerivativeResult:
    ok: bool
    kind: DerivativeKind | None
    message: str
    max_error: float | None
