"""Authors' pages for answers that could not be graded automatically: the list, and settling one."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from exams.authoring import author_required
from exams.models.attempts import ReviewError
from reviews.forms import ResolveForm
from reviews.models import AnswerForReview

RESOLVED_SHOWN = 50


@author_required
def review_list(request):
    answers = AnswerForReview.objects.reviewable()
    context = {
        "pending": list(answers.filter(needs_review=True).order_by("received_at")),
        "resolved": list(answers.filter(needs_review=False).order_by("-reviewed_at")[:RESOLVED_SHOWN]),
    }
    return render(request, "reviews/list.html", context)


@author_required
def review_detail(request, pk):
    answer = get_object_or_404(AnswerForReview.objects.reviewable(), pk=pk)
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            answer.resolve(form.cleaned_data["decision"], request.user, form.cleaned_data["note"])
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Resolved: {answer.get_review_decision_display().lower()}.")
            return redirect("review_list")
    return render(request, "reviews/detail.html", {"answer": answer, "form": form})
