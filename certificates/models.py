import secrets

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from accounts.models import User

# Crockford's base32 without the look-alikes I, L, O, U: references are read aloud and typed by hand.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_code():
    """The public verification code: 192 random bits, URL-safe; nothing about it can be guessed or counted."""
    return secrets.token_urlsafe(24)


def new_reference():
    token = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"DX-{token[:4]}-{token[4:]}"


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(revoked_at__isnull=True)


class Certificate(models.Model):
    """Earned by passing a certifying exam: once per learner and exam; a better pass updates the score."""

    code = models.CharField(max_length=64, unique=True, default=new_code, editable=False)
    reference = models.CharField(max_length=16, unique=True, default=new_reference, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    exam = models.ForeignKey("exams.Exam", on_delete=models.PROTECT, related_name="certificates")
    # RESTRICT, not PROTECT: an attempt that earned a certificate cannot be deleted on its own, but deleting
    # the learner deletes both (a learner with a certificate could not be deleted at all under PROTECT).
    attempt = models.ForeignKey("exams.Attempt", on_delete=models.RESTRICT, related_name="+")
    name = models.CharField(
        max_length=120, help_text="The learner's display name when issued or last updated."
    )
    exam_title = models.CharField(max_length=200)
    score = models.FloatField(help_text="Fraction of the marks, 0 to 1, of the best passing attempt.")
    domain_scores = models.JSONField(default=dict)
    issued_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["learner", "exam"], name="one_certificate_per_exam")]

    def __str__(self):
        return f"{self.reference} — {self.name} — {self.exam_title}"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def percent(self):
        return round(self.score * 100, 1)

    @classmethod
    def issue_for(cls, attempt):
        """Issue (or improve) the certificate a graded attempt earns; returns it, or None if none is earned.

        Idempotent: grading the same attempt again, or a retried task, finds the certificate already there.
        Failing never touches an existing certificate. A deleted account earns none, even when its attempt is
        graded (or regraded) after the deletion: the learner's row is locked and read again here, so this
        either sees the deletion or finishes before it, and the deletion then revokes what was issued.
        """
        if not (attempt.exam.certifies and attempt.status == "graded" and attempt.passed):
            return None
        details = {
            "attempt": attempt,
            "name": attempt.learner.display_name or attempt.learner.email,
            "exam_title": attempt.exam.title,
            "score": attempt.score,
            "domain_scores": attempt.domain_scores,
        }
        with transaction.atomic():
            learner = User.objects.select_for_update().only("deleted_at").get(pk=attempt.learner_id)
            if learner.is_deleted:
                return None
            certificate = (
                cls.objects.select_for_update().filter(learner=attempt.learner, exam=attempt.exam).first()
            )
            if certificate is None:
                try:
                    with transaction.atomic():
                        return cls.objects.create(learner=attempt.learner, exam=attempt.exam, **details)
                except IntegrityError:  # a concurrent grading issued it first
                    certificate = cls.objects.select_for_update().get(
                        learner=attempt.learner, exam=attempt.exam
                    )
            if attempt.score > certificate.score:
                for field, value in details.items():
                    setattr(certificate, field, value)
                certificate.save()
        return certificate

    @classmethod
    def settle(cls, learner, exam, reason, now=None) -> "tuple[Certificate | None, str | None]":
        """After grades changed (a regrade, a voided attempt): the certificate follows the learner's best
        passing attempt. Returns the certificate and what happened to it: "issued", "reinstated" (after an
        earlier regrade with the same `reason` revoked it), "revoked", or None (nothing, or only its score and
        attempt moved).

        A certificate revoked for another reason (by hand) is never reinstated here, and a deleted account's
        certificates never change (issue_for gives it none).
        """
        from exams.models import Attempt

        if not exam.certifies or learner.is_deleted:
            return None, None
        now = now or timezone.now()
        best = (
            Attempt.objects.filter(learner=learner, exam=exam, status=Attempt.Status.GRADED, passed=True)
            .order_by("-score", "graded_at")
            .first()
        )
        with transaction.atomic():
            certificate = cls.objects.select_for_update().filter(learner=learner, exam=exam).first()
            if best is None:
                if certificate is None or certificate.is_revoked:
                    return certificate, None
                certificate.revoke(reason, now)
                return certificate, "revoked"
            if certificate is None:
                return cls.issue_for(best), "issued"
            if certificate.is_revoked and certificate.revoked_reason != reason:
                return certificate, None
            change = "reinstated" if certificate.is_revoked else None
            certificate.attempt, certificate.score = best, best.score
            certificate.domain_scores = best.domain_scores
            certificate.revoked_at, certificate.revoked_reason = None, ""
            certificate.save()
        return certificate, change

    def revoke(self, reason, now=None):
        self.revoked_at = now or timezone.now()
        self.revoked_reason = reason
        self.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
