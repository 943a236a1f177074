"""The forms of the staff actions on an attempt: each says why, and what it needs (minutes, a multiplier)."""

from django import forms

REASON_HELP = "Recorded on the attempt with your name and the time."


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP)


class MinutesForm(ReasonForm):
    minutes = forms.IntegerField(min_value=1, max_value=24 * 60, initial=10)


class AccommodationForm(ReasonForm):
    multiplier = forms.DecimalField(
        min_value=1, max_value=4, max_digits=3, decimal_places=2, initial="1.5",
        help_text="Timed exams give this learner this many times the time limit, from now on; a running "
        "attempt is stretched to match.",
    )  # fmt: skip


class RegradeRequestForm(ReasonForm):
    versions = forms.CharField(
        required=False,
        help_text="Version numbers whose answers to regrade, comma-separated; empty for all versions.",
    )

    def clean_versions(self) -> list[int]:
        text = self.cleaned_data["versions"]
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError("List version numbers, e.g. 1, 2.")
        return sorted({int(part) for part in parts})
