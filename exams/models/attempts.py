"""Exams, attempts and responses: the state changes of taking an exam, each in one method.

The page views, the REST API and the Celery tasks all call these methods, so the rules (deadline, grace,
idempotent saves, one open attempt per exam) live here once. Every method that depends on the clock takes
`now`, so tests control time.
"""

import uuid
from datetime import timedelta
from functools import cached_property

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from config.queueing import send_after_commit
from exams.models.questions import Domain, Question, QuestionVersion
from exams.question_types import CHOICE_TYPES, Outcome, grade, learner_view

MAX_ANSWER_LENGTH = 2000
# How many of the learner's latest attempts at an exam count as "recent" when drawing fresh questions.
RECENT_ATTEMPTS = 2


class AttemptError(Exception):
    """A learner's request that the rules refuse; the message is shown to the learner as it is."""


class Exam(models.Model):
    class Mode(models.TextChoices):
        EXAM = "exam", "Exam (timed, feedback after submitting)"
        PRACTICE = "practice", "Practice (untimed, feedback per question)"

    class Review(models.TextChoices):
        SCORE_ONLY = "score_only", "Score only"
        FULL = "full", "Answers, keys, feedback and solutions"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField()
    mode = models.CharField(max_length=10, choices=Mode, default=Mode.EXAM)
    blueprint = models.JSONField(
        help_text='How many questions to draw: [{"domain": 1, "count": 5}, {"count": 10, "difficulty": 2}] '
        "(domain and difficulty are optional)."
    )
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True, help_text="Empty for untimed.")
    pass_mark = models.PositiveSmallIntegerField(default=70, help_text="Percent needed to pass.")
    certifies = models.BooleanField(default=False, help_text="Passing earns a certificate.")
    review = models.CharField(max_length=12, choices=Review, default=Review.FULL)
    is_published = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    @property
    def question_count(self):
        return sum(part["count"] for part in self.blueprint)

    @property
    def is_practice(self):
        return self.mode == self.Mode.PRACTICE

    def clean(self):
        problems = blueprint_problems(self.blueprint)
        if problems:
            raise ValidationError({"blueprint": problems})
        if self.mode == self.Mode.EXAM and not self.time_limit_minutes:
            raise ValidationError({"time_limit_minutes": "A timed exam needs a time limit."})
        if not 0 < self.pass_mark <= 100:
            raise ValidationError({"pass_mark": "The pass mark is a percentage from 1 to 100."})

    def open_attempt(self, learner):
        return self.attempts.filter(learner=learner, status=Attempt.Status.OPEN).first()

    def start_attempt(self, learner, now=None):
        """Resume the learner's open attempt, or start a new one with freshly drawn questions."""
        now = now or timezone.now()
        existing = self.open_attempt(learner)
        if existing is not None:
            existing.finalize_if_expired(now, by=Attempt.FinalizedBy.ACCESS)
            if existing.status == Attempt.Status.OPEN:
                return existing
        seed = int(np.random.default_rng().integers(2**62))
        with transaction.atomic():
            attempt = Attempt.objects.create(
                exam=self,
                learner=learner,
                seed=seed,
                started_at=now,
                deadline=self._deadline(learner, now),
            )
            attempt.draw_questions(recent_question_ids(self, learner))
        attempt.schedule_finalization()
        return attempt

    def _deadline(self, learner, now):
        if not self.time_limit_minutes:
            return None
        minutes = self.time_limit_minutes * float(learner.time_multiplier)
        return now + timedelta(minutes=minutes)


def blueprint_problems(blueprint):
    if not isinstance(blueprint, list) or not blueprint:
        return ["The blueprint is a non-empty list of parts."]
    problems = []
    for index, part in enumerate(blueprint, start=1):
        if not isinstance(part, dict) or not set(part) <= {"domain", "count", "difficulty"}:
            problems.append(f"Part {index}: use the keys domain, count and difficulty.")
            continue
        if not isinstance(part.get("count"), int) or part["count"] < 1:
            problems.append(f"Part {index}: count must be a positive whole number.")
        if part.get("domain") is not None and part["domain"] not in range(1, 9):
            problems.append(f"Part {index}: domain must be 1 to 8.")
        if part.get("difficulty") is not None and part["difficulty"] not in (1, 2, 3):
            problems.append(f"Part {index}: difficulty must be 1, 2 or 3.")
    return problems


