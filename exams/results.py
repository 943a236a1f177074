"""What the result of an attempt shows: the exam's review policy applied, once, for the page and the API.

An exam chooses, for each of two moments — right after submission, and after the exam has closed for
everyone — which parts of a result its learners see (Moodle's "review options"). `Attempt.review()` builds a
`ResultReview` holding only those parts; the results page renders it and the API serializes it, so neither
can show what the policy hides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models

from exams.question_types import interpret

if TYPE_CHECKING:
    from exams.models import Attempt, AttemptQuestion


class ReviewItem(models.TextChoices):
    SCORE = "score", "Score and pass/fail"
    DOMAINS = "domains", "Score per domain"
    CORRECTNESS = "correctness", "Whether each answer was right"
    FEEDBACK = "feedback", "The learner's answers and the feedback on them"
    KEY = "key", "The key"
    SOLUTION = "solution", "Worked solutions"


EVERYTHING = tuple(ReviewItem.values)
PER_QUESTION = frozenset({ReviewItem.CORRECTNESS, ReviewItem.FEEDBACK, ReviewItem.KEY, ReviewItem.SOLUTION})
# What an integration (the institution, like a teacher in Moodle) always sees: it records grades.
STAFF_ITEMS = frozenset({ReviewItem.SCORE, ReviewItem.DOMAINS})


# What each part of a result is, in the learner's words (the start page says what the review will show).
FOR_LEARNERS = {
    ReviewItem.SCORE: "your score and whether you passed",
    ReviewItem.DOMAINS: "your score in each domain",
    ReviewItem.CORRECTNESS: "which answers were right",
    ReviewItem.FEEDBACK: "your answers with feedback on them",
    ReviewItem.KEY: "the correct answers",
    ReviewItem.SOLUTION: "worked solutions",
}


def describe_for_learners(items: object) -> str:
    """A review policy as a phrase: "your score and whether you passed, … and worked solutions"."""
    phrases = [FOR_LEARNERS[ReviewItem(item)] for item in EVERYTHING if item in items]  # type: ignore[operator]
    if not phrases:
        return "nothing right away"
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


def everything() -> list[str]:
    """The default policy: show every part of a result."""
    return list(EVERYTHING)


def review_items_problems(items: object) -> list[str]:
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        return [f"List what to show, among: {', '.join(EVERYTHING)}."]
    unknown = sorted(set(items) - set(EVERYTHING))
    if unknown:
        return [f"Unknown item {', '.join(unknown)}; choose among {', '.join(EVERYTHING)}."]
    return []


@dataclass(frozen=True)
class ReviewOption:
    """A choice option in the order the attempt showed it, under the attempt's opaque id."""

    id: str
    text: str
    chosen: bool | None = None  # known when the learner's answers are shown
    correct: bool | None = None  # known when the key is shown
    feedback: str = ""  # the author's note on an option the learner chose, shown with the key


@dataclass(frozen=True)
class ReviewRow:
    """One question of a result; a field is None when the policy hides it."""

    position: int
    domain: int
    type: str
    title: str
    stem: str
    options: tuple[ReviewOption, ...] = ()
    verdict: str | None = None
    score: float | None = None
    answer: Any = None
    message: str | None = None
    diagnosis: tuple[str, ...] | None = None
    key: Any = None
    solution: str | None = None
    answered: bool = False
    # Typed answers and keys as LaTeX, read by the engine as the live preview reads them ("" if unreadable).
    answer_latex: str = ""
    key_latex: str = ""

    @property
    def is_choice(self) -> bool:
        return bool(self.options)

    def as_data(self) -> dict[str, Any]:
        """The row for the API: only the parts the policy shows."""
        data: dict[str, Any] = {
            "position": self.position,
            "domain": self.domain,
            "type": self.type,
            "title": self.title,
        }
        if self.verdict is not None:
            data.update(verdict=self.verdict, score=0.0 if self.verdict == "unanswered" else self.score)
        if self.message is not None:
            data.update(answer=self.answer, message=self.message, diagnosis=list(self.diagnosis or ()))
        if self.key is not None:
            data["key"] = self.key
        if self.solution is not None:
            data["solution"] = self.solution
        if self.options:
            data["options"] = [
                {
                    "id": option.id,
                    "text": option.text,
                    **({"chosen": option.chosen} if option.chosen is not None else {}),
                    **({"correct": option.correct} if option.correct is not None else {}),
                }
                for option in self.options
            ]
        return data


