"""Pages for authors: a question as the learner sees it, with a box to try answers, and its history."""

import difflib
from functools import wraps

import yaml
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from accounts.roles import is_author
from exams.models import Question
from exams.models.attempts import grade_or_fail
from exams.question_types import CHOICE_TYPES, learner_view
from exams.variants import ParameterError, format_value
from grading import engine

MAX_SEED = 2**31 - 1


def author_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_author(request.user):
            raise PermissionDenied("Only authors can see this page.")
        return view(request, *args, **kwargs)

    return wrapper


def _seed(request):
    try:
        return min(max(int(request.GET.get("seed", 0)), 0), MAX_SEED)
    except ValueError:
        return 0


@author_required
def question_preview(request, slug):
    question = get_object_or_404(Question.objects.select_related("domain", "current_version"), slug=slug)
    version = question.current_version
    seed = _seed(request)
    context = {"question": question, "version": version, "seed": seed}
    if version is None:
        return render(request, "exams/author/question_preview.html", context)
    try:
        variant = version.variant(seed)
    except ParameterError as error:
        context["variant_error"] = str(error)
        return render(request, "exams/author/question_preview.html", context)

    content = variant.content
    response = request.GET.getlist("option") if content["type"] in CHOICE_TYPES else request.GET.get("answer")
    tried = "option" in request.GET or bool(request.GET.get("answer"))
    context.update(
        content=content,
        view=learner_view(content),
        values={name: format_value(value, key=True) for name, value in variant.values.items()},
        response=response,
        outcome=grade_or_fail(content, response) if tried else None,
        interpretation=(
            engine.preview(content["symbols"], response)
            if tried and content["type"] == "expression"
            else None
        ),
    )
    return render(request, "exams/author/question_preview.html", context)


@author_required
def question_history(request, slug):
    question = get_object_or_404(Question, slug=slug)
    versions = list(question.versions.select_related("created_by").order_by("number"))
    previous_text = ""
    history = []
    for version in versions:
        text = yaml.safe_dump(version.content, sort_keys=False, allow_unicode=True, width=100)
        diff = difflib.unified_diff(previous_text.splitlines(), text.splitlines(), lineterm="", n=1)
        history.append({"version": version, "diff": list(diff)[2:]})
        previous_text = text
    history.reverse()
    return render(request, "exams/author/question_history.html", {"question": question, "history": history})
