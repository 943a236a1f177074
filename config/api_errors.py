"""The API's one error shape, {"error": {"code", "message", "details"}}, for every exception DRF handles.

Kept apart from config.api because it imports rest_framework.views, which itself loads the authentication
classes defined there.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def error_body(code, message, details=None):
    return {"error": {"code": code, "message": message, "details": details or {}}}


# How the API answers each refusal of the attempt rules (exams.models.attempts), by its stable code.
ATTEMPT_ERROR_STATUS = {
    "no_such_question": 404,
    "invalid_answer": 400,
    "attempt_closed": 409,
    "time_up": 409,
    "exam_closed": 409,
    "exam_not_open": 409,
    "no_attempts_left": 409,
    "exam_unavailable": 409,
    "not_practice": 409,
}


def api_exception_handler(exc, context):
    """Every error as {"error": {"code", "message", "details"}}."""
    from exams.models.attempts import AttemptError  # exams imports config: resolved at call time

    if isinstance(exc, AttemptError):
        status = ATTEMPT_ERROR_STATUS.get(exc.code, 409)
        return Response(error_body(exc.code, str(exc), exc.details), status=status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        details = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        response.data = error_body("invalid", "The request has invalid fields.", details)
    else:
        code = exc.get_codes() if hasattr(exc, "get_codes") else "error"
        message = detail.get("detail", str(detail)) if isinstance(detail, dict) else str(detail)
        response.data = error_body(code if isinstance(code, str) else "error", str(message))
    return response


def not_found(request, exception=None):
    """404 for the whole site: the API's JSON error under /api/, the normal page elsewhere."""
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", "There is no such API endpoint or object."), status=404)
    return page_not_found(request, exception)


def server_error(request):
    from django.views.defaults import server_error as server_error_page

    if request.path.startswith("/api/"):
        message = "Something went wrong on our side; it has been logged."
        return JsonResponse(error_body("server_error", message), status=500)
    return server_error_page(request)
