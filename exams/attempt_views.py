"""Taking an attempt: one question per page, autosave, flags, live preview, practice checks, submit, results.

Views route; the rules are Attempt and AttemptQuestion methods. JSON endpoints answer the page's script
(static/js/attempt.js); every form also works without it.
"""

import json
from datetime import UTC, datetime
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.api_errors import ATTEMPT_ERROR_STATUS
from config.rows import fetch
from config.times import iso
from exams import readings
from exams.models import Attempt, AttemptQuestion
from exams.models.attempts import SOLUTION_AFTER_WRONG_CHECKS, AttemptError, InvalidAnswer, NoSuchQuestion
from exams.question_types import interpret_reading, reading_of


def journal_prefix(attempt):
    """The page's localStorage journal keys: one learner's one attempt, so no other entry is ever sent."""
    return f"dxam:{attempt.learner_id}:{attempt.pk}:"


NOT_YOURS = "No such attempt in your attempts."


def _own_attempt(request, attempt_id, related=()):
    """The signed-in learner's own attempt; 404 for anyone else's. Read by a precompiled statement: every
    status poll and question page starts here (see config.rows)."""
    attempt = fetch(Attempt, related=related, pk=attempt_id, learner=request.user.pk)
    if attempt is None:
        raise Http404(NOT_YOURS)
    return attempt


def _get_attempt(request, attempt_id):
    """The learner's own attempt with its exam (one statement), finalized first if its time is up."""
    attempt = _own_attempt(request, attempt_id, related=("exam",))
    attempt.finalize_if_expired(by=Attempt.FinalizedBy.ACCESS)
    return attempt


def _timing(attempt, now):
    return {
        "server_now": iso(now),
        "deadline": iso(attempt.deadline),
        "remaining_seconds": attempt.remaining_seconds(now),
        "grace_seconds": int(Attempt.grace().total_seconds()),
        "status": attempt.status,
        # The page asks this often whether the deadline moved (an admin extended it) or the attempt ended.
        "poll_seconds": settings.ATTEMPT_STATUS_POLL_SECONDS,
    }


def _refused(request, attempt, error, wants_json=False, position=None):
    """The pages' one answer to a refusal of the attempt rules: a missing question is a 404; anything else
    is said on the attempt's page (or, to the page's script, as JSON with the error's stable code)."""
    if wants_json:
        # Read again, as the learner's (an autosave's attempt was not read before its lock): a refusal may
        # have finalized it, and its timing says so.
        attempt = _own_attempt(request, attempt.pk)
        body = {"saved": False, "code": error.code, "error": str(error), **_timing(attempt, timezone.now())}
        return JsonResponse(body, status=ATTEMPT_ERROR_STATUS.get(error.code, 409))
    if isinstance(error, NoSuchQuestion):
        raise Http404(str(error))
    messages.error(request, str(error))
    if position is not None and attempt.status == Attempt.Status.OPEN:
        return redirect("attempt_question", attempt.pk, position)
    return redirect("attempt_resume", attempt.pk)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _submitted_answer(request, item):
    """The answer the question's form sent. A request that is not a form, or a form without the answer's
    field, is refused: read as an empty answer, it would overwrite the one saved."""
    if request.content_type not in FORM_TYPES or not (item.is_choice or "answer" in request.POST):
        raise InvalidAnswer("The answer could not be read.", {"answer": ["Send the question's form."]})
    if item.is_choice:
        return request.POST.getlist("option")
    return request.POST.get("answer", "")


@login_required
@require_GET
def resume(request, attempt_id):
    attempt = _get_attempt(request, attempt_id)
    if attempt.status != Attempt.Status.OPEN:
        return redirect("attempt_result", attempt.pk)
    first_unanswered = next(
        (item for item in attempt.questions.select_related("response") if not item.answered), None
    )
    return redirect("attempt_question", attempt.pk, first_unanswered.position if first_unanswered else 1)


