"""A learner's own data: downloaded as JSON, or erased with their account.

Erasing anonymises rather than deletes: the account keeps no personal data and cannot sign in, its graded
attempts stay (anonymous) in the exams' statistics, open attempts are deleted, and its certificates are
revoked ("account deleted") with the holder's name removed, so a verification link says "revoked" instead of
vouching for a person who is gone, or answering "not found" as a forgery would; integrations that provisioned
the learner get `certificate.revoked`. An attempt graded after the deletion earns no certificate
(Certificate.issue_for). The learner's own "Delete my account" and an admin's delete in the admin (single or
bulk, privacy/admin.py) both call `erase_account`.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from certificates.models import Certificate
from exams.models import Attempt
from integrations.webhooks import notify_certificate_revoked

DELETED_NAME = "Deleted learner"
REVOKED_BECAUSE_DELETED = "account deleted"


def learner_data(user: User, now=None) -> dict[str, Any]:
    """Everything dxam holds about a learner, as JSON-safe data: the account, every attempt with the answers
    given (and what the exam's review policy shows of its result), every certificate."""
    now = now or timezone.now()
    attempts = user.attempts.select_related("exam").prefetch_related(
        "questions__response", "questions__version"
    )
    return {
        "exported_at": now.isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "role": user.role,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "time_multiplier": str(user.time_multiplier),
        },
        "attempts": [_attempt_data(attempt, now) for attempt in attempts],
        "certificates": [
            {
                "reference": certificate.reference,
                "code": certificate.code,
                "exam": certificate.exam_title,
                "name": certificate.name,
                "score_percent": certificate.percent,
                "issued_at": certificate.issued_at.isoformat(),
                "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
            }
            for certificate in user.certificates.all()
        ],
    }


def _attempt_data(attempt: Attempt, now) -> dict[str, Any]:
    shows = attempt.review_shows(now)
    data: dict[str, Any] = {
        "id": str(attempt.pk),
        "exam": attempt.exam.title,
        "status": attempt.status,
        "started_at": attempt.started_at.isoformat(),
        "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
    }
    if "score" in shows:
        data.update(score_percent=attempt.percent, passed=attempt.passed)
    data["answers"] = [
        {
            "position": item.position,
            "question": item.content["title"],
            "answer": item.describe_answer(item.response.answer),
            "saved_at": item.response.saved_at.isoformat(),
            **({"verdict": item.response.verdict} if "correctness" in shows else {}),
        }
        for item in attempt.questions.all()
        if getattr(item, "response", None) is not None
    ]
    return data


@transaction.atomic
def erase_account(user: User, now=None) -> int:
    """Anonymise an account (see the module's docstring); returns how many certificates it revoked. Erasing
    an account again changes nothing."""
    from lti_tool.models import LtiUser

    now = now or timezone.now()
    # Locked first: a grading that finishes meanwhile waits in Certificate.issue_for, then issues nothing.
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_deleted:
        return 0
    user.attempts.filter(status=Attempt.Status.OPEN).delete()
    revoked = 0
    for certificate in Certificate.objects.select_for_update().filter(learner=user):
        certificate.name = DELETED_NAME
        certificate.save(update_fields=["name", "updated_at"])
        if not certificate.is_revoked:
            certificate.revoke(REVOKED_BECAUSE_DELETED, now)
            notify_certificate_revoked(certificate, now)  # before the integrations' mapping goes below
            revoked += 1
    user.provisions.all().delete()  # an LMS provisioning the same id again gets a new account
    LtiUser.objects.filter(auth_user=user).delete()
    user.sign_in_links.all().delete()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.display_name = DELETED_NAME
    user.is_active = user.is_superuser = False
    user.role = User.Role.LEARNER
    user.set_unusable_password()
    user.deleted_at = now
    user.save()
    return revoked
