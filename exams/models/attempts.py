"""Exams, attempts and responses: the state changes of taking an exam, each in one method.

The page views, the REST API and the Celery tasks all call these methods, so the rules (deadline, grace,
idempotent saves, one open attempt per exam) live here once. Every method that depends on the clock takes
`now`, so tests control time.
"""

import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cached_property

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Max, Q
from django.utils import timezone

from config.hygiene import UNSTORABLE_CHARACTERS
from config.queueing import send_after_commit
from config.rows import fetch, save_fields
from exams import answers, assembly
from exams.models.audit import AttemptEvent, StaffActionError
from exams.models.questions import Domain, Question, QuestionVersion
from exams.question_types import CHOICE_TYPES, Outcome, grade, learner_view
from exams.results import (
    STAFF_ITEMS,
    ResultReview,
    ReviewItem,
    build_review,
    everything,
    review_items_problems,
)
from grading import engine

logger = logging.getLogger(__name__)

MAX_ANSWER_LENGTH = 2000
# Practice: after this many wrong checks of one version the worked solution opens by itself.
SOLUTION_AFTER_WRONG_CHECKS = 3
# Practice: how many times "new version" draws a variant before settling for one whose content is the same.
NEW_VERSION_DRAWS = 20
# Opaque option ids: 6 random bytes, 8 URL-safe characters; unique within a question of an attempt.
OPTION_ID_BYTES = 6
REVIEW_MESSAGE = "This answer could not be checked automatically; a person will review it before it counts."


class AttemptError(Exception):
    """A learner's request that the rules refuse; the message is shown to the learner as it is.

    Each subclass is one case with a stable `code`; the API (config.api_errors) and the pages
    (exams.attempt_views) each map the cases to an answer in one place.
    """

    code = "refused"

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.details = details or {}


class NoSuchQuestion(AttemptError):
    code = "no_such_question"


class InvalidAnswer(AttemptError):
    """The answer (or its `saved_at`) is not one this question or attempt takes; `details` names the field."""

    code = "invalid_answer"


class AttemptClosed(AttemptError):
    """Submitted (by the learner) before: its answers can no longer change."""

    code = "attempt_closed"


class TimeUp(AttemptError):
    """The time limit (plus grace) has passed: the attempt was finalized with what was saved."""

    code = "time_up"


class ExamClosed(AttemptError):
    code = "exam_closed"


class ExamNotOpen(AttemptError):
    code = "exam_not_open"


class NoAttemptsLeft(AttemptError):
    code = "no_attempts_left"


class ExamUnavailable(AttemptError):
    """The published bank cannot fill the exam's blueprint today."""

    code = "exam_unavailable"


class NotPractice(AttemptError):
    code = "not_practice"


@dataclass(frozen=True)
class QuestionState:
    """One question as the attempt's navigation shows it."""

    position: int
    flagged: bool
    answered: bool


@dataclass(frozen=True)
class SavedAnswer:
    """What a save did: `saved` is False when a newer answer (a later `saved_at`) was already stored, which
    `response` then holds. `attempt` is the attempt as read under its lock (its deadline and status)."""

    response: "Response"
    saved: bool
    attempt: "Attempt"


