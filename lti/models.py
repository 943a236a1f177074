"""What dxam adds to django-lti's records (registrations, deployments, LTI users, contexts, resource links):
the origins a platform frames dxam from, launch nonces already used, the attempts an LTI launch started and
the scores posted back for them."""

from urllib.parse import urlsplit

from django.db import models
from django.utils import timezone
from lti_tool.models import LtiRegistration, LtiResourceLink, LtiUser

from config.queueing import send_after_commit


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of an http(s) URL, None for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


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
    attempts = models.PositiveSmallIntegerField(default=0)
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

    def record(self, error: str, give_up: bool, now=None) -> None:
        """Store one sending attempt: sent when `error` is empty, else pending (or failed when `give_up`)."""
        self.attempts += 1
        self.last_error = error
        if not error:
            self.status, self.sent_at = self.Status.SENT, now or timezone.now()
        elif give_up:
            self.status = self.Status.FAILED
        self.save(update_fields=["attempts", "last_error", "status", "sent_at"])

    def send_after_commit(self) -> None:
        from lti.tasks import post_score

        send_after_commit(post_score, [self.pk], f"LTI score post {self.pk}", robust=True)