@login_required
@require_GET
def question_page(request, attempt_id, position):
    attempt = _get_attempt(request, attempt_id)
    if attempt.status != Attempt.Status.OPEN:
        messages.info(request, "This attempt has been submitted.")
        return redirect("attempt_result", attempt.pk)
    # The navigation needs every question's state but only this one's content and response.
    try:
        item = attempt.question_at(position)
    except NoSuchQuestion as error:
        raise Http404(str(error)) from None
    states = attempt.question_states()
    response = getattr(item, "response", None)
    practice = attempt.exam.is_practice
    feedback = response if practice and response and response.verdict else None
    now = timezone.now()
    item.mark_seen(now)
    context = {
        "attempt": attempt,
        "exam": attempt.exam,
        "question_count": len(states),
        "navigation": _navigation(attempt, states),
        "current_position": str(position),
        "item": item,
        "view": item.view,
        "response": response.answer if response else None,
        "answered_count": sum(state.answered for state in states),
        "journal_prefix": journal_prefix(attempt),
        "reading": "" if item.is_choice else readings.signed_reading(item),
        "feedback": feedback,
        # The engine's diagnosis codes (shape_mismatch, scalar_multiple …) as words: "shape mismatch".
        "diagnosis": ", ".join(code.replace("_", " ") for code in feedback.diagnosis) if feedback else "",
        "hints": item.content["hints"][: item.hints_shown] if practice else [],
        "hint_count": len(item.content["hints"]) if practice else 0,
        "more_hints": practice and item.hints_shown < len(item.content["hints"]),
        "solution": item.content["solution"] if practice and item.solution_unlocked else None,
        "wrong_checks_left": max(0, SOLUTION_AFTER_WRONG_CHECKS - item.wrong_checks),
        "timing": _timing(attempt, now),
        "previous": position - 1 if position > 1 else None,
        "next": position + 1 if position < len(states) else None,
    }
    return render(request, "exams/attempt/question.html", context)


def _navigation(attempt, states):
    """The side navigation's links, built here: reversing one URL per question in the template cost more
    than the rest of the page. Positions go out as text: the template's number localization of three
    numbers per question cost a sixth of the page."""
    first = reverse("attempt_question", args=[attempt.pk, 1])
    prefix = first.removesuffix("1/")
    return [
        {"position": str(state.position), "url": f"{prefix}{state.position}/", "answered": state.answered,
         "flagged": state.flagged}
        for state in states
    ]  # fmt: skip


@login_required
@require_POST
def save_answer(request, attempt_id, position):
    """Save one answer. JSON in (from the page's script) gives JSON out; a plain form post navigates.

    Autosaves are most of the traffic: the attempt is read once, without its exam, under the row lock of
    Attempt.save_answer, which checks it is the learner's and finalizes it if its time is up."""
    wants_json = request.content_type == "application/json"
    if wants_json:
        attempt = Attempt(pk=attempt_id, learner_id=request.user.pk)
    else:
        attempt = _own_attempt(request, attempt_id)
    try:
        if wants_json:
            answer, saved_at = _json_answer(request.body)
        else:
            answer, saved_at = _submitted_answer(request, attempt.question_for_saving(position)), None
        saved = attempt.save_answer(position, answer, saved_at=saved_at)
    except Attempt.DoesNotExist:
        raise Http404(NOT_YOURS) from None
    except AttemptError as error:
        return _refused(request, attempt, error, wants_json)
    if wants_json:
        timing = _timing(saved.attempt, timezone.now())
        return JsonResponse({"saved": saved.saved, "saved_at": iso(saved.response.saved_at), **timing})
    return redirect(_after_save_url(request, attempt, position))


def _json_answer(body):
    """The page script's {"answer", "saved_at"}; anything unreadable is an invalid answer."""
    try:
        payload = json.loads(body or b"{}")
        if not isinstance(payload, dict):
            raise ValueError("not an object")
        return payload.get("answer"), _parse_stamp(payload.get("saved_at"))
    except (ValueError, TypeError, OverflowError, OSError):
        raise InvalidAnswer(
            "The answer could not be read.", {"body": ["Unreadable JSON or saved_at."]}
        ) from None


def _after_save_url(request, attempt, position):
    target = request.POST.get("go")
    if target == "submit":
        return reverse("attempt_submit", args=[attempt.pk])
    if target and target.isascii() and target.isdigit():
        return reverse("attempt_question", args=[attempt.pk, int(target)])
    return reverse("attempt_question", args=[attempt.pk, position])


