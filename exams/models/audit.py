"""What admins did to attempts: who, when, why, and what changed. Written by the Attempt's staff actions
(extend, accommodation, reopen, void) and by regrades, shown on the attempt's admin page."""

from django.conf import settings
from django.db import models


class StaffActionError(Exception):
    """An admin's request on an attempt that the rules refuse; `code` is stable, the message is shown."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class AttemptEvent(models.Model):
    class Action(models.TextChoices):
        EXTEND = "extend", "Extended the time"
        ACCOMMODATION = "accommodation", "Granted extra time to the learner"
        REOPEN = "reopen", "Reopened"
        VOID = "void", "Voided"
        REGRADE = "regrade", "Regraded"

    attempt = models.ForeignKey("exams.Attempt", on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    details = models.JSONField(
        default=dict, blank=True, help_text="What changed, e.g. the old and new deadline."
    )

    class Meta:
        ordering = ["attempt", "at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor} at {self.at:%Y-%m-%d %H:%M}"
