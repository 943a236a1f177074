"""Simulated learners for demos and tests: abilities drawn from a normal distribution, answers by a
two-parameter item-response model, taken through the same methods as real attempts (start, save, submit,
grading).

A learner of ability θ answers a question of difficulty b right with probability 1 / (1 + exp(-a (θ - b))).
A wrong answer is a realistic mistake: a choice distractor (some more tempting than others), a transposed or
scaled key, a transposed shape, a number off by a slip.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from exams import answers
from exams.models import Attempt, AttemptQuestion, Exam
from exams.question_types import CHOICE_TYPES

DIFFICULTY_LOCATION = {1: -1.0, 2: 0.0, 3: 1.0}  # b by the question's difficulty label
ITEM_DISCRIMINATION = 1.7  # a
MEAN_SECONDS = {1: 40.0, 2: 70.0, 3: 110.0}
EXPRESSION_MISTAKES = ("({key})^T", "2 ({key})", "-({key})")


@dataclass(frozen=True)
class Simulation:
    abilities: np.ndarray
    attempts: list[Attempt]


def simulate_learners(
    exam: Exam,
    count: int,
    seed: int | None = None,
    locations: dict[str, float] | None = None,
    now: datetime | None = None,
) -> Simulation:
    """Create `count` learners who each take `exam` once; `locations` overrides b for questions by slug."""
    rng = np.random.default_rng(seed)
    tag = secrets.token_hex(3)
    abilities = rng.normal(0.0, 1.0, count)
    learner_model = get_user_model()
    attempts = []
    for index, ability in enumerate(abilities):
        learner = learner_model.objects.create_user(
            f"sim-{tag}-{index:04d}@simulated.invalid", None, display_name=f"Simulated learner {tag}-{index}"
        )
        start = _start_time(exam, now or timezone.now())
        # One transaction per learner, as one request would be; grading is enqueued when it commits.
        with transaction.atomic():
            attempt = _take(exam, learner, float(ability), start, rng, locations or {})
        attempt.refresh_from_db()  # graded by now, unless a worker grades it
        attempts.append(attempt)
    return Simulation(abilities, attempts)


def _start_time(exam: Exam, now: datetime) -> datetime:
    """Attempts are dated in the recent past, but end (at the deadline) after `now`: a deadline task run
    at once (Celery's eager mode ignores its ETA) then finds the attempt still running, as it would be."""
    if exam.time_limit_minutes:
        return now - timedelta(minutes=exam.time_limit_minutes) + timedelta(minutes=2)
    return now - timedelta(hours=1)


def _take(exam, learner, ability, start, rng, locations) -> Attempt:
    attempt = exam.start_attempt(learner, now=start)
    moment = start
    for item in attempt.questions.select_related("question", "version"):
        difficulty = item.question.difficulty
        location = locations.get(item.question.slug, DIFFICULTY_LOCATION.get(difficulty, 0.0))
        moment += timedelta(seconds=float(rng.uniform(1, 5)))
        if attempt.deadline is not None and moment >= attempt.deadline:
            break
        item.mark_seen(moment)
        moment += timedelta(seconds=float(rng.lognormal(math.log(MEAN_SECONDS.get(difficulty, 60.0)), 0.4)))
        if attempt.deadline is not None and moment >= attempt.deadline:
            break
        right = rng.random() < 1 / (1 + math.exp(-ITEM_DISCRIMINATION * (ability - location)))
        answer = item.key() if right else mistake(item, rng)
        attempt.save_answer(item.position, answer, saved_at=moment, now=moment)
    attempt.submit(now=moment)
    return attempt


def mistake(item: AttemptQuestion, rng: np.random.Generator) -> str | list[str]:
    """A realistic wrong answer to one question of an attempt."""
    content = item.content
    kind = content["type"]
    if kind in CHOICE_TYPES:
        return _wrong_choice(item, rng)
    key = content["answer"]
    if kind == "expression":
        return EXPRESSION_MISTAKES[int(rng.choice(len(EXPRESSION_MISTAKES), p=[0.5, 0.3, 0.2]))].format(
            key=key
        )
    if kind == "numeric":
        return f"{answers.parse_number(key) * 2 + 1:.6g}"
    if kind == "matrix":
        matrix = answers.parse_matrix(key)
        wrong = (
            matrix.T
            if matrix.shape[0] != matrix.shape[1] or not np.allclose(matrix, matrix.T)
            else matrix * 2 + 1
        )
        return str(wrong.tolist())
    rows, columns = answers.parse_shape(key)
    return f"{columns}×{rows}" if rows != columns else f"{rows}×{rows}{rows}"


def _wrong_choice(item: AttemptQuestion, rng: np.random.Generator) -> list[str]:
    """A tempting distractor: each question's distractors get fixed attractions (some are rarely picked)."""
    version_ids = {shown["id"]: shown["option"] for shown in item.shown_options}
    options = sorted(item.options, key=lambda option: version_ids[option["id"]])  # the author's order
    keys = sorted(option["id"] for option in options if option["correct"])
    distractors = [option for option in options if not option["correct"]]
    if not distractors:
        return keys[:-1]
    question_rng = np.random.default_rng(item.question_id)  # the same attractions for every learner
    attraction = question_rng.dirichlet(np.full(len(distractors), 0.7))
    chosen = distractors[int(rng.choice(len(distractors), p=attraction))]["id"]
    if item.content["type"] == "single_choice" or len(keys) < 2:
        return [chosen]
    return sorted(keys[1:] + [chosen])
