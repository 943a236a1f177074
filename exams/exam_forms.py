"""The exam form of the admin: a blueprint grid (domain × difficulty counts) next to the blueprint's JSON,
review policies as checkboxes; Exam.clean validates the whole, and its messages land on their fields."""

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join

from exams.assembly import DIFFICULTY_NAMES
from exams.models import Domain, Exam
from exams.results import ReviewItem, everything

ANY = 0  # the grid column "any difficulty"
Cell = tuple[int | None, int]  # (domain number or None for the whole bank, difficulty or ANY)


def grid_of(blueprint: Any) -> dict[Cell, int] | None:
    """A blueprint as grid cells, or None when it uses what the grid cannot show (types, repeats)."""
    if not isinstance(blueprint, list):
        return None
    cells: dict[Cell, int] = {}
    for part in blueprint:
        if not isinstance(part, dict) or set(part) - {"domain", "difficulty", "count"}:
            return None
        cell = (part.get("domain"), part.get("difficulty") or ANY)
        if cell in cells or (cell[0] is None and cell[1] != ANY):
            return None
        cells[cell] = part.get("count")  # type: ignore[assignment]
    return cells


def blueprint_of(cells: dict[Cell, int]) -> list[dict[str, int]]:
    """Grid cells as blueprint parts, in domain and difficulty order; empty cells are left out."""
    parts = []
    for (domain, difficulty), count in sorted(cells.items(), key=lambda pair: (pair[0][0] or 99, pair[0][1])):
        if count:
            part = {"domain": domain} if domain is not None else {}
            if difficulty != ANY:
                part["difficulty"] = difficulty
            parts.append({**part, "count": count})
    return parts


class BlueprintGridWidget(forms.Widget):
    """A table of counts: one row per domain (and one for the whole bank), one column per difficulty."""

    columns = [(ANY, "any"), *DIFFICULTY_NAMES.items()]

    def rows(self) -> list[tuple[int | None, str]]:
        return [*((domain.number, f"{domain.number}. {domain.name}") for domain in Domain.objects.all()),
                (None, "Whole bank")]  # fmt: skip

    @staticmethod
    def input_name(name: str, domain: int | None, difficulty: int) -> str:
        return f"{name}_{domain or 'all'}_{difficulty}"

    def value_from_datadict(self, data, files, name) -> dict[Cell, str]:
        return {
            (domain, difficulty): data.get(self.input_name(name, domain, difficulty), "")
            for domain, _ in self.rows()
            for difficulty, _ in self.columns
            if domain is not None or difficulty == ANY
        }

    def render(self, name, value, attrs=None, renderer=None):
        value = value or {}
        head = format_html_join("", "<th scope='col'>{}</th>", ((label,) for _, label in self.columns))
        body = format_html_join(
            "",
            "<tr><th scope='row'>{}</th>{}</tr>",
            ((label, self._cells(name, domain, value)) for domain, label in self.rows()),
        )
        return format_html(
            '<table class="blueprint-grid" id="id_{}"><thead><tr><th>domain</th>{}</tr></thead>'
            "<tbody>{}</tbody></table>",
            name,
            head,
            body,
        )

    def _cells(self, name, domain, value):
        return format_html_join(
            "",
            '<td><input type="number" min="0" max="200" name="{}" value="{}" aria-label="{}" size="3"></td>',
            (
                (self.input_name(name, domain, difficulty), value.get((domain, difficulty)) or "",
                 f"{'domain ' + str(domain) if domain else 'whole bank'}, {label}")
                for difficulty, label in self.columns
                if domain is not None or difficulty == ANY
            ),
        )  # fmt: skip


class BlueprintGridField(forms.Field):
    widget = BlueprintGridWidget

    def to_python(self, value) -> dict[Cell, int]:
        cells = {}
        for cell, text in (value or {}).items():
            text = str(text).strip()
            if not text:
                continue
            if not (text.isascii() and text.isdigit()) or int(text) > 200:
                raise forms.ValidationError("Counts are whole numbers from 0 to 200.")
            cells[cell] = int(text)
        return cells

    def has_changed(self, initial, data) -> bool:
        return blueprint_of(initial or {}) != blueprint_of(self.to_python(data))


class ExamForm(forms.ModelForm):
    blueprint_grid = BlueprintGridField(
        required=False,
        label="Blueprint by domain × difficulty",
        help_text="How many questions each form draws from each domain and difficulty (or from the domain, "
        "or the whole bank, at any difficulty). Changing the grid replaces the blueprint below; for parts by "
        "question type, edit the JSON instead.",
    )
    review_after_submission = forms.MultipleChoiceField(
        choices=ReviewItem.choices, widget=forms.CheckboxSelectMultiple, required=False, initial=everything,
        help_text="What a result shows once graded.",
    )  # fmt: skip
    review_after_close = forms.MultipleChoiceField(
        choices=ReviewItem.choices, widget=forms.CheckboxSelectMultiple, required=False, initial=everything,
        help_text="What it shows in addition once the exam has closed for everyone (needs a close time).",
    )  # fmt: skip

    class Meta:
        model = Exam
        fields = [
            "title", "slug", "description", "mode", "time_limit_minutes", "pass_mark", "certifies",
            "blueprint_grid", "blueprint", "review_after_submission", "review_after_close", "opens_at",
            "closes_at", "max_attempts", "is_published", "position",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "blueprint": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["blueprint"].required = False
        self.fields["blueprint_grid"].initial = grid_of(self.instance.blueprint if self.instance.pk else [])

    def clean(self):
        cleaned = super().clean()
        grid = self.fields["blueprint_grid"]
        if "blueprint_grid" in cleaned and grid.has_changed(grid.initial, self.data_for("blueprint_grid")):
            if "blueprint" in self.changed_data and self.instance.pk:
                self.add_error("blueprint", "Change either the grid or the JSON, not both at once.")
            cleaned["blueprint"] = blueprint_of(cleaned["blueprint_grid"])
        return cleaned

    def data_for(self, name: str) -> Any:
        return self.fields[name].widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
