from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from exams.dashboard import learner_summary
from exams.models import Domain, Exam
from exams.models.attempts import AttemptError


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
@require_POST
def start(request, slug):
    exam = get_object_or_404(Exam, slug=slug, is_published=True)
    try:
        attempt = exam.start_attempt(request.user)
    except AttemptError as error:
        messages.error(request, str(error))
        return redirect("catalogue")
    return redirect("attempt_resume", attempt.pk)


@login_required
def dashboard(request):
    return render(request, "exams/dashboard.html", learner_summary(request.user))