@dataclass(frozen=True)
class ResultReview:
    shows: frozenset[str]
    provisional: bool = False
    pending: int = 0  # answers awaiting a person's review
    rows: tuple[ReviewRow, ...] = field(default_factory=tuple)

    @property
    def per_question(self) -> bool:
        return bool(self.shows & PER_QUESTION)


def build_review(attempt: Attempt, shows: frozenset[str]) -> ResultReview:
    provisional = attempt.status == attempt.Status.REVIEW
    if not (shows & PER_QUESTION or provisional):
        return ResultReview(shows=shows)
    items = list(attempt.questions.select_related("version", "response"))
    pending = sum(1 for item in items if _response(item) is not None and _response(item).needs_review)
    rows = tuple(_row(item, shows) for item in items) if shows & PER_QUESTION else ()
    return ResultReview(shows=shows, provisional=provisional, pending=pending, rows=rows)


def _response(item: AttemptQuestion):
    return getattr(item, "response", None)


TYPESET_ANSWERS = frozenset({"expression", "matrix"})


def _as_latex(content: dict[str, Any], text: Any) -> str:
    """A typed answer or key as typeset math, or "" when there is none or the engine cannot read it."""
    if not isinstance(text, str) or not text.strip():
        return ""
    reading = interpret(content, text)
    return reading.latex if reading.ok else ""


def _row(item: AttemptQuestion, shows: frozenset[str]) -> ReviewRow:
    content, response = item.content, _response(item)
    answer = response.answer if response is not None else None
    answered = item.answered
    details: dict[str, Any] = {}
    if ReviewItem.CORRECTNESS in shows:
        details["verdict"] = (response.verdict if response is not None else "") or "unanswered"
        details["score"] = response.score if response is not None else None
    if ReviewItem.FEEDBACK in shows:
        details["answer"] = answer
        details["message"] = response.message if response is not None else ""
        details["diagnosis"] = tuple(response.diagnosis) if response is not None else ()
    awaiting = response is not None and response.needs_review
    if ReviewItem.KEY in shows and not awaiting:  # a key under review is not shown as the answer
        details["key"] = item.key()
    if ReviewItem.SOLUTION in shows:
        details["solution"] = content["solution"]
    if not item.is_choice:
        details["key_latex"] = _as_latex(content, details.get("key"))
    if content["type"] in TYPESET_ANSWERS:  # a number reads the same typed or typeset
        details["answer_latex"] = _as_latex(content, details.get("answer"))
    options = ()
    if item.is_choice:
        chosen = set(answer or []) if isinstance(answer, list) else set()
        show_answer, show_key = ReviewItem.FEEDBACK in shows, ReviewItem.KEY in shows and not awaiting
        options = tuple(
            ReviewOption(
                id=option["id"],
                text=option["text"],
                chosen=option["id"] in chosen if show_answer else None,
                correct=bool(option["correct"]) if show_key else None,
                # An author's note on a chosen option tends to name the right one: it is part of the key.
                feedback=option.get("feedback", "") if show_key and option["id"] in chosen else "",
            )
            for option in item.options
        )
    return ReviewRow(
        position=item.position,
        domain=item.domain_number,
        type=content["type"],
        title=content["title"],
        stem=content["stem"],
        options=options,
        answered=answered,
        **details,
    )
