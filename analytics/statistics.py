"""Item statistics (classical test theory) for authors and admins, computed with numpy and scipy.

Per question version: how often it was presented and answered, its facility (mean score, unanswered = 0),
its discrimination (the corrected point-biserial: the correlation of the item's score with the rest of the
attempt's score, the item itself left out), how often each option of a choice question was picked, the most
common wrong answers to an expression question grouped by the engine's reading and diagnosis, and the median
time from first seeing the question to the last save of its answer. Per exam: the score distribution and the
reliability of its forms (Cronbach's alpha over the form's positions, which is KR-20 when every score is 0 or
1). Either over every graded attempt, or over each learner's first graded attempt of each exam.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Q
from scipy import stats

from exams import answers
from exams.models import Attempt, AttemptQuestion, Exam, Question
from exams.question_types import CHOICE_TYPES
from grading import engine

# Flags need enough responses to mean anything.
MIN_RESPONSES_FOR_FLAGS = 20
TOO_EASY, TOO_HARD = 0.9, 0.2  # facility above / below
LOW_DISCRIMINATION = 0.15
WRONG_ANSWERS_SHOWN = 5
HISTOGRAM_BINS = 10


@dataclass(frozen=True)
class OptionRate:
    option_id: int
    text: str
    correct: bool
    picked: int
    rate: float


@dataclass(frozen=True)
class WrongAnswer:
    reading: str  # the engine's reading (LaTeX), or the text when it cannot read it
    diagnosis: tuple[str, ...]
    count: int
    example: str


@dataclass(frozen=True)
class ItemStatistics:
    question_id: int
    slug: str
    title: str
    domain: int
    difficulty: int
    type: str
    version: int
    presented: int
    answered: int
    facility: float | None
    discrimination: float | None
    median_seconds: float | None
    options: tuple[OptionRate, ...] = ()
    wrong_answers: tuple[WrongAnswer, ...] = ()
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExamStatistics:
    exam: Exam
    attempts: int
    mean_percent: float | None
    sd_percent: float | None
    histogram: tuple[tuple[int, int, int], ...]  # (from percent, to percent, attempts)
    reliability: float | None
    reliability_name: str
    items: list[ItemStatistics] = field(default_factory=list)


@dataclass
class _Rows:
    """The graded responses in scope, one entry per (attempt, question) in parallel arrays."""

    attempt: np.ndarray  # index into attempt_ids
    version_id: np.ndarray
    position: np.ndarray
    score: np.ndarray
    attempt_ids: list[Any]
    items: list[dict[str, Any]]  # the row's details (answer, shown options, times), same order


def counted_attempts(first_only: bool, exam: Exam | None = None) -> list[Any]:
    """Ids of the graded attempts in scope: all, or each learner's first graded attempt of each exam."""
    attempts = Attempt.objects.filter(status=Attempt.Status.GRADED)
    if exam is not None:
        attempts = attempts.filter(exam=exam)
    rows = attempts.order_by("learner_id", "exam_id", "started_at", "pk").values_list(
        "pk", "learner_id", "exam_id"
    )
    if not first_only:
        return [pk for pk, _, _ in rows]
    first: dict[tuple[int, int], Any] = {}
    for pk, learner_id, exam_id in rows:
        first.setdefault((learner_id, exam_id), pk)
    return list(first.values())


def _load(attempt_ids: list[Any]) -> _Rows:
    index = {pk: i for i, pk in enumerate(attempt_ids)}
    rows = list(
        AttemptQuestion.objects.filter(attempt_id__in=attempt_ids)
        .order_by("attempt_id", "position")
        .values(
            "attempt_id", "position", "question_id", "version_id", "shown_options", "first_seen_at",
            "variant_seed", "response__answer", "response__score", "response__verdict", "response__diagnosis",
            "response__saved_at",
        )
    )  # fmt: skip
    return _Rows(
        attempt=np.array([index[row["attempt_id"]] for row in rows], dtype=int),
        version_id=np.array([row["version_id"] for row in rows], dtype=int),
        position=np.array([row["position"] for row in rows], dtype=int),
        score=np.array([row["response__score"] or 0.0 for row in rows], dtype=float),
        attempt_ids=attempt_ids,
        items=rows,
    )


def discrimination(item_scores: np.ndarray, rest_scores: np.ndarray) -> float | None:
    """The corrected point-biserial; None when either side does not vary (the correlation is undefined)."""
    if len(item_scores) < 3 or np.ptp(item_scores) == 0 or np.ptp(rest_scores) == 0:
        return None
    return float(stats.pearsonr(item_scores, rest_scores).statistic)


