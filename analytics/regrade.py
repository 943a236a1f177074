"""Regrading answers with a question's current version (its key fixed, say): one attempt, or every attempt
that answered a question, with a dry run first.

A dry run is the real regrade inside a transaction that is rolled back, so what it reports is exactly what
applying would do (scores, pass/fail flips, certificates issued or revoked) and nothing of it is kept: no
row, no webhook (queued after commit), no signal. Applying is idempotent: answers whose outcome would not
change are left alone, so a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from certificates.models import Certificate
from exams.models import Attempt, AttemptQuestion, Question, Response
from exams.models.attempts import ReviewError
from exams.signals import attempt_graded, send_to_receivers
from integrations.webhooks import (
    notify_attempt_regraded,
    notify_certificate_issued,
    notify_certificate_revoked,
)

REGRADED = "regraded"
REGRADABLE = (Attempt.Status.GRADED, Attempt.Status.REVIEW)


@dataclass(frozen=True)
class AttemptChange:
    """What a regrade did (or would do) to one attempt."""

    attempt_id: str
    learner: str
    exam: str
    positions: tuple[int, ...]
    old_score: float | None
    new_score: float | None
    old_passed: bool | None
    new_passed: bool | None
    certificate: str | None  # "issued", "reinstated", "revoked" or None

    @property
    def flips(self) -> bool:
        return self.old_passed != self.new_passed

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "positions": list(self.positions), "flips": self.flips}


class _DryRun(Exception):
    """Raised to roll a dry run back."""


def affected_attempts(question: Question, versions: Collection[int] = ()) -> QuerySet[Attempt]:
    """The graded attempts that answered `question` (in one of `versions`, when given)."""
    items = AttemptQuestion.objects.filter(question=question)
    if versions:
        items = items.filter(version__number__in=versions)
    return Attempt.objects.filter(status__in=REGRADABLE, pk__in=items.values("attempt_id")).order_by(
        "started_at"
    )


def regrade_attempt(
    attempt: Attempt,
    actor: Any,
    reason: str,
    question: Question | None = None,
    versions: Collection[int] = (),
    now: datetime | None = None,
    notify: bool = True,
) -> AttemptChange | None:
    """Grade the attempt's answers (to `question`, or all) again with each question's current version.

    Answers a person marked by hand keep that mark. Returns None when no outcome changes (nothing is then
    written). Otherwise the attempt is graded again, its certificate settled (reason "regraded"), the change
    recorded on the attempt, and, with `notify`, webhooks and the attempt_graded signal sent.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("exam", "learner").get(pk=attempt.pk)
        if attempt.status not in REGRADABLE:
            return None
        items = attempt.questions.select_related("version", "response")
        if question is not None:
            items = items.filter(question=question)
        if versions:
            items = items.filter(version__number__in=versions)
        positions = tuple(item.position for item in items if _regrade_item(item))
        if not positions:
            return None
        old_score, old_passed = attempt.score, attempt.passed
        attempt.status = Attempt.Status.SUBMITTED
        attempt.save(update_fields=["status"])
        attempt = attempt.grade(now)
        certificate, certificate_change = None, None
        if attempt.status == Attempt.Status.GRADED:  # else an answer waits for a person, who decides
            certificate, certificate_change = Certificate.settle(attempt.learner, attempt.exam, REGRADED, now)
        change = AttemptChange(
            str(attempt.pk),
            attempt.learner.email,
            attempt.exam.slug,
            positions,
            old_score,
            attempt.score,
            old_passed,
            attempt.passed,
            certificate_change,
        )
        details = {
            key: value for key, value in change.as_dict().items() if key not in ("attempt_id", "learner")
        }
        attempt.record_event("regrade", actor, reason, now, **details)
        if notify:
            _notify(attempt, change, certificate, now)
    return change


def _regrade_item(item: AttemptQuestion) -> bool:
    """Pin the current version and mark the answer for grading again if its outcome would change."""
    response: Response | None = getattr(item, "response", None)
    if response is None or response.review_decision in (Response.Decision.RIGHT, Response.Decision.WRONG):
        return False
    pinned = item.version_id
    try:
        outcome = item.regrade_with_current_version(response.answer)
    except ReviewError:  # the current version lost options this learner saw: only a person can mark it
        return False
    stored = (response.score, response.verdict, list(response.diagnosis), response.needs_review)
    regraded = (
        outcome.score if outcome.verdict != "review" else None,
        outcome.verdict,
        list(outcome.diagnosis),
    )
    if item.version_id == pinned and stored == (*regraded, outcome.verdict == "review"):
        return False
    response.graded_at = None
    response.save(update_fields=["graded_at"])
    return True


def _notify(attempt: Attempt, change: AttemptChange, certificate: Certificate | None, now: datetime) -> None:
    if attempt.status == Attempt.Status.GRADED:
        notify_attempt_regraded(attempt, change.old_score, change.old_passed, now)
        send_to_receivers(attempt_graded, Attempt, attempt=attempt)
    if certificate is None:
        return
    if change.certificate == "revoked":
        notify_certificate_revoked(certificate, now)
    elif change.certificate == "issued":
        notify_certificate_issued(certificate, now)
    elif change.certificate == "reinstated":
        notify_certificate_issued(certificate, now, occasion=f"reinstated:{now.isoformat()}")


def dry_run(
    question: Question, versions: Collection[int] = (), now: datetime | None = None
) -> list[AttemptChange]:
    """What regrading `question` would change, attempt by attempt; nothing is kept."""
    changes: list[AttemptChange] = []
    try:
        with transaction.atomic():
            for attempt in affected_attempts(question, versions):
                change = regrade_attempt(attempt, None, "", question, versions, now, notify=False)
                if change is not None:
                    changes.append(change)
            raise _DryRun
    except _DryRun:
        pass
    return changes
