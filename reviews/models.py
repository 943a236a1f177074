"""The answers whose automatic grading failed for a reason that is not the learner's, as one list.

The state lives on exams.Response (needs_review, review_reason, review_decision …) because grading writes it;
this app only shows it and lets a person settle it with Response.resolve().
"""

from django.db import models
from django.db.models import Q

from exams.models import Response


class ReviewQuerySet(models.QuerySet):
    def reviewable(self):
        """Answers waiting for review, and those already settled (their record: who, when, why)."""
        return self.filter(Q(needs_review=True) | ~Q(review_decision="")).select_related(
            "attempt_question__attempt__exam",
            "attempt_question__attempt__learner",
            "attempt_question__version",
            "reviewed_by",
        )

    def pending(self):
        return self.reviewable().filter(needs_review=True)


class AnswerForReview(Response):
    objects = ReviewQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "answer needing review"
        verbose_name_plural = "needs review"
        ordering = ["-needs_review", "-received_at"]

    @property
    def item(self):
        return self.attempt_question

    @property
    def attempt(self):
        return self.attempt_question.attempt

    @property
    def answer_text(self):
        return self.attempt_question.describe_answer(self.answer)

    @property
    def question_label(self):
        version = self.attempt_question.version
        return f"{version.content.get('slug')} v{version.number}"