def _item(version, rows: _Rows, mask: np.ndarray, totals: np.ndarray) -> ItemStatistics:
    question: Question = version.question
    x = rows.score[mask]
    rest = totals[rows.attempt[mask]] - x
    details = [rows.items[i] for i in np.flatnonzero(mask)]
    answered = [row for row in details if answers.is_given(row["response__answer"])]
    seconds = [
        (row["response__saved_at"] - row["first_seen_at"]).total_seconds()
        for row in answered
        if row["first_seen_at"] is not None
    ]
    content = version.content
    options = _option_rates(content, answered) if content["type"] in CHOICE_TYPES else ()
    wrong = _wrong_answers(version, answered) if content["type"] == "expression" else ()
    facility = float(np.mean(x)) if len(x) else None
    item = ItemStatistics(
        question_id=question.pk,
        slug=question.slug,
        title=question.title,
        domain=question.domain.number,
        difficulty=question.difficulty,
        type=question.type,
        version=version.number,
        presented=len(x),
        answered=len(answered),
        facility=facility,
        discrimination=discrimination(x, rest),
        median_seconds=float(np.median(seconds)) if seconds else None,
        options=options,
        wrong_answers=wrong,
    )
    return ItemStatistics(**{**item.__dict__, "flags": flags_of(item)})


def flags_of(item: ItemStatistics) -> tuple[str, ...]:
    if item.presented < MIN_RESPONSES_FOR_FLAGS or item.facility is None:
        return ()
    flags = []
    if item.facility > TOO_EASY:
        flags.append("too easy")
    if item.facility < TOO_HARD:
        flags.append("too hard")
    if item.discrimination is not None and item.discrimination < 0:
        flags.append("negative discrimination")
    elif item.discrimination is not None and item.discrimination < LOW_DISCRIMINATION:
        flags.append("low discrimination")
    if any(not option.correct and option.picked == 0 for option in item.options):
        flags.append("a distractor nobody picks")
    return tuple(flags)


def _option_rates(content: dict, answered: list[dict]) -> tuple[OptionRate, ...]:
    picked: Counter[int] = Counter()
    for row in answered:
        mapping = {shown["id"]: shown["option"] for shown in row["shown_options"]}
        picked.update(mapping[token] for token in row["response__answer"] if token in mapping)
    total = max(1, len(answered))
    return tuple(
        OptionRate(option["id"], option["text"], bool(option["correct"]), count, count / total)
        for option in content.get("options") or []
        for count in [picked[option["id"]]]
    )


def _wrong_answers(version, answered: list[dict]) -> tuple[WrongAnswer, ...]:
    """Wrong answers grouped by how the engine reads them (so `A'x` and `A^T x` are one) and its diagnosis.

    Each answer is read with the symbols of the variant its learner was given.
    """
    readings: dict[tuple[int, str], str] = {}
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for row in answered:
        if row["response__verdict"] == "correct" or not isinstance(row["response__answer"], str):
            continue
        text, seed = row["response__answer"], row["variant_seed"] if version.content.get("parameters") else 0
        if (seed, text) not in readings:
            readings[(seed, text)] = _reading(version, seed, text)
        groups[(readings[(seed, text)], tuple(row["response__diagnosis"] or ()))].append(text)
    ranked = sorted(groups.items(), key=lambda pair: (-len(pair[1]), pair[0]))
    return tuple(
        WrongAnswer(reading, diagnosis, len(texts), Counter(texts).most_common(1)[0][0])
        for (reading, diagnosis), texts in ranked[:WRONG_ANSWERS_SHOWN]
    )


def _reading(version, seed: int, text: str) -> str:
    """The engine's reading of an answer as LaTeX; the text itself when it cannot be read."""
    try:
        preview = engine.preview(version.variant(seed).content.get("symbols") or {}, text)
    except Exception:  # a variant or symbols the engine refuses: the answer is still counted, as typed
        return text
    return preview.latex or text


def item_statistics(attempt_ids: list[Any], questions: Q | None = None) -> list[ItemStatistics]:
    """Statistics per question version over these attempts (only the questions matching `questions`)."""
    from exams.models import QuestionVersion

    rows = _load(attempt_ids)
    if not len(rows.score):
        return []
    totals = np.bincount(rows.attempt, weights=rows.score, minlength=len(attempt_ids))
    versions = QuestionVersion.objects.filter(pk__in=set(rows.version_id.tolist())).select_related(
        "question__domain"
    )
    if questions is not None:
        versions = versions.filter(questions)
    return [_item(version, rows, rows.version_id == version.pk, totals) for version in versions]


