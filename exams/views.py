from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from exams.models import Attempt, Domain, Exam
from exams.models.attempts import AttemptError
from exams.results import describe_for_learners
from exams.signals import attempt_started, send_to_receivers


def home(request):
    return render(request, "home.html", {"domains": Domain.objects.all()})


def catalogue(request):
    exams = Exam.objects.filter(is_published=True)
    open_attempts = {}
    if request.user.is_authenticated:
        open_attempts = {
            attempt.exam_id: attempt
            for attempt in request.user.attempts.filter(status="open", exam__in=exams)
        }
    rows = [(exam, open_attempts.get(exam.pk)) for exam in exams]
    return render(request, "exams/catalogue.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def start(request, slug):
    """The exam's start page (what it holds, its time limit); POST starts it or resumes the open attempt."""
    exam = get_object_or_404(Exam, slug=slug, is_published=True)
    if request.method == "GET":
        return render(request, "exams/start.html", _start_page_context(exam, request.user))
    try:
        attempt = exam.start_attempt(request.user)
    except AttemptError as error:
        messages.error(request, str(error))
        return redirect("catalogue")
    send_to_receivers(attempt_started, Attempt, attempt=attempt, request=request)
    return redirect("attempt_resume", attempt.pk)


def _start_page_context(exam, learner):
    """What the start page says before the clock runs: time (with the learner's extra time), review, grace."""
    limit = exam.time_limit_minutes
    review_summary = describe_for_learners(exam.review_after_submission)
    if exam.closes_at and set(exam.review_after_close) - set(exam.review_after_submission):
        review_summary += f", and {describe_for_learners(exam.review_after_close)} once the exam has closed"
    return {
        "exam": exam,
        "open_attempt": exam.open_attempt(learner),
        "time_limit_minutes": round(limit * float(learner.time_multiplier)) if limit else None,
        "grace_seconds": int(Attempt.grace().total_seconds()),
        "review_summary": review_summary,
    }
