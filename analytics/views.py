"""Item statistics pages for authors and admins: the sortable overview (all exams, or one with its score
distribution and reliability), its CSV export; the question's author page includes its own (templatetags)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode

from analytics import statistics
from exams.authoring import author_required
from exams.models import Exam


def scope_of(request: HttpRequest) -> tuple[Exam | None, bool]:
    """The exam (?exam=slug, or every exam) and whether only first attempts count (?attempts=first)."""
    slug = request.GET.get("exam", "")
    exam = get_object_or_404(Exam, slug=slug) if slug else None
    return exam, request.GET.get("attempts") == "first"


def _items(exam: Exam | None, first_only: bool):
    if exam is not None:
        summary = statistics.exam_statistics(exam, first_only)
        return summary, summary.items
    return None, statistics.item_statistics(statistics.counted_attempts(first_only))


@author_required
def overview(request: HttpRequest) -> HttpResponse:
    exam, first_only = scope_of(request)
    summary, items = _items(exam, first_only)
    sort = request.GET.get("sort", "slug")
    scope = {"exam": exam.slug if exam else "", "attempts": "first" if first_only else "all"}
    columns = [
        (name, label, urlencode({**scope, "sort": f"-{name}" if sort == name else name}))
        for name, label in (
            ("slug", "question"), ("domain", "domain"), ("difficulty", "difficulty"), ("type", "type"),
            ("presented", "presented"), ("facility", "facility"), ("discrimination", "discrimination"),
            ("median_seconds", "median time"),
        )
    ]  # fmt: skip
    context = {
        "exams": Exam.objects.all(),
        "exam": exam,
        "first_only": first_only,
        "summary": summary,
        "items": statistics.sorted_items(items, sort),
        "columns": columns,
        "sort": sort,
        "scope": urlencode(scope),
        "other_scope": urlencode({**scope, "attempts": "all" if first_only else "first", "sort": sort}),
        "min_responses": statistics.MIN_RESPONSES_FOR_FLAGS,
        "largest_bin": max((count for _, _, count in summary.histogram), default=0) if summary else 0,
    }
    return render(request, "analytics/overview.html", context)


@author_required
def export_csv(request: HttpRequest) -> HttpResponse:
    exam, first_only = scope_of(request)
    _, items = _items(exam, first_only)
    which = f"{exam.slug if exam else 'all-exams'}-{'first' if first_only else 'all'}-attempts"
    name = f"item-statistics-{which}.csv"
    response = HttpResponse(
        statistics.to_csv(statistics.sorted_items(items, "slug")), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
