"""The Needs review list in the admin: answers whose grading failed, with the learner's answer and why.

Read-only here; each row links to the author page where a person settles it (the same page authors use).
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from accounts.roles import is_admin
from reviews.models import AnswerForReview


@admin.register(AnswerForReview)
class AnswerForReviewAdmin(admin.ModelAdmin):
    list_display = [
        "state", "exam", "learner", "question", "answer_given", "review_reason", "received_at", "settle",
    ]  # fmt: skip
    list_filter = ["needs_review", "review_decision"]
    list_display_links = None
    search_fields = ["attempt_question__version__question__slug", "attempt_question__attempt__learner__email"]

    def get_queryset(self, request):
        return AnswerForReview.objects.reviewable()

    def has_module_permission(self, request):
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="state")
    def state(self, answer):
        return "waiting" if answer.needs_review else answer.get_review_decision_display()

    @admin.display(description="exam")
    def exam(self, answer):
        return answer.attempt.exam.title

    @admin.display(description="learner")
    def learner(self, answer):
        return answer.attempt.learner.email

    @admin.display(description="question")
    def question(self, answer):
        return answer.question_label

    @admin.display(description="learner's answer")
    def answer_given(self, answer):
        return answer.answer_text or "—"

    @admin.display(description="")
    def settle(self, answer):
        label = "Resolve" if answer.needs_review else "Details"
        return format_html('<a href="{}">{}</a>', reverse("review_detail", args=[answer.pk]), label)