class ReviewError(Exception):
    """A reviewer's request that the rules refuse; `code` is stable, the message is shown as it is."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class Exam(models.Model):
    class Mode(models.TextChoices):
        EXAM = "exam", "Exam (timed, feedback after submitting)"
        PRACTICE = "practice", "Practice (untimed, feedback per question)"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField()
    mode = models.CharField(max_length=10, choices=Mode, default=Mode.EXAM)
    blueprint = models.JSONField(
        help_text='How many questions to draw: [{"domain": 1, "difficulty": 2, "count": 3}, {"count": 10}] '
        "(domain, difficulty 1–3 and type are optional filters of each part)."
    )
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True, help_text="Empty for untimed.")
    pass_mark = models.PositiveSmallIntegerField(default=70, help_text="Percent needed to pass.")
    certifies = models.BooleanField(default=False, help_text="Passing earns a certificate.")
    closes_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Optional: no attempt starts after this, open ones end then, and the review options "
        "'after the exam closes' apply once the grace period is over.",
    )
    review_after_submission = models.JSONField(
        default=everything,
        blank=True,
        help_text=f"What a result shows once graded: any of {', '.join(ReviewItem.values)}.",
    )
    review_after_close = models.JSONField(
        default=everything,
        blank=True,
        help_text="What it shows in addition once the exam has closed for everyone (never without a close "
        "time).",
    )
    opens_at = models.DateTimeField(
        null=True, blank=True, help_text="Optional: no attempt starts before this."
    )
    max_attempts = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Optional: how many attempts each learner may start (voided ones do not count). Empty for "
        "unlimited.",
    )
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
        errors = {}
        problems = assembly.blueprint_problems(self.blueprint, Question.Type.values)
        if not problems:
            problems = self._blueprint_shortfalls()
        if problems:
            errors["blueprint"] = problems
        if self.mode == self.Mode.EXAM and not self.time_limit_minutes:
            errors["time_limit_minutes"] = "A timed exam needs a time limit."
        if not 0 < self.pass_mark <= 100:
            errors["pass_mark"] = "The pass mark is a percentage from 1 to 100."
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            errors["closes_at"] = "The exam must close after it opens."
        if self.max_attempts == 0:
            errors["max_attempts"] = "Allow at least one attempt, or leave it empty for unlimited."
        for name in ("review_after_submission", "review_after_close"):
            if problems := review_items_problems(getattr(self, name)):
                errors[name] = problems
        if errors:
            raise ValidationError(errors)

    def _blueprint_shortfalls(self):
        """The first part the published bank cannot fill today, as a message (drawing would refuse)."""
        try:
            assembly.assembler_for(self.blueprint, candidates()).draw(np.random.default_rng(0))
        except assembly.Shortfall as shortfall:
            return [f"Part {shortfall.index}: {shortfall}."]
        return []

    # --- Review policy -----------------------------------------------------------------------------------

    def closed_for_everyone(self, now):
        """Past the close time and its grace period: no attempt can change any more."""
        return self.closes_at is not None and now > self.closes_at + Attempt.grace()

    def review_shows(self, now, for_staff=False) -> frozenset[str]:
        """What a graded attempt's result shows at `now`; an integration (staff) always sees the scores."""
        shows = set(self.review_after_submission)
        if self.closed_for_everyone(now):
            shows |= set(self.review_after_close)
        if for_staff:
            shows |= STAFF_ITEMS
        return frozenset(shows)

    # --- Attempts ----------------------------------------------------------------------------------------

    def open_attempt(self, learner):
        return self.attempts.filter(learner=learner, status=Attempt.Status.OPEN).first()

    def start_attempt(self, learner, now=None):
        """Resume the learner's open attempt, or start a new one with freshly drawn questions; idempotent.

        Concurrent starts (an LMS retrying on a timeout, a double click) are serialized on the learner's row,
        so they all get the same attempt instead of racing into the one-open-attempt constraint. The returned
        attempt's `just_started` says whether this call created it.
        """
        now = now or timezone.now()
        with transaction.atomic():
            get_user_model().objects.select_for_update().filter(pk=learner.pk).first()
            existing = self.open_attempt(learner)
            # Refusing the new attempt below also undoes this finalization, which loses nothing: an expired
            # attempt is finalized as of its deadline whoever does it later (the sweep, the next visit).
            if existing is not None and not existing.finalize_if_expired(now, by=Attempt.FinalizedBy.ACCESS):
                existing.just_started = False
                return existing
            if self.closes_at is not None and now >= self.closes_at:
                raise ExamClosed("This exam has closed: new attempts can no longer be started.")
            if self.opens_at is not None and now < self.opens_at:
                raise ExamNotOpen(f"This exam opens on {self.opens_at:%Y-%m-%d at %H:%M} UTC.")
            if self.max_attempts is not None and self.attempts_counted(learner) >= self.max_attempts:
                raise NoAttemptsLeft(f"You have used all {self.max_attempts} attempt(s) this exam allows.")
            attempt = Attempt.objects.create(
                exam=self,
                learner=learner,
                seed=int(np.random.default_rng().integers(2**62)),
                started_at=now,
                deadline=self._deadline(learner, now),
            )
            attempt.draw_questions(questions_seen(self, learner))
        attempt.just_started = True
        return attempt

    def attempts_counted(self, learner) -> int:
        """The attempts that count against max_attempts: every one the learner started, except voided ones."""
        return self.attempts.filter(learner=learner).exclude(status=Attempt.Status.VOIDED).count()

    def _deadline(self, learner, now):
        """The time limit (times the learner's multiplier), and never later than the close time."""
        ends = [self.closes_at] if self.closes_at is not None else []
        if self.time_limit_minutes:
            ends.append(now + timedelta(minutes=self.time_limit_minutes * float(learner.time_multiplier)))
        return min(ends, default=None)


def questions_seen(exam, learner) -> dict[int, datetime]:
    """Every question the learner has been given in this exam, with when they last started it."""
    rows = (
        AttemptQuestion.objects.filter(attempt__exam=exam, attempt__learner=learner)
        .values("question_id")
        .annotate(last=Max("attempt__started_at"))
    )
    return {row["question_id"]: row["last"] for row in rows}


def candidates() -> list[assembly.Candidate]:
    """The published bank as the draw sees it, in one query. Whether a question has parameters is asked of
    the database: decoding every question's parameters cost four fifths of reading the bank."""
    fixed = ExpressionWrapper(Q(parameters={}) | Q(parameters=[]), BooleanField())  # the column is not null
    rows = (
        Question.objects.published()
        .filter(current_version__isnull=False)
        .annotate(fixed=fixed)
        .values_list("pk", "slug", "domain__number", "difficulty", "type", "fixed", "current_version_id")
    )
    return [
        assembly.Candidate(pk, slug, domain, difficulty, kind, not fixed, version_id)
        for pk, slug, domain, difficulty, kind, fixed, version_id in rows
    ]


def shuffled_options(content, rng) -> list[dict]:
    """A choice question's options in a shuffled order, each under a fresh random id.

    The ids are random rather than derived (say an HMAC of attempt and option): they reveal nothing, need no
    key that could ever rotate, and the mapping back to the version's options is stored with the attempt.
    """
    option_ids = [option["id"] for option in content.get("options") or []]
    tokens: list[str] = []
    while len(tokens) < len(option_ids):
        token = secrets.token_urlsafe(OPTION_ID_BYTES)
        if token not in tokens:
            tokens.append(token)
    order = rng.permutation(len(option_ids))
    return [{"id": token, "option": option_ids[i]} for token, i in zip(tokens, order, strict=True)]