def _parse_stamp(value):
    """A client stamp in server time: ISO 8601 or epoch milliseconds; None when absent."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    stamp = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        raise ValueError("the stamp needs a time zone")
    return stamp


@login_required
@require_POST
def flag(request, attempt_id, position):
    attempt = _own_attempt(request, attempt_id)
    flagged = request.POST.get("flagged") == "1"
    try:
        attempt.set_flag(position, flagged)
    except AttemptError as error:
        wants_json = request.headers.get("Accept") == "application/json"
        return _refused(request, attempt, error, wants_json, position)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"flagged": flagged})
    return redirect("attempt_question", attempt.pk, position)


@login_required
@require_POST
def preview(request, attempt_id, position):
    """How the engine reads the answer typed so far (the live "interpreted as" line); writes nothing."""
    reading = readings.verified_reading(request.GET.get("reading", ""), request.user.pk, attempt_id, position)
    if reading is None:
        item = AttemptQuestion.of_learner(request.user.pk, attempt_id, position)
        if item is None:
            return JsonResponse({"ok": False, "error": "No such question in your attempts."}, status=404)
        if item.is_choice:
            return JsonResponse({"ok": False, "error": ""})
        reading = reading_of(item.content)
    text = request.POST.get("answer", "")[:2000]
    result = interpret_reading(*reading, text)
    return JsonResponse(
        {"ok": result.ok, "latex": result.latex, "shape": result.shape, "error": result.error}
    )


PRACTICE_ACTIONS = {
    "check": lambda item, request: item.check_now(_submitted_answer(request, item)),
    "hint": lambda item, request: item.reveal_hint(),
    "solution": lambda item, request: item.reveal_solution(),
    "new-version": lambda item, request: item.draw_new_version(),
}


@login_required
@require_POST
def practice_action(request, attempt_id, position, action):
    """Practice mode: check an answer now, open the next hint, show the solution, or draw a new version."""
    attempt = _get_attempt(request, attempt_id)
    if not attempt.exam.is_practice:
        raise Http404("Only practice attempts give feedback before submitting.")
    try:
        PRACTICE_ACTIONS[action](attempt.question_at(position), request)
    except AttemptError as error:
        return _refused(request, attempt, error, position=position)
    return redirect(reverse("attempt_question", args=[attempt.pk, position]) + "#answer")


def _finish_page(request, attempt, template, finish):
    """The confirmation page of submitting or abandoning: a POST with the box ticked finishes the attempt."""
    if attempt.status != Attempt.Status.OPEN:
        return redirect("attempt_result", attempt.pk)
    if request.method == "POST":
        if request.POST.get("confirm"):
            finish()
            return redirect("attempt_result", attempt.pk)
        messages.error(request, "Tick the box to confirm.")
    items = list(attempt.questions.select_related("response"))
    context = {
        "attempt": attempt,
        "exam": attempt.exam,
        "items": items,
        "unanswered": [item for item in items if not item.answered],
        "flagged": [item for item in items if item.flagged],
        "journal_prefix": journal_prefix(attempt),
        "timing": _timing(attempt, timezone.now()),
    }
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, attempt_id):
    attempt = _get_attempt(request, attempt_id)
    return _finish_page(request, attempt, "exams/attempt/submit.html", attempt.submit)


@login_required
@require_http_methods(["GET", "POST"])
def abandon(request, attempt_id):
    """End an open attempt early: it is finalized and graded with the answers saved so far."""
    attempt = _get_attempt(request, attempt_id)
    finish = partial(attempt.submit, by=Attempt.FinalizedBy.ABANDONED)
    return _finish_page(request, attempt, "exams/attempt/abandon.html", finish)


@login_required
@require_GET
def status(request, attempt_id):
    attempt = _own_attempt(request, attempt_id)
    attempt.finalize_if_expired(by=Attempt.FinalizedBy.ACCESS)
    return JsonResponse(_timing(attempt, timezone.now()))


@login_required
@require_GET
def result(request, attempt_id):
    attempt = _get_attempt(request, attempt_id)
    if attempt.status == Attempt.Status.OPEN:
        return redirect("attempt_resume", attempt.pk)
    context = {
        "attempt": attempt,
        "exam": attempt.exam,
        "review": attempt.review(),
        "certificate": attempt.learner.certificates.filter(exam=attempt.exam).first()
        if attempt.passed
        else None,
        "timing": _timing(attempt, timezone.now()),
    }
    return render(request, "exams/attempt/result.html", context)
