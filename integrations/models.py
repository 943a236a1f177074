"""LMS integrations: API keys with scopes, the learners each integration provisioned, and signed webhooks."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.utils import timezone

from config.origins import origin_of
from config.outbound import validate_outbound_url
from config.queueing import send_after_commit

KEY_PREFIX = "dxam"

# Retry policy of a delivery: up to MAX_ATTEMPTS attempts per series (an admin's Retry starts a new one);
# after failed attempt n the next waits WEBHOOK_RETRY_BASE_SECONDS × 2^(n-1) (10 s, 20 s … 640 s by
# default, capped at an hour), about 21 minutes in all; then the delivery is marked failed.
MAX_ATTEMPTS = 8
MAX_RETRY_DELAY_SECONDS = 3600
# A delivery whose task has not run this long after its attempt was due was lost with the broker's queue
# (the broker was down when it was enqueued, or restarted without persistence, taking a waiting retry with
# it): the periodic re-send sends it. One sent twice is within the contract (at least once, with a delivery
# id to deduplicate).
LOST_TASK_AFTER = timedelta(seconds=60)


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` of a series (counting from 1)."""
    return min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempt - 1), MAX_RETRY_DELAY_SECONDS)


def lost_task_deadline() -> datetime:
    return timezone.now() + LOST_TASK_AFTER


def new_webhook_secret():
    return secrets.token_urlsafe(32)


class Integration(models.Model):
    """A platform (an LMS) that uses the API. It sees only the learners it provisioned."""

    name = models.CharField(max_length=120, unique=True)
    webhook_secret = models.CharField(
        max_length=64, default=new_webhook_secret, help_text="Signs webhook deliveries (HMAC-SHA256)."
    )
    return_origins = models.TextField(
        blank=True,
        help_text="Origins a launch link's return_url may lead back to, one per line "
        "(e.g. https://lms.example.org). Launch links with another return_url are refused.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def allows_return_to(self, url: str) -> bool:
        """True if `url` is an http(s) URL on one of the integration's return origins."""
        origin = origin_of(url)
        return origin is not None and origin in {origin_of(line) for line in self.return_origins.split()}


class ApiKeyQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, integration__is_active=True)


class ApiKey(models.Model):
    """A secret shown once when created; only its SHA-256 is stored (the key itself has 256 random bits)."""

    class Scope(models.TextChoices):
        LEARNERS = "learners", "Provision and list learners"
        ATTEMPTS = "attempts", "Start, answer and submit attempts; read results of its learners"
        RESULTS = "results", "List graded attempts of its learners"
        BANK = "bank", "Read and write the question bank"
        WEBHOOKS = "webhooks", "Register webhooks (which receive its learners' scores and certificates)"

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="keys")
    name = models.CharField(max_length=120, help_text="What this key is for, e.g. 'Moodle production'.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.integration}: {self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(secret):
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, integration, name, scopes):
        """Create a key; returns (key, secret). The secret is never stored and cannot be shown again."""
        prefix = secrets.token_hex(4)
        secret = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        key = cls.objects.create(
            integration=integration,
            name=name,
            prefix=prefix,
            digest=cls.digest_of(secret),
            scopes=list(scopes),
        )
        return key, secret

    @classmethod
    def authenticate(cls, secret):
        return cls.objects.usable().select_related("integration").filter(digest=cls.digest_of(secret)).first()

    def revoke(self, now=None):
        self.revoked_at = now or timezone.now()
        self.save(update_fields=["revoked_at"])


# External ids appear in URL paths (/api/v1/learners/{external_id}/): no "/", no spaces or control characters.
EXTERNAL_ID_PATTERN = r"^[A-Za-z0-9._~:@+=-]{1,200}$"
validate_external_id = RegexValidator(
    EXTERNAL_ID_PATTERN,
    "Use 1–200 letters, digits and . _ ~ : @ + = - (no slashes or spaces).",
    code="invalid_external_id",
)