def recent_question_ids(exam, learner):
    recent = exam.attempts.filter(learner=learner).order_by("-started_at")[:RECENT_ATTEMPTS]
    return set(AttemptQuestion.objects.filter(attempt__in=recent).values_list("question_id", flat=True))


class Attempt(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        SUBMITTED = "submitted", "Being graded"
        GRADED = "graded", "Graded"

    class FinalizedBy(models.TextChoices):
        LEARNER = "learner", "Submitted by the learner"
        DEADLINE = "deadline", "Time ran out"
        ACCESS = "access", "Time ran out (finalized on the next visit)"
        SWEEP = "sweep", "Time ran out (finalized by the sweep)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exam = models.ForeignKey(Exam, on_delete=models.PROTECT, related_name="attempts")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    seed = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finalized_by = models.CharField(max_length=10, choices=FinalizedBy, blank=True)
    grading_enqueued_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text="Fraction of the marks, 0 to 1.")
    passed = models.BooleanField(null=True)
    domain_scores = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "learner"], condition=Q(status="open"), name="one_open_attempt_per_exam"
            )
        ]

    def __str__(self):
        return f"{self.exam} — {self.learner} — {self.started_at:%Y-%m-%d %H:%M}"

    # --- Time --------------------------------------------------------------------------------------------

    @staticmethod
    def grace():
        return timedelta(seconds=settings.EXAM_GRACE_SECONDS)

    def remaining_seconds(self, now):
        if self.deadline is None:
            return None
        return max(0.0, (self.deadline - now).total_seconds())

    def is_expired(self, now):
        return self.deadline is not None and now > self.deadline + self.grace()

    def schedule_finalization(self):
        """Have a worker finalize this attempt right after its deadline, even if the learner never returns."""
        if self.deadline is None:
            return
        from grading.tasks import finalize_attempt

        eta = self.deadline + self.grace() + timedelta(seconds=1)
        send_after_commit(finalize_attempt, [str(self.pk)], f"the finalization of attempt {self.pk}", eta=eta)

    # --- Drawing -----------------------------------------------------------------------------------------

    def draw_questions(self, recent_ids=frozenset()):
        """Draw by the exam's blueprint: published questions, fresh ones first, in a shuffled order."""
        rng = np.random.default_rng(self.seed)
        chosen = []
        for part in self.exam.blueprint:
            pool = (
                Question.objects.published().exclude(pk__in=[q.pk for q in chosen]).select_related("domain")
            )
            if part.get("domain"):
                pool = pool.filter(domain__number=part["domain"])
            if part.get("difficulty"):
                pool = pool.filter(difficulty=part["difficulty"])
            pool = sorted(pool, key=lambda question: question.slug)  # a stable order for the seeded draw
            fresh = [question for question in pool if question.pk not in recent_ids]
            seen = [question for question in pool if question.pk in recent_ids]
            if len(pool) < part["count"]:
                where = f"domain {part['domain']}" if part.get("domain") else "the whole bank"
                raise AttemptError(
                    f"This exam cannot be started yet: it needs {part['count']} questions from {where}, "
                    f"and only {len(pool)} are published."
                )
            picked = _sample(rng, fresh, min(part["count"], len(fresh)))
            picked += _sample(rng, seen, part["count"] - len(picked))
            chosen.extend(picked)
        order = rng.permutation(len(chosen))
        rows = []
        for position, index in enumerate(order, start=1):
            question = chosen[index]
            version = question.current_version
            option_ids = [option["id"] for option in version.content["options"]]
            rows.append(
                AttemptQuestion(
                    attempt=self,
                    position=position,
                    question=question,
                    version=version,
                    domain_number=question.domain.number,
                    variant_seed=int(rng.integers(2**31)),
                    option_order=[option_ids[i] for i in rng.permutation(len(option_ids))],
                )
            )
        AttemptQuestion.objects.bulk_create(rows)

    # --- Answering ---------------------------------------------------------------------------------------

    def _locked(self):
        """This attempt re-read under a row lock, so saves, submits and finalization never interleave."""
        return Attempt.objects.select_for_update().get(pk=self.pk)

    def _assert_open(self, now):
        timed_out = self.finalized_by not in ("", self.FinalizedBy.LEARNER)
        if self.is_expired(now) or (self.status != self.Status.OPEN and timed_out):
            raise AttemptError("The time limit has passed, so this answer was not saved.")
        if self.status != self.Status.OPEN:
            raise AttemptError("This attempt has been submitted, so its answers can no longer change.")

    @transaction.atomic
    def save_answer(self, position, answer, saved_at=None, now=None):
        """Store the learner's answer to one question; idempotent, and the latest stamp wins.

        `saved_at` is when the learner made the change (server time, as the page computes it); a save made
        before the deadline that arrives late, within the grace period, is still accepted.
        """
        now = now or timezone.now()
        attempt = self._locked()
        attempt._assert_open(now)
        stamp = min(saved_at or now, now)
        if attempt.deadline is not None and stamp > attempt.deadline:
            raise AttemptError("The time limit has passed, so this answer was not saved.")
        item = attempt.question_at(position)
        answer = item.clean_answer(answer)
        response, created = Response.objects.get_or_create(
            attempt_question=item, defaults={"answer": answer, "saved_at": stamp, "received_at": now}
        )
        if not created and stamp >= response.saved_at:
            if answer != response.answer:
                response.forget_check()
            response.answer, response.saved_at, response.received_at = answer, stamp, now
            response.save()
        return response

    @transaction.atomic
    def set_flag(self, position, flagged, now=None):
        attempt = self._locked()
        attempt._assert_open(now or timezone.now())
        AttemptQuestion.objects.filter(attempt=attempt, position=position).update(flagged=flagged)

    def question_at(self, position):
        try:
            return self.questions.select_related("version", "response").get(position=position)
        except AttemptQuestion.DoesNotExist:
            raise AttemptError(f"This attempt has no question {position}.") from None

    # --- Finishing ---------------------------------------------------------------------------------------

    def submit(self, now=None, by=FinalizedBy.LEARNER):
        """Close the attempt and enqueue its grading once the transaction commits; idempotent."""
        now = now or timezone.now()
        with transaction.atomic():
            attempt = self._locked()
            if attempt.status != self.Status.OPEN:
                return attempt
            attempt.status = self.Status.SUBMITTED
            attempt.submitted_at = now
            attempt.finalized_by = by
            attempt.grading_enqueued_at = now
            attempt.save(update_fields=["status", "submitted_at", "finalized_by", "grading_enqueued_at"])
            attempt.enqueue_grading()
        self.refresh_from_db()
        return attempt

    def enqueue_grading(self):
        """Send the attempt to a grading worker once the transaction commits.

        If the broker cannot be reached the attempt stays stored as submitted, the failure is logged, and
        the periodic sweep re-enqueues it GRADING_RETRY_AFTER_SECONDS after `grading_enqueued_at`: the
        learner's submission never fails because the queue is down.
        """
        from grading.tasks import grade_attempt

        send_after_commit(grade_attempt, [str(self.pk)], f"the grading of attempt {self.pk}")

    def finalize_if_expired(self, now=None, by=FinalizedBy.DEADLINE):
        """Submit an open attempt whose time is up, with the answers saved so far."""
        now = now or timezone.now()
        if self.status == self.Status.OPEN and self.is_expired(now):
            self.submit(now=now, by=by)
            return True
        return False

    @transaction.atomic
    def grade(self, now=None):
        """Grade every response, then the attempt; grading twice changes nothing."""
        now = now or timezone.now()
        attempt = self._locked()
        if attempt.status != self.Status.SUBMITTED:
            return attempt
        items = list(attempt.questions.select_related("version", "response"))
        for item in items:
            response = getattr(item, "response", None)
            if response is not None and response.graded_at is None:
                response.record(item.grade(response.answer), now)
        attempt.score, attempt.domain_scores = _totals(items)
        attempt.passed = attempt.score * 100 >= attempt.exam.pass_mark - 1e-9
        attempt.status = self.Status.GRADED
        attempt.graded_at = now
        attempt.save(update_fields=["score", "domain_scores", "passed", "status", "graded_at"])
        return attempt

    @property
    def percent(self):
        return None if self.score is None else round(self.score * 100, 1)


