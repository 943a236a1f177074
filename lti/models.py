"""What dxam adds to django-lti's records (registrations, deployments, LTI users, contexts, resource links):
the origins a platform frames dxam from, launch nonces already used, the attempts an LTI launch started and
the scores posted back for them."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from lti_tool.models import LtiRegistration, LtiResourceLink, LtiUser

from config.origins import origin_of
from config.queueing import send_after_commit


class LtiPlatform(models.Model):
    """dxam's settings for one platform registration."""

    registration = models.OneToOneField(LtiRegistration, on_delete=models.CASCADE, related_name="dxam")
    frame_origins = models.TextField(
        blank=True,
        help_text="Extra origins that show dxam in a frame, one per line (e.g. https://school.instructure.com"
        " "
        "for Canvas). The issuer's and the OIDC auth URL's origins are always allowed.",
    )

    class Meta:
        verbose_name = "frame origins"
        verbose_name_plural = "frame origins"

    def __str__(self) -> str:
        return str(self.registration)


def frame_origins(registration: LtiRegistration) -> list[str]:
    """The origins allowed to frame pages of a launch from `registration` (CSP frame-ancestors)."""
    extra = getattr(registration, "dxam", None)
    candidates = [registration.issuer, registration.auth_url, *(extra.frame_origins.split() if extra else [])]
    return sorted({origin for origin in map(origin_of, candidates) if origin})


class UsedNonce(models.Model):
    """A launch's nonce, recorded when the launch succeeds: the same id_token is never accepted twice."""

    issuer = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255)
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "nonce"], name="one_use_per_nonce")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.nonce}"


class LtiAttempt(models.Model):
    """An attempt started from an LTI resource link: where its score goes (the launch's AGS claim)."""

    attempt = models.OneToOneField("exams.Attempt", on_delete=models.CASCADE, related_name="lti")
    resource_link = models.ForeignKey(LtiResourceLink, on_delete=models.CASCADE, related_name="+")
    lti_user = models.ForeignKey(LtiUser, on_delete=models.CASCADE, related_name="+")
    ags = models.JSONField(
        default=dict, help_text="The launch's AGS endpoint claim (scope, lineitems, lineitem)."
    )

    def __str__(self) -> str:
        return f"{self.attempt} ← {self.resource_link}"

    @property
    def can_post_scores(self) -> bool:
        scopes = self.ags.get("scope") if isinstance(self.ags, dict) else None
        return isinstance(scopes, list) and "https://purl.imsglobal.org/spec/lti-ags/scope/score" in scopes


# Retry policy of a score post: up to SCORE_POST_MAX_ATTEMPTS attempts; after failed attempt n the next one
# waits LTI_SCORE_RETRY_BASE_SECONDS × 2^(n-1), capped at an hour; then the post is marked failed (admin →
# Score posts, filter "Failed", action "Send again" starts a new series of attempts).
SCORE_POST_MAX_ATTEMPTS = 8
MAX_RETRY_DELAY_SECONDS = 3600
# How long a queued sending may take to run before the periodic resend (lti.tasks.resend_stale_scores) sends
# the post itself: its task was lost (broker down, worker killed).
LOST_TASK_AFTER = timedelta(minutes=5)


def retry_delay(attempt: int) -> int:
    """Seconds to wait after failed attempt `attempt` (1, 2, …) before the next one."""
    return min(settings.LTI_SCORE_RETRY_BASE_SECONDS * 2 ** (attempt - 1), MAX_RETRY_DELAY_SECONDS)


def lost_task_deadline() -> datetime:
    return timezone.now() + LOST_TASK_AFTER


class ScorePost(models.Model):
    """One score sent to the platform's gradebook: one per grading of an attempt (a regrade posts again)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    lti_attempt = models.ForeignKey(LtiAttempt, on_delete=models.CASCADE, related_name="score_posts")
    graded_at = models.DateTimeField()
    score_given = models.FloatField()
    score_maximum = models.FloatField(default=100)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Sending attempts of the current series (Send again starts a new one)."
    )
    next_attempt_at = models.DateTimeField(
        default=lost_task_deadline,
        help_text="While pending: when the periodic resend sends it, unless a queued task has by then.",
    )
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["lti_attempt", "graded_at"], name="one_post_per_grading")
        ]

    def __str__(self) -> str:
        return f"{self.score_given}/{self.score_maximum} for {self.lti_attempt.attempt_id} ({self.status})"

    @property
    def is_latest(self) -> bool:
        return not self.lti_attempt.score_posts.filter(graded_at__gt=self.graded_at).exists()

    def record(self, error: str, retry_queued: bool, now: datetime | None = None) -> None:
        """Store one sending attempt: sent when `error` is empty; else pending until its next attempt is due
        (failed after the last one). `retry_queued`: a Celery retry will make that attempt on time, so the
        periodic resend only steps in LOST_TASK_AFTER later; in the embedded mode the resend makes it."""
        now = now or timezone.now()
        self.attempts += 1
        self.last_error = error
        if not error:
            self.status, self.sent_at = self.Status.SENT, now
        elif self.attempts >= SCORE_POST_MAX_ATTEMPTS:
            self.status = self.Status.FAILED
        else:
            self.next_attempt_at = now + timedelta(seconds=retry_delay(self.attempts))
            if retry_queued:
                self.next_attempt_at += LOST_TASK_AFTER
        self.save(update_fields=["attempts", "last_error", "status", "sent_at", "next_attempt_at"])

    def abandon(self, reason: str) -> None:
        self.status, self.last_error = self.Status.FAILED, reason
        self.save(update_fields=["status", "last_error"])

    def send_again(self) -> None:
        """A staff member's retry: a new series of attempts, starting as soon as the transaction commits."""
        self.status, self.attempts, self.next_attempt_at = self.Status.PENDING, 0, lost_task_deadline()
        self.save(update_fields=["status", "attempts", "next_attempt_at"])
        self.send_after_commit()

    def send_after_commit(self) -> None:
        from lti.tasks import post_score

        send_after_commit(post_score, [self.pk], f"LTI score post {self.pk}", robust=True)