class ProvisionedLearner(models.Model):
    """A dxam account created by an integration for one of its users, known to it by its own id."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="learners")
    external_id = models.CharField(max_length=200, validators=[validate_external_id])
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provisions")
    email = models.EmailField(
        blank=True,
        help_text="The address the integration gave (the account uses it only if no other account did).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["integration", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "external_id"], name="unique_external_id"),
        ]

    def __str__(self):
        return f"{self.integration}: {self.external_id}"


class WebhookEndpoint(models.Model):
    class Event(models.TextChoices):
        ATTEMPT_GRADED = "attempt.graded", "An attempt of one of its learners was graded"
        CERTIFICATE_ISSUED = "certificate.issued", "One of its learners earned a certificate"
        ATTEMPT_REGRADED = "attempt.regraded", "An attempt of one of its learners was regraded"
        CERTIFICATE_REVOKED = "certificate.revoked", "A certificate of one of its learners was revoked"

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"]), validate_outbound_url],
        help_text="Receives a signed POST for each event it subscribes to.",
    )
    events = models.JSONField(default=list, help_text="The Event values it subscribes to.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["integration", "url"]

    def __str__(self):
        return f"{self.integration} → {self.url}"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    # Each event is delivered once per endpoint, however often the pipeline that raised it runs.
    event_key = models.CharField(max_length=120)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    series_start = models.PositiveSmallIntegerField(
        default=0, help_text="Attempts made before the current series (Retry starts a new one)."
    )
    next_attempt_at = models.DateTimeField(
        default=lost_task_deadline,
        help_text="While pending: when the periodic re-send sends it, unless its queued task has by then.",
    )
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_key"], name="one_delivery_per_event")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=models.Q(status="pending"), name="webhook_delivery_due"
            )
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint.url} ({self.status})"

    @property
    def series_attempts(self) -> int:
        """Attempts made in the current series."""
        return self.attempts - self.series_start

    def record_attempt(self, outcome, give_up: bool = False, now: datetime | None = None) -> None:
        """Store one sending attempt: delivered on a 2xx; else failed after the series' last attempt (or when
        `give_up`), and otherwise pending until the next attempt is due. The task's own retry makes that
        attempt on time; the periodic re-send steps in LOST_TASK_AFTER later, should the retry be lost."""
        now = now or timezone.now()
        self.attempts += 1
        self.last_status_code = outcome.status_code
        self.last_error = outcome.error
        if outcome.ok:
            self.status = self.Status.SUCCEEDED
            self.delivered_at = now
        elif give_up or self.series_attempts >= MAX_ATTEMPTS:
            self.status = self.Status.FAILED
        else:
            self.next_attempt_at = (
                now + timedelta(seconds=retry_delay(self.series_attempts)) + LOST_TASK_AFTER
            )
        self.save(
            update_fields=[
                "attempts", "last_status_code", "last_error", "status", "delivered_at", "next_attempt_at"
            ]
        )  # fmt: skip

    def abandon(self, reason):
        self.status = self.Status.FAILED
        self.last_error = reason
        self.save(update_fields=["status", "last_error"])

    def retry(self):
        """Send again, with a fresh series of attempts; a delivered event is never sent twice."""
        if self.status == self.Status.SUCCEEDED:
            return False
        self.status, self.series_start, self.next_attempt_at = (
            self.Status.PENDING,
            self.attempts,
            lost_task_deadline(),
        )
        self.save(update_fields=["status", "series_start", "next_attempt_at"])
        self.send_after_commit()
        return True

    def send_after_commit(self):
        """Hand the delivery to a worker once the transaction that recorded it commits.

        If the broker is down it stays pending until the periodic re-send (or an admin) sends it. In the
        embedded mode the delivery runs inside the request that graded the attempt and must never fail it.
        """
        from integrations.tasks import deliver_webhook

        send_after_commit(deliver_webhook, [self.pk], f"webhook delivery {self.pk}", robust=True)