def _sample(rng, questions, count):
    if count <= 0:
        return []
    return [questions[i] for i in rng.choice(len(questions), size=count, replace=False)]


def _totals(items):
    """The attempt's score (fraction) and per-domain {number: {"name", "earned", "possible"}}."""
    names = dict(Domain.objects.values_list("number", "name"))
    domains = {}
    for item in items:
        response = getattr(item, "response", None)
        earned = response.score if response is not None and response.score is not None else 0.0
        entry = domains.setdefault(
            str(item.domain_number), {"name": names.get(item.domain_number, ""), "earned": 0.0, "possible": 0}
        )
        entry["earned"] += earned
        entry["possible"] += 1
    total = sum(entry["earned"] for entry in domains.values()) / max(1, len(items))
    return total, dict(sorted(domains.items(), key=lambda pair: int(pair[0])))


class AttemptQuestion(models.Model):
    """One question of an attempt, pinned to the exact version and variant the learner was shown."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    domain_number = models.PositiveSmallIntegerField()
    variant_seed = models.BigIntegerField()
    option_order = models.JSONField(default=list, blank=True)
    flagged = models.BooleanField(default=False)
    # Practice mode: how many hints the learner has opened, and whether the solution is shown.
    hints_shown = models.PositiveSmallIntegerField(default=0)
    solution_shown = models.BooleanField(default=False)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="unique_attempt_position")
        ]

    def __str__(self):
        return f"{self.attempt_id} #{self.position}"

    @cached_property
    def content(self):
        """The version's content for this variant (keys included: never send it to a learner as it is)."""
        return self.version.variant(self.variant_seed).content

    @cached_property
    def view(self):
        """What the learner may see: no key, options in this attempt's shuffled order."""
        view = learner_view(self.content)
        if "options" in view:
            by_id = {option["id"]: option for option in view["options"]}
            view["options"] = [by_id[option_id] for option_id in self.option_order if option_id in by_id]
        return view

    @property
    def is_choice(self):
        return self.content["type"] in CHOICE_TYPES

    def clean_answer(self, answer):
        if self.is_choice:
            allowed = set(self.option_order)
            if not isinstance(answer, list) or not all(
                isinstance(item, str) and item in allowed for item in answer
            ):
                raise AttemptError("That is not one of this question's options.")
            return sorted(set(answer))
        if not isinstance(answer, str):
            raise AttemptError("Type your answer as text.")
        if len(answer) > MAX_ANSWER_LENGTH:
            raise AttemptError(f"Answers are limited to {MAX_ANSWER_LENGTH} characters.")
        return answer

    def grade(self, answer):
        """The outcome of an answer; an unexpected failure marks it for review rather than scoring it."""
        try:
            return grade(self.content, answer)
        except Exception as error:  # a bug or broken key must not cost the learner marks silently
            return Outcome(
                0.0,
                "review",
                f"This answer could not be checked automatically ({error}); it will be reviewed.",
            )

    @property
    def answered(self):
        response = getattr(self, "response", None)
        return response is not None and response.answer not in (None, "", [])

    # --- Practice mode -----------------------------------------------------------------------------------

    def check_now(self, answer, now=None):
        """Save and grade an answer right away (practice mode); the solution is shown from then on."""
        now = now or timezone.now()
        response = self.attempt.save_answer(self.position, answer, now=now)
        outcome = self.grade(response.answer)
        response.record(outcome, now, final=False)
        AttemptQuestion.objects.filter(pk=self.pk).update(solution_shown=True)
        return outcome

    def reveal_hint(self):
        if self.hints_shown < len(self.content["hints"]):
            self.hints_shown += 1
            self.save(update_fields=["hints_shown"])

    def reveal_solution(self):
        self.solution_shown = True
        self.save(update_fields=["solution_shown"])


class Response(models.Model):
    attempt_question = models.OneToOneField(
        AttemptQuestion, on_delete=models.CASCADE, related_name="response"
    )
    answer = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(help_text="When the learner made this answer (server time).")
    received_at = models.DateTimeField()
    score = models.FloatField(null=True, blank=True)
    verdict = models.CharField(max_length=12, blank=True)
    diagnosis = models.JSONField(default=list, blank=True)
    method = models.CharField(max_length=10, blank=True)
    message = models.TextField(blank=True)
    needs_review = models.BooleanField(default=False)
    graded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.attempt_question}: {self.answer!r}"

    def forget_check(self):
        """A changed answer drops the feedback of a practice check, which was about the old one."""
        self.score, self.verdict, self.diagnosis, self.method, self.message = None, "", [], "", ""
        self.needs_review = False

    def record(self, outcome, now, final=True):
        """Store an outcome; a practice check (final=False) is shown but graded again on submission."""
        self.score = outcome.score
        self.verdict = outcome.verdict
        self.diagnosis = list(outcome.diagnosis)
        self.method = outcome.method or ""
        self.message = outcome.message
        self.needs_review = outcome.verdict == "review"
        self.graded_at = now if final else None
        self.save()
