from django.conf import settings
from django.db import models


class Regrade(models.Model):
    """A regrade of one question's answers after a key fix: the request (who, when, why) and its outcome.

    Applied by the Celery task analytics.tasks.apply_regrade, which keeps `done` of `total` as it goes.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    question = models.ForeignKey("exams.Question", on_delete=models.PROTECT, related_name="regrades")
    versions = models.JSONField(
        default=list, blank=True, help_text="The version numbers whose answers are regraded; empty for all."
    )
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changes = models.JSONField(
        default=list, blank=True, help_text="One entry per attempt whose grades changed."
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Regrade of {self.question.slug} ({self.get_status_display().lower()})"

    @property
    def progress_percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)