class Attempt(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        SUBMITTED = "submitted", "Being graded"
        REVIEW = "review", "Awaiting review"  # graded, but some answers need a person: score provisional
        GRADED = "graded", "Graded"
        VOIDED = "voided", "Voided by an admin"  # kept for the record; counts for nothing

    class FinalizedBy(models.TextChoices):
        LEARNER = "learner", "Submitted by the learner"
        DEADLINE = "deadline", "Time ran out"
        ACCESS = "access", "Time ran out (finalized on the next visit)"
        SWEEP = "sweep", "Time ran out (finalized by the sweep)"
        ABANDONED = "abandoned", "Abandoned by the learner"

    # Set by Exam.start_attempt (not stored): whether that call created this attempt or resumed it.
    just_started: bool = False

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

    # --- Drawing -----------------------------------------------------------------------------------------

    def draw_questions(self, seen=None):
        """Draw a form by the exam's blueprint (see exams.assembly), pinning versions and variants.

        `seen` maps the questions the learner was given before to when: unseen ones come first.
        """
        rng = np.random.default_rng(self.seed)
        try:
            chosen = assembly.assembler_for(self.exam.blueprint, candidates()).draw(rng, seen)
        except assembly.Shortfall as shortfall:
            raise ExamUnavailable(f"This exam cannot be started yet: {shortfall}.") from None
        # Only choice questions need their content now (to shuffle the options they show).
        versions = QuestionVersion.objects.in_bulk(
            [candidate.version_id for candidate in chosen if candidate.type in CHOICE_TYPES]
        )
        rows = []
        for position, candidate in enumerate(chosen, start=1):
            item = AttemptQuestion(
                attempt=self,
                position=position,
                question_id=candidate.pk,
                version_id=candidate.version_id,
                domain_number=candidate.domain,
                variant_seed=int(rng.integers(2**31)),
            )
            if candidate.type in CHOICE_TYPES:
                item.version = versions[candidate.version_id]
                item.shown_options = shuffled_options(item.content, rng)
            rows.append(item)
        AttemptQuestion.objects.bulk_create(rows)

    # --- Answering ---------------------------------------------------------------------------------------

    def _locked(self):
        """This attempt re-read under a row lock, so saves, submits and finalization never interleave.

        Read as its learner's: an autosave calls this on Attempt(pk=…, learner_id=the signed-in user), so
        the one locked read is also the check that the attempt is theirs."""
        locked = fetch(Attempt, lock=True, pk=self.pk, learner=self.learner_id)
        if locked is None:
            raise Attempt.DoesNotExist(f"Attempt {self.pk} no longer exists.")
        return locked

    def _assert_open(self, now=None, refused="this change was not made"):
        """Refuse a change to a closed attempt (or, given `now`, one whose time is up); `refused` says what
        the learner's request did not do ("this answer was not saved")."""
        if self.status == self.Status.OPEN and not (now is not None and self.is_expired(now)):
            return
        if self.status == self.Status.OPEN:
            raise TimeUp("The time limit has passed.")
        if self.finalized_by in ("", self.FinalizedBy.LEARNER):
            raise AttemptClosed("This attempt has been submitted, so its answers can no longer change.")
        raise TimeUp(f"The time limit has passed, so {refused}.")

    def save_answer(self, position, answer, saved_at=None, now=None) -> SavedAnswer:
        """Store the learner's answer to one question; idempotent, and the latest stamp wins.

        `saved_at` is when the learner made the change (server time, as the page computes it); a save made
        before the deadline that arrives late, within the grace period, is still accepted. A stamp before
        the attempt started (less the grace period, for clock error) is refused; one older than the stored
        answer's is not stored (`saved` is False). An attempt whose time is up is finalized first, and the
        save refused.
        """
        now = now or timezone.now()
        with transaction.atomic():
            attempt = self._locked()
            if not attempt._finalize_locked_if_expired(now, by=self.FinalizedBy.ACCESS):
                return attempt._store_answer(position, answer, saved_at, now)
        raise TimeUp("The time limit has passed, so this answer was not saved.")

    def _store_answer(self, position, answer, saved_at, now) -> SavedAnswer:
        self._assert_open(refused="this answer was not saved")
        # The page stamps saves with its estimate of server time: allow it the grace period's slack.
        if saved_at is not None and saved_at < self.started_at - self.grace():
            raise InvalidAnswer(
                "saved_at is before the attempt started.", {"saved_at": ["It must be within the attempt."]}
            )
        stamp = min(saved_at or now, now)
        if self.deadline is not None and stamp > self.deadline:
            raise TimeUp("The time limit has passed, so this answer was not saved.")
        item = self.question_for_saving(position)
        answer = item.clean_answer(answer)
        # The attempt's row lock serializes saves, so a plain insert or update is safe (no savepoint for a
        # get_or_create race), and only what changes is written: autosaves are most of the traffic, so the
        # response is read (with the question, under the lock) and written by precompiled statements.
        response = getattr(item, "response", None)
        if response is None:
            created = Response.objects.create(
                attempt_question=item, answer=answer, saved_at=stamp, received_at=now
            )
            return SavedAnswer(created, saved=True, attempt=self)
        if stamp < response.saved_at:
            return SavedAnswer(response, saved=False, attempt=self)
        changed = ["answer", "saved_at", "received_at"]
        if answer != response.answer:
            response.forget_check()
            changed += Response.CHECK_FIELDS
        response.answer, response.saved_at, response.received_at = answer, stamp, now
        save_fields(response, changed)
        return SavedAnswer(response, saved=True, attempt=self)

    def set_flag(self, position, flagged, now=None):
        with transaction.atomic():
            attempt = self._locked()
            if not attempt._finalize_locked_if_expired(now or timezone.now(), by=self.FinalizedBy.ACCESS):
                attempt._assert_open(refused="the flag was not changed")
                if not AttemptQuestion.objects.filter(attempt=attempt, position=position).update(
                    flagged=flagged
                ):
                    raise NoSuchQuestion(f"This attempt has no question {position}.")
                return
        raise TimeUp("The time limit has passed.")

    def question_for_saving(self, position):
        """The question at `position` with its response (None if unanswered), without its version's content
        (saving an answer needs only the options shown: see AttemptQuestion.is_choice)."""
        item = fetch(AttemptQuestion, related=("response",), attempt=self.pk, position=position)
        if item is None:
            raise NoSuchQuestion(f"This attempt has no question {position}.")
        item.attempt = self
        return item

    def question_states(self) -> list["QuestionState"]:
        """Every question's place in the navigation, read as plain values: building forty questions and
        their responses as model instances cost more than the rest of the question page."""
        rows = self.questions.order_by("position").values_list("position", "flagged", "response__answer")
        return [
            QuestionState(position, flagged, answers.is_given(answer)) for position, flagged, answer in rows
        ]

    def question_at(self, position):
        """The question at `position` with its version and response (None if unanswered), read by one
        precompiled statement (config.rows): every question page asks."""
        item = fetch(AttemptQuestion, related=("version", "response"), attempt=self.pk, position=position)
        if item is None:
            raise NoSuchQuestion(f"This attempt has no question {position}.")
        item.attempt = self
        return item

    # --- Finishing ---------------------------------------------------------------------------------------

    def submit(self, now=None, by=FinalizedBy.LEARNER):
        """Close the attempt and enqueue its grading once the transaction commits; idempotent.

        Whoever calls it, an attempt whose time is up is finalized as timed out: submitted at its deadline,
        not at the (possibly much later) time of the call.
        """
        now = now or timezone.now()
        with transaction.atomic():
            attempt = self._locked()
            timed_out_by = self.FinalizedBy.ACCESS if by == self.FinalizedBy.LEARNER else by
            if not attempt._finalize_locked_if_expired(now, timed_out_by):
                attempt._close(now, now, by)
        self.refresh_from_db()
        return attempt

    def _close(self, submitted_at, now, by):
        if self.status != self.Status.OPEN:
            return
        self.status = self.Status.SUBMITTED
        self.submitted_at = submitted_at
        self.finalized_by = by
        self.grading_enqueued_at = now
        self.save(update_fields=["status", "submitted_at", "finalized_by", "grading_enqueued_at"])
        self.enqueue_grading()

    def _finalize_locked_if_expired(self, now, by) -> bool:
        """On a locked attempt: if it is open and its time is up, submit it as of its deadline."""
        if self.status != self.Status.OPEN or not self.is_expired(now):
            return False
        self._close(self.deadline, now, by)
        return True

    def enqueue_grading(self):
        """Send the attempt to a grading worker once the transaction commits.

        If the broker cannot be reached the attempt stays stored as submitted, the failure is logged, and
        the periodic sweep re-enqueues it GRADING_RETRY_AFTER_SECONDS after `grading_enqueued_at`: the
        learner's submission never fails because the queue is down.
        """
        from grading.tasks import grade_attempt

        send_after_commit(grade_attempt, [str(self.pk)], f"the grading of attempt {self.pk}")

    def finalize_if_expired(self, now=None, by=FinalizedBy.DEADLINE) -> bool:
        """Submit an open attempt whose time is up, with the answers saved so far, as of its deadline.

        The page, the API, the ETA task and the sweep all call this, so `submitted_at` is the deadline
        whoever notices first and however late.
        """
        now = now or timezone.now()
        if self.status != self.Status.OPEN or not self.is_expired(now):
            return False
        with transaction.atomic():
            finalized = self._locked()._finalize_locked_if_expired(now, by)
        self.refresh_from_db()
        return finalized

    @transaction.atomic
    def grade(self, now=None):
        """Grade every response, then the attempt; grading twice changes nothing.

        If an answer could not be graded for a reason that is not the learner's, the attempt waits for a
        person (status REVIEW): its score is provisional and it neither passes nor fails until every such
        answer is resolved (Response.resolve), which sends it through here again.
        """
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
        if any(getattr(item, "response", None) and item.response.needs_review for item in items):
            attempt.status, attempt.passed, attempt.graded_at = self.Status.REVIEW, None, None
        else:
            attempt.passed = attempt.score * 100 >= attempt.exam.pass_mark - 1e-9
            attempt.status, attempt.graded_at = self.Status.GRADED, now
        attempt.save(update_fields=["score", "domain_scores", "passed", "status", "graded_at"])
        return attempt

    def has_pending_reviews(self):
        return Response.objects.filter(attempt_question__attempt=self, needs_review=True).exists()

    @property
    def percent(self):
        return None if self.score is None else round(self.score * 100, 1)

    @property
    def ran_out_of_time(self):
        """Finalized at the deadline, whichever process noticed first (the learner need not know which)."""
        return self.finalized_by in (
            self.FinalizedBy.DEADLINE,
            self.FinalizedBy.ACCESS,
            self.FinalizedBy.SWEEP,
        )

    @property
    def is_provisional(self):
        return self.status == self.Status.REVIEW

    # --- Results -----------------------------------------------------------------------------------------

    def review_shows(self, now=None, for_staff=False) -> frozenset[str]:
        """What this attempt's result may show now: nothing before grading, then the exam's policy."""
        if self.status not in (self.Status.GRADED, self.Status.REVIEW):
            return frozenset()
        return self.exam.review_shows(now or timezone.now(), for_staff)

    def review(self, now=None, for_staff=False) -> ResultReview:
        """The result as the page and the API show it (the one place the review policy is applied)."""
        return build_review(self, self.review_shows(now, for_staff))

    # --- Staff actions (recorded in AttemptEvent: who, when, why) ----------------------------------------

    def record_event(self, action, actor, reason, now, **details):
        """Add to the attempt's audit log what an admin did (action, who, when, why, what changed)."""
        return AttemptEvent.objects.create(
            attempt=self, action=action, actor=actor, at=now, reason=reason.strip(), details=details
        )

    def _capped_by_close(self, deadline):
        closes_at = self.exam.closes_at
        if closes_at is not None and deadline > closes_at:
            raise StaffActionError(
                "past_close",
                f"The exam closes at {closes_at:%Y-%m-%d %H:%M} UTC; move its close time first.",
            )
        return deadline

    def _change_deadline(self, deadline, action, actor, reason, now, **details):
        old = self.deadline
        self.deadline = deadline
        self.save(update_fields=["deadline"])  # the sweep finalizes by the deadline it reads each time
        return self.record_event(
            action, actor, reason, now, old_deadline=_iso(old), new_deadline=_iso(deadline), **details
        )

    @transaction.atomic
    def extend(self, minutes, actor, reason="", now=None):
        """Give an open, timed attempt `minutes` more; the learner's timer follows the new deadline."""
        now = now or timezone.now()
        attempt = self._locked()
        if attempt.status != self.Status.OPEN:
            raise StaffActionError(
                "not_open", "Only an attempt in progress can be extended; reopen it first."
            )
        if attempt.deadline is None:
            raise StaffActionError("untimed", "This attempt has no time limit to extend.")
        if not 0 < minutes <= 24 * 60:
            raise StaffActionError("bad_minutes", "Extend by 1 to 1440 minutes.")
        deadline = attempt._capped_by_close(max(attempt.deadline, now) + timedelta(minutes=minutes))
        event = attempt._change_deadline(deadline, "extend", actor, reason, now, minutes=minutes)
        self.refresh_from_db()
        return event

    @transaction.atomic
    def grant_accommodation(self, multiplier, actor, reason="", now=None):
        """Set the learner's time multiplier (all later attempts) and stretch this one if it is running."""
        now = now or timezone.now()
        attempt = self._locked()
        multiplier = Decimal(str(multiplier))
        if not Decimal(1) <= multiplier <= Decimal(4):
            raise StaffActionError("bad_multiplier", "The time multiplier is between 1 and 4 (e.g. 1.5).")
        if not reason.strip():
            raise StaffActionError("reason_required", "Say why this learner gets extra time.")
        learner = attempt.learner
        old_multiplier, learner.time_multiplier = learner.time_multiplier, multiplier
        learner.save(update_fields=["time_multiplier"])
        details = {"old_multiplier": str(old_multiplier), "new_multiplier": str(multiplier)}
        limit = attempt.exam.time_limit_minutes
        if attempt.status == self.Status.OPEN and attempt.deadline is not None and limit:
            stretched = attempt.started_at + timedelta(minutes=limit * float(multiplier))
            if stretched > attempt.deadline:
                if attempt.exam.closes_at is not None:
                    stretched = min(stretched, attempt.exam.closes_at)
                event = attempt._change_deadline(stretched, "accommodation", actor, reason, now, **details)
                self.refresh_from_db()
                return event
        return attempt.record_event("accommodation", actor, reason, now, **details)

    @transaction.atomic
    def reopen(self, minutes, actor, reason="", now=None):
        """Let the learner continue a finished attempt, with their answers, for `minutes` (timed exams).

        Its grades are dropped and it is graded again when submitted. Refused while the learner has another
        attempt of the exam open, or when a certificate rests on it (void or regrade instead).
        """
        now = now or timezone.now()
        attempt = self._locked()
        if attempt.status in (self.Status.OPEN, self.Status.VOIDED):
            raise StaffActionError("not_finished", "Only a submitted or graded attempt can be reopened.")
        if not reason.strip():
            raise StaffActionError("reason_required", "Say why this attempt is reopened.")
        if attempt.exam.open_attempt(attempt.learner) is not None:
            raise StaffActionError("other_open", "The learner has another attempt of this exam in progress.")
        if attempt.exam.certificates.filter(attempt=attempt, revoked_at__isnull=True).exists():
            raise StaffActionError(
                "certified", "A certificate rests on this attempt: void or regrade it instead."
            )
        deadline = None
        if attempt.exam.time_limit_minutes:
            if not 0 < minutes <= 24 * 60:
                raise StaffActionError("bad_minutes", "Reopen for 1 to 1440 minutes.")
            deadline = attempt._capped_by_close(now + timedelta(minutes=minutes))
        details = {"old_status": attempt.status, "old_score": attempt.score, "old_passed": attempt.passed}
        attempt.status, attempt.deadline, attempt.finalized_by = self.Status.OPEN, deadline, ""
        attempt.submitted_at = attempt.grading_enqueued_at = attempt.graded_at = None
        attempt.score, attempt.passed, attempt.domain_scores = None, None, {}
        attempt.save()
        for response in Response.objects.filter(attempt_question__attempt=attempt):
            response.forget_check()
            response.graded_at = None
            response.save()
        event = attempt.record_event("reopen", actor, reason, now, new_deadline=_iso(deadline), **details)
        self.refresh_from_db()
        return event

    @transaction.atomic
    def void(self, actor, reason, now=None):
        """Set an attempt aside for good (cheating, a broken sitting): it counts for nothing from now on.

        Certificates live above exams: analytics.staff.void_attempt voids and settles the certificate.
        """
        now = now or timezone.now()
        attempt = self._locked()
        if attempt.status == self.Status.VOIDED:
            raise StaffActionError("already_voided", "This attempt is already voided.")
        if not reason.strip():
            raise StaffActionError("reason_required", "Say why this attempt is voided.")
        details = {"old_status": attempt.status, "old_score": attempt.score, "old_passed": attempt.passed}
        attempt.status, attempt.passed = self.Status.VOIDED, None
        attempt.save(update_fields=["status", "passed"])
        event = attempt.record_event("void", actor, reason, now, **details)
        self.refresh_from_db()
        return event


def _iso(moment):
    return moment.isoformat() if moment is not None else None


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


@dataclass(frozen=True)
class GradingFailure(Outcome):
    """An answer that could not be graded for a reason that is not the learner's: it waits for a person.

    `reason` is for reviewers (it may quote the key); the learner sees only REVIEW_MESSAGE.
    """

    reason: str = ""
    error: BaseException | None = field(default=None, compare=False)


def failure_of(error: BaseException) -> GradingFailure:
    if isinstance(error, engine.TimeLimitExceeded):
        reason = f"Grading was stopped after {error.seconds:g} s (time limit)."
    elif isinstance(error, engine.ConfigError | answers.AnswerError):  # AnswerError: the key itself
        reason = f"The question's key is broken: {getattr(error, 'message', error)}"
    elif isinstance(error, engine.EngineError):
        reason = f"The grading engine failed: {error.message}"
    else:
        reason = f"Grading failed unexpectedly: {type(error).__name__}: {error}"
    return GradingFailure(0.0, "review", REVIEW_MESSAGE, reason=reason, error=error)


def grade_or_fail(content, answer) -> Outcome:
    """grade() within GRADING_TIMEOUT_SECONDS; any failure becomes a GradingFailure, never a verdict."""
    try:
        return engine.call_with_time_limit(settings.GRADING_TIMEOUT_SECONDS, grade, content, answer)
    except (Exception, engine.TimeLimitExceeded) as error:
        return failure_of(error)


class AttemptQuestion(models.Model):
    """One question of an attempt, pinned to the exact version and variant the learner was shown."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    domain_number = models.PositiveSmallIntegerField()
    variant_seed = models.BigIntegerField()
    shown_options = models.JSONField(
        default=list,
        blank=True,
        help_text='Choice questions: [{"id": opaque id, "option": the version\'s option id}, …] in the '
        "order shown. Learners, pages and the API only ever see the opaque ids.",
    )
    flagged = models.BooleanField(default=False)
    first_seen_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the learner first opened this question (for time-spent statistics).",
    )
    # Practice mode: what the page shows for the current version (hints opened, solution shown, wrong checks
    # towards SOLUTION_AFTER_WRONG_CHECKS) ...
    hints_shown = models.PositiveSmallIntegerField(default=0)
    solution_shown = models.BooleanField(default=False)
    wrong_checks = models.PositiveSmallIntegerField(default=0)
    # ... and what the learner did with the question over all its versions, for progress and item statistics.
    tries = models.PositiveSmallIntegerField(default=0, help_text="Practice: answers checked.")
    hints_used = models.PositiveSmallIntegerField(default=0, help_text="Practice: hints opened.")
    solution_seen = models.BooleanField(default=False, help_text="Practice: the worked solution was shown.")
    new_versions = models.PositiveSmallIntegerField(default=0, help_text="Practice: fresh variants drawn.")

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="unique_attempt_position")
        ]

    def __str__(self):
        return f"{self.attempt_id} #{self.position}"

    @classmethod
    def of_learner(cls, learner_id, attempt_id, position) -> "AttemptQuestion | None":
        """The question at `position` of the learner's own attempt, with its version; None for anyone else's.
        Read by precompiled statements (config.rows): the live preview asks while the learner types."""
        attempt = fetch(Attempt, pk=attempt_id, learner=learner_id)
        return attempt and fetch(cls, related=("version",), attempt=attempt.pk, position=position)

    @cached_property
    def content(self):
        """The version's content for this variant (keys included: never send it to a learner as it is)."""
        return self.version.variant(self.variant_seed).content

    @cached_property
    def options(self):
        """The variant's options in this attempt's order, under opaque ids (keys included: server only)."""
        by_version_id = {option["id"]: option for option in self.content.get("options") or []}
        return [
            {**by_version_id[shown["option"]], "id": shown["id"]}
            for shown in self.shown_options
            if shown["option"] in by_version_id
        ]

    @cached_property
    def view(self):
        """What the learner may see: no key, options in this attempt's shuffled order under opaque ids."""
        view = learner_view(self.content)
        if "options" in view:
            view["options"] = [{"id": option["id"], "text": option["text"]} for option in self.options]
        return view

    @property
    def is_choice(self):
        # Exactly the choice questions are drawn with shown options (Attempt.draw_questions), so this needs
        # no version content: saving an answer does not load it.
        return bool(self.shown_options)

    def key(self):
        """The key as this attempt shows it: the opaque ids of the correct options, or the key's text."""
        if self.is_choice:
            return sorted(option["id"] for option in self.options if option["correct"])
        return self.content["answer"]

    def describe_answer(self, answer):
        """An answer in words, for reviewers: the chosen options' texts, or the text typed."""
        if not self.is_choice:
            return answer if isinstance(answer, str) else ""
        texts = {option["id"]: option["text"] for option in self.options}
        return "; ".join(texts[option_id] for option_id in answer or [] if option_id in texts)

    def _version_option_ids(self, answer):
        """Opaque option ids mapped back to the version's own ids, which is what grading compares."""
        mapping = {shown["id"]: shown["option"] for shown in self.shown_options}
        return [mapping[option_id] for option_id in answer if option_id in mapping]

    def clean_answer(self, answer):
        if self.is_choice:
            allowed = {shown["id"] for shown in self.shown_options}
            if not isinstance(answer, list) or not all(
                isinstance(item, str) and item in allowed for item in answer
            ):
                raise InvalidAnswer(
                    "That is not one of this question's options.", {"answer": ["Unknown option id."]}
                )
            return sorted(set(answer))
        if not isinstance(answer, str):
            raise InvalidAnswer("Type your answer as text.", {"answer": ["Expected a string."]})
        if UNSTORABLE_CHARACTERS.search(answer):
            message = "Answers cannot contain control characters or unpaired surrogates."
            raise InvalidAnswer(message, {"answer": [message]})
        if len(answer) > MAX_ANSWER_LENGTH:
            message = f"Answers are limited to {MAX_ANSWER_LENGTH} characters."
            raise InvalidAnswer(message, {"answer": [message]})
        return answer

    def grade(self, answer):
        """The outcome of an answer, within GRADING_TIMEOUT_SECONDS.

        A failure that is not the learner's (a broken key, an engine bug, a timeout) is logged and put up
        for review: it is never scored, and never silently 0.
        """
        try:
            graded = self._version_option_ids(answer) if self.is_choice else answer
            outcome = grade_or_fail(self.content, graded)
        except Exception as error:  # the variant itself could not be made
            outcome = failure_of(error)
        if isinstance(outcome, GradingFailure):
            logger.error(
                "Answer needs review: attempt %s, question %s version %s (position %s): %s",
                self.attempt_id,
                self.version.content.get("slug"),
                self.version.number,
                self.position,
                outcome.reason,
                exc_info=None if isinstance(outcome.error, engine.TimeLimitExceeded) else outcome.error,
            )
        return outcome

    def regrade_with_current_version(self, answer):
        """Pin the question's current version (its key fixed, say) and grade the answer again with it."""
        current = Question.objects.select_related("current_version").get(pk=self.question_id).current_version
        if current is None:
            raise ReviewError("no_version", "The question has no saved version to regrade with.")
        if self.is_choice:
            options = {option["id"] for option in current.variant(self.variant_seed).content["options"]}
            if not {shown["option"] for shown in self.shown_options} <= options:
                raise ReviewError(
                    "options_changed",
                    "The current version no longer has the options this learner saw; mark it by hand.",
                )
        self.version = current
        for name in ("content", "options", "view"):
            self.__dict__.pop(name, None)
        self.save(update_fields=["version"])
        return self.grade(answer)

    def mark_seen(self, now):
        """Stamp the first time the learner is shown this question; later visits change nothing."""
        if self.first_seen_at is None:
            AttemptQuestion.objects.filter(pk=self.pk, first_seen_at__isnull=True).update(first_seen_at=now)
            self.first_seen_at = now

    @property
    def answered(self):
        response = getattr(self, "response", None)
        return response is not None and answers.is_given(response.answer)

    # --- Practice mode -----------------------------------------------------------------------------------

    def _assert_practice(self):
        if not self.attempt.exam.is_practice:
            raise NotPractice("Only practice attempts give feedback before submitting.")

    @property
    def has_variants(self):
        """Randomized: its numbers, names or pool items are drawn per variant (see exams/variants.py)."""
        return bool(self.version.content.get("parameters") or self.version.content.get("pool"))

    @property
    def solution_unlocked(self):
        """Practice: the worked solution may be shown (on request, or by itself after enough wrong checks)."""
        return self.solution_shown or self.wrong_checks >= SOLUTION_AFTER_WRONG_CHECKS

    def check_now(self, answer, now=None):
        """Save and grade an answer right away (practice mode); the learner may then try again.

        The worked solution opens by itself after SOLUTION_AFTER_WRONG_CHECKS wrong checks of this version.
        """
        self._assert_practice()
        now = now or timezone.now()
        response = self.attempt.save_answer(self.position, answer, now=now).response
        outcome = self.grade(response.answer)
        response.record(outcome, now, final=False)
        wrong = outcome.verdict in ("incorrect", "invalid", "partial")
        AttemptQuestion.objects.filter(pk=self.pk).update(
            tries=F("tries") + 1, wrong_checks=F("wrong_checks") + int(wrong)
        )
        self.refresh_from_db(fields=["tries", "wrong_checks"])
        if self.solution_unlocked and not self.solution_shown:
            self.reveal_solution()
        return outcome

    def _assert_practice_open(self, now=None):
        """Hints, solutions and new variants change the question: only in a practice attempt that is still
        open, checked under the attempt's row lock so that a submit cannot slip in between."""
        self._assert_practice()
        self.attempt._locked()._assert_open(now or timezone.now())

    @transaction.atomic
    def reveal_hint(self, now=None):
        self._assert_practice_open(now)
        if self.hints_shown < len(self.content["hints"]):
            self.hints_shown += 1
            self.hints_used += 1
            self.save(update_fields=["hints_shown", "hints_used"])

    @transaction.atomic
    def reveal_solution(self, now=None):
        self._assert_practice_open(now)
        self.solution_shown = self.solution_seen = True
        self.save(update_fields=["solution_shown", "solution_seen"])

    @transaction.atomic
    def draw_new_version(self, now=None):
        """Practice: a fresh variant of a randomized question, answered afresh (no answer, hints or solution).

        What the learner did with earlier variants stays counted in tries, hints_used and solution_seen.
        """
        self._assert_practice_open(now)
        if not self.has_variants:
            raise AttemptError("This question has no other versions to draw.")
        rng = np.random.default_rng()
        # A learner who asks for new numbers and gets the same ones thinks the button is broken: draw again
        # (a few times: a question may have only a handful of variants) until the content differs.
        current = self.content
        for _ in range(NEW_VERSION_DRAWS):
            self.variant_seed = int(rng.integers(2**31))
            for name in ("content", "options", "view"):
                self.__dict__.pop(name, None)
            if self.content != current:
                break
        self.shown_options = shuffled_options(self.content, rng) if self.is_choice else []
        self.hints_shown, self.solution_shown, self.wrong_checks = 0, False, 0
        self.new_versions += 1
        self.save(
            update_fields=[
                "variant_seed", "shown_options", "hints_shown", "solution_shown", "wrong_checks",
                "new_versions",
            ]
        )  # fmt: skip
        Response.objects.filter(attempt_question=self).delete()


class Response(models.Model):
    class Decision(models.TextChoices):
        RIGHT = "right", "Marked right by hand"
        WRONG = "wrong", "Marked wrong by hand"
        REGRADED = "regraded", "Regraded with the question's current version"

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
    graded_at = models.DateTimeField(null=True, blank=True)
    # Grading that failed for a reason that is not the learner's waits here for a person.
    needs_review = models.BooleanField(default=False, help_text="Waiting for a person to resolve it.")
    review_reason = models.TextField(blank=True, help_text="Why grading failed (for reviewers only).")
    review_decision = models.CharField(max_length=10, choices=Decision, blank=True)
    review_note = models.TextField(blank=True, help_text="Why the reviewer decided so.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.attempt_question}: {self.answer!r}"

    CHECK_FIELDS = ["score", "verdict", "diagnosis", "method", "message", "needs_review", "review_reason"]

    def forget_check(self):
        """A changed answer drops the feedback of a practice check, which was about the old one."""
        self.score, self.verdict, self.diagnosis, self.method, self.message = None, "", [], "", ""
        self.needs_review, self.review_reason = False, ""

    def record(self, outcome, now, final=True):
        """Store an outcome; a practice check (final=False) is shown but graded again on submission.

        An answer for review has no score (it is not 0) and, once final, waits in the Needs review list.
        """
        failed = isinstance(outcome, GradingFailure)
        self.score = None if failed else outcome.score
        self.verdict = outcome.verdict
        self.diagnosis = list(outcome.diagnosis)
        self.method = outcome.method or ""
        self.message = outcome.message
        self.needs_review = failed and final
        if failed:
            self.review_reason = outcome.reason
        self.graded_at = now if final else None
        self.save()

    def resolve(self, decision, reviewer, note="", now=None):
        """Settle an answer waiting for review: right or wrong by hand, or regraded with the current version.

        Records who, when and why. Once the attempt's last such answer is settled, the attempt goes through
        grading again, which recomputes its score and pass and issues the certificate it earns.
        """
        now = now or timezone.now()
        note = note.strip()
        if decision not in self.Decision.values:
            raise ReviewError("unknown_decision", "Choose right, wrong or regrade.")
        if decision != self.Decision.REGRADED and not note:
            raise ReviewError("note_required", "Say why you mark this answer by hand.")
        with transaction.atomic():
            attempt = self.attempt_question.attempt._locked()
            response = (
                Response.objects.select_for_update()
                .select_related("attempt_question__version")
                .get(pk=self.pk)
            )
            if not response.needs_review:
                raise ReviewError("already_resolved", "This answer has already been resolved.")
            item = response.attempt_question
            if decision == self.Decision.REGRADED:
                outcome = item.regrade_with_current_version(response.answer)
                if isinstance(outcome, GradingFailure):
                    raise ReviewError("still_failing", f"It still cannot be graded: {outcome.reason}")
                note = note or f"Regraded with version {item.version.number}."
            elif decision == self.Decision.RIGHT:
                outcome = Outcome(1.0, "correct", "Marked right by a reviewer.")
            else:
                outcome = Outcome(0.0, "incorrect", "Marked wrong by a reviewer.")
            response.record(outcome, now)
            response.review_decision, response.review_note = decision, note
            response.reviewed_by, response.reviewed_at = reviewer, now
            response.save()
            if attempt.status == Attempt.Status.REVIEW and not attempt.has_pending_reviews():
                attempt.status, attempt.grading_enqueued_at = Attempt.Status.SUBMITTED, now
                attempt.save(update_fields=["status", "grading_enqueued_at"])
                attempt.enqueue_grading()
        self.refresh_from_db()
        return response
