"""Staff actions on one attempt whose consequences reach above exams (certificates, webhooks)."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from certificates.models import Certificate
from exams.models import Attempt, AttemptEvent
from integrations.webhooks import notify_certificate_revoked


def void_attempt(attempt: Attempt, actor: Any, reason: str, now: datetime | None = None) -> AttemptEvent:
    """Void the attempt (Attempt.void); the certificate it earned moves to the learner's best other passing
    attempt, or is revoked (with the reason, and a `certificate.revoked` webhook)."""
    now = now or timezone.now()
    with transaction.atomic():
        event = attempt.void(actor, reason, now)
        certificate, change = Certificate.settle(
            attempt.learner, attempt.exam, f"voided: {reason.strip()}", now
        )
        if change == "revoked" and certificate is not None:
            notify_certificate_revoked(certificate, now)
        event.details["certificate"] = change
        event.save(update_fields=["details"])
    return event
