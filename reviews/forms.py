from django import forms

from exams.models import Response


class ResolveForm(forms.Form):
    """How a reviewer settles an answer: the decision is the button pressed, the note says why."""

    decision = forms.ChoiceField(choices=Response.Decision.choices)
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why: required when you mark the answer by hand; kept with the decision.",
    )
