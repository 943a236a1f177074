"""Running exams from the admin: attempts (with the staff actions, each recorded on the attempt) and regrades
(a dry run first, then a Celery task with progress)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import is_admin
from analytics import forms as action_forms
from analytics.models import Regrade
from analytics.regrade import dry_run, regrade_attempt
from analytics.staff import void_attempt
from analytics.tasks import apply_regrade
from config.admin_mixins import NoRowEdits, ReadOnlyInline
from config.queueing import send_after_commit
from exams.models import Attempt, AttemptEvent, AttemptQuestion, Question, Response, StaffActionError


class AdminOnly(NoRowEdits):
    """Everything here is for admins (Django staff) only, and nothing is added or edited as a row."""

    def has_module_permission(self, request):
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user)


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "needs review"
    parameter_name = "needs_review"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        waiting = Response.objects.filter(needs_review=True).values("attempt_question__attempt_id")
        if self.value() == "yes":
            return queryset.filter(pk__in=waiting)
        if self.value() == "no":
            return queryset.exclude(pk__in=waiting)
        return queryset


class ResponseInline(ReadOnlyInline, AdminOnly, admin.TabularInline):
    """Every question of the attempt with the learner's answer and how it was graded."""

    model = AttemptQuestion
    verbose_name, verbose_name_plural = "question", "questions and responses"
    fields = [
        "position",
        "question",
        "version_number",
        "answer",
        "verdict",
        "score",
        "diagnosis",
        "time_spent",
    ]
    readonly_fields = fields
    ordering = ["position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "version", "response")

    @admin.display(description="version")
    def version_number(self, item):
        return item.version.number

    @admin.display(description="answer")
    def answer(self, item):
        response = getattr(item, "response", None)
        return item.describe_answer(response.answer) if response else "—"

    @admin.display(description="verdict")
    def verdict(self, item):
        response = getattr(item, "response", None)
        if response is None:
            return "not answered"
        return "needs review" if response.needs_review else response.verdict or "—"

    @admin.display(description="score")
    def score(self, item):
        response = getattr(item, "response", None)
        return "—" if response is None or response.score is None else f"{response.score:g}"

    @admin.display(description="diagnosis")
    def diagnosis(self, item):
        response = getattr(item, "response", None)
        return ", ".join(response.diagnosis) if response and response.diagnosis else ""

    @admin.display(description="time spent")
    def time_spent(self, item):
        response = getattr(item, "response", None)
        if response is None or item.first_seen_at is None:
            return "—"
        return f"{max(0.0, (response.saved_at - item.first_seen_at).total_seconds()):.0f} s"


class EventInline(ReadOnlyInline, AdminOnly, admin.TabularInline):
    """What admins did to the attempt: who, when, why."""

    model = AttemptEvent
    verbose_name, verbose_name_plural = "staff action", "staff actions (who, when, why)"
    fields = ["at", "action", "actor", "reason", "details"]
    readonly_fields = fields


def _extend(attempt: Attempt, data: dict, user: Any) -> str:
    attempt.extend(data["minutes"], user, data["reason"])
    return f"Extended by {data['minutes']} minutes; the attempt now ends at {attempt.deadline:%H:%M:%S} UTC."


def _accommodate(attempt: Attempt, data: dict, user: Any) -> str:
    attempt.grant_accommodation(data["multiplier"], user, data["reason"])
    return f"{attempt.learner} now gets {data['multiplier']}× the time limit."


def _reopen(attempt: Attempt, data: dict, user: Any) -> str:
    attempt.reopen(data["minutes"], user, data["reason"])
    return "Reopened: the learner can continue it."


def _void(attempt: Attempt, data: dict, user: Any) -> str:
    event = void_attempt(attempt, user, data["reason"])
    revoked = " Its certificate was revoked." if event.details.get("certificate") == "revoked" else ""
    return f"Voided.{revoked}"


def _regrade(attempt: Attempt, data: dict, user: Any) -> str:
    change = regrade_attempt(attempt, user, data["reason"])
    if change is None:
        return "Regraded: nothing changed."
    return f"Regraded: {_percent(change.old_score)} → {_percent(change.new_score)}."


def _percent(score: float | None) -> str:
    return "—" if score is None else f"{score * 100:.1f}%"


# name: (title, form, what it does); one URL each: <attempt>/<name>/
STAFF_ACTIONS: dict[str, tuple[str, type[forms.Form], Callable[[Attempt, dict, Any], str]]] = {
    "extend": ("Extend the time", action_forms.MinutesForm, _extend),
    "accommodate": ("Grant extra time to the learner", action_forms.AccommodationForm, _accommodate),
    "reopen": ("Reopen", action_forms.MinutesForm, _reopen),
    "void": ("Void", action_forms.ReasonForm, _void),
    "regrade": ("Regrade with the current versions", action_forms.ReasonForm, _regrade),
}


@admin.register(Attempt)
class AttemptAdmin(AdminOnly, admin.ModelAdmin):
    list_display = [
        "started_at",
        "learner",
        "exam",
        "status",
        "percent",
        "passed",
        "submitted_at",
        "deadline",
    ]
    list_filter = [
        "exam",
        "status",
        "passed",
        NeedsReviewFilter,
        ("learner", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["exam", "learner"]
    search_fields = ["learner__email", "learner__display_name", "exam__slug", "id"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "id", "exam", "learner", "status", "percent", "passed", "domain_scores", "started_at", "deadline",
        "submitted_at", "finalized_by", "graded_at", "seed",
    ]  # fmt: skip
    fields = readonly_fields
    inlines = [ResponseInline, EventInline]
    change_form_template = "admin/exams/attempt/change_form.html"

    @admin.display(description="score")
    def percent(self, attempt):
        return "—" if attempt.percent is None else f"{attempt.percent}%"

    def get_urls(self):
        action = path(
            "<path:object_id>/do/<slug:action>/",
            self.admin_site.admin_view(self.staff_action_view),
            name="exams_attempt_action",
        )
        return [action, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        actions = [(name, title) for name, (title, _, _) in STAFF_ACTIONS.items()]
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "staff_actions": actions}
        )

    def staff_action_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if action not in STAFF_ACTIONS:
            raise Http404("No such action.")
        attempt = self.get_object(request, object_id)
        if attempt is None:
            raise Http404("No such attempt.")
        title, form_class, perform = STAFF_ACTIONS[action]
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                message = perform(attempt, form.cleaned_data, request.user)
            except StaffActionError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:exams_attempt_change", attempt.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title}: {attempt}",
            "attempt": attempt,
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/exams/attempt/staff_action.html", context)


@admin.register(Regrade)
class RegradeAdmin(AdminOnly, admin.ModelAdmin):
    """Regrades: requested from a question (dry run first), applied by a Celery task with progress."""

    list_display = ["created_at", "question", "versions", "status", "progress", "changed", "requested_by"]
    list_filter = ["status"]
    readonly_fields = [
        "question", "versions", "reason", "requested_by", "created_at", "status", "progress", "finished_at",
        "error",
    ]  # fmt: skip
    fields = readonly_fields
    change_form_template = "admin/analytics/regrade/change_form.html"

    @admin.display(description="progress")
    def progress(self, regrade):
        return f"{regrade.done} of {regrade.total} attempts ({regrade.progress_percent}%)"

    @admin.display(description="attempts changed")
    def changed(self, regrade):
        return len(regrade.changes)

    def get_urls(self):
        return [
            path(
                "question/<int:question_id>/", self.admin_site.admin_view(self.plan_view), name="regrade_plan"
            ),
            path(
                "question/<int:question_id>/apply/",
                self.admin_site.admin_view(require_POST(self.apply_view)),
                name="regrade_apply",
            ),
            *super().get_urls(),
        ]

    def plan_view(self, request: HttpRequest, question_id: int) -> HttpResponse:
        """The dry run: what regrading the question's answers with its current version would change."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        question = get_object_or_404(Question.objects.select_related("current_version"), pk=question_id)
        form = action_forms.RegradeRequestForm(request.GET or None)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Regrade {question.slug}",
            "question": question,
            "form": form,
            "opts": self.opts,
        }
        if form.is_valid():
            changes = dry_run(question, form.cleaned_data["versions"])
            context.update(changes=changes, flips=sum(change.flips for change in changes))
        return TemplateResponse(request, "admin/analytics/regrade/plan.html", context)

    def apply_view(self, request: HttpRequest, question_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        question = get_object_or_404(Question, pk=question_id)
        form = action_forms.RegradeRequestForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Give a reason and valid version numbers.", messages.ERROR)
            return redirect("admin:regrade_plan", question.pk)
        regrade = Regrade.objects.create(
            question=question,
            versions=form.cleaned_data["versions"],
            reason=form.cleaned_data["reason"],
            requested_by=request.user,
            created_at=timezone.now(),
        )
        send_after_commit(apply_regrade, [regrade.pk], f"regrade {regrade.pk}")
        self.message_user(request, "The regrade runs in the background; this page shows its progress.")
        return redirect("admin:analytics_regrade_change", regrade.pk)