def reliability(matrix: np.ndarray) -> float | None:
    """Cronbach's alpha of an attempts × positions score matrix (KR-20 when the scores are 0 or 1)."""
    attempts, k = matrix.shape
    if attempts < 2 or k < 2:
        return None
    total_variance = np.var(matrix.sum(axis=1), ddof=1)
    if total_variance == 0:
        return None
    return float(k / (k - 1) * (1 - np.var(matrix, axis=0, ddof=1).sum() / total_variance))


def exam_statistics(exam: Exam, first_only: bool = False) -> ExamStatistics:
    attempt_ids = counted_attempts(first_only, exam)
    rows = _load(attempt_ids)
    matrix = _position_matrix(rows)
    percents = matrix.sum(axis=1) / max(1, matrix.shape[1]) * 100 if matrix.size else np.array([])
    counts, edges = np.histogram(percents, bins=HISTOGRAM_BINS, range=(0, 100))
    dichotomous = bool(matrix.size) and bool(np.isin(matrix, (0.0, 1.0)).all())
    return ExamStatistics(
        exam=exam,
        attempts=len(attempt_ids),
        mean_percent=float(np.mean(percents)) if len(percents) else None,
        sd_percent=float(np.std(percents, ddof=1)) if len(percents) > 1 else None,
        histogram=tuple((int(edges[i]), int(edges[i + 1]), int(counts[i])) for i in range(HISTOGRAM_BINS)),
        reliability=reliability(matrix) if matrix.size else None,
        reliability_name="KR-20" if dichotomous else "Cronbach's alpha",
        items=item_statistics(attempt_ids) if attempt_ids else [],
    )


def _position_matrix(rows: _Rows) -> np.ndarray:
    """Scores by attempt and form position, over the attempts with the most common form length."""
    if not len(rows.score):
        return np.zeros((0, 0))
    lengths = np.bincount(rows.attempt)
    k = int(np.bincount(lengths[lengths > 0]).argmax())
    matrix = np.zeros((len(lengths), k))
    keep = lengths[rows.attempt] == k
    matrix[rows.attempt[keep], rows.position[keep] - 1] = rows.score[keep]
    return matrix[lengths == k]


def question_statistics(question: Question, first_only: bool = False) -> list[ItemStatistics]:
    """Every version of one question, over the attempts (of any exam) that were given it."""
    in_scope = set(counted_attempts(first_only))
    given = AttemptQuestion.objects.filter(question=question).values_list("attempt_id", flat=True)
    attempt_ids = [pk for pk in given if pk in in_scope]
    items = item_statistics(attempt_ids, Q(question=question))
    return sorted(items, key=lambda item: -item.version)


SORT_KEYS = (
    "slug",
    "domain",
    "difficulty",
    "type",
    "presented",
    "facility",
    "discrimination",
    "median_seconds",
)


def sorted_items(items: list[ItemStatistics], key: str) -> list[ItemStatistics]:
    """Items sorted by a column ("-facility" descending); missing values last either way."""
    name = key.lstrip("-")
    if name not in SORT_KEYS:
        name, key = "slug", "slug"
    present = [item for item in items if getattr(item, name) is not None]
    missing = [item for item in items if getattr(item, name) is None]
    return sorted(present, key=lambda item: getattr(item, name), reverse=key.startswith("-")) + missing


CSV_COLUMNS = [
    "slug", "version", "title", "domain", "difficulty", "type", "presented", "answered", "facility",
    "discrimination", "median_seconds", "flags", "options", "wrong_answers",
]  # fmt: skip


def to_csv(items: list[ItemStatistics]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        options = [f"{o.text} ({'key' if o.correct else 'distractor'}): {o.rate:.3f}" for o in item.options]
        wrong = [f"{w.example} [{', '.join(w.diagnosis)}]: {w.count}" for w in item.wrong_answers]
        writer.writerow(
            [item.slug, item.version, item.title, item.domain, item.difficulty, item.type, item.presented,
             item.answered, _number(item.facility), _number(item.discrimination),
             _number(item.median_seconds), "; ".join(item.flags), "; ".join(options), "; ".join(wrong)]
        )  # fmt: skip
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}"
