"""Input hygiene in one place: what no request may carry, whichever view it reaches.

Control characters (NUL above all: PostgreSQL cannot store it, and it breaks path lookups) are refused in
paths, query strings and JSON bodies; JSON nesting is limited before a view parses it; an oversize body
under /api/ gets the API's JSON 413. Refusals under /api/ use the API's one error shape, elsewhere a page.
"""

import json
import re
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from config.api_errors import error_body

# Text no database stores as given: control characters other than tab and line breaks (which answers may
# contain), and unpaired surrogates (a JSON "\ud800" escape), which are not characters at all.
UNSTORABLE_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# In a path or query string not even tab or line breaks belong.
URL_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
MAX_JSON_DEPTH = 32


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def refusal(
    request: HttpRequest, status: int, code: str, message: str, details: dict | None = None
) -> HttpResponse:
    """The answer to a request refused before any view: the API's error shape under /api/, the pages' JSON
    error to their scripts (which send or accept JSON), a page otherwise."""
    if is_api(request):
        return JsonResponse(error_body(code, message, details), status=status)
    if request.content_type == "application/json" or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"code": code, "error": message}, status=status)
    context = {"status": status, "message": message}
    return render(request, "refused.html", context, status=status)


def json_depth_exceeds(text: str, limit: int) -> bool:
    """True if brackets nest deeper than `limit` outside strings (checked without parsing, in one pass)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def json_problem(body: bytes) -> tuple[str, dict] | None:
    """Why a JSON body is refused (too deep, or a control character in a string) with the field at fault,
    or None."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None  # the parser reports the encoding
    if json_depth_exceeds(text, MAX_JSON_DEPTH):
        return f"JSON may nest at most {MAX_JSON_DEPTH} levels deep.", {}
    try:
        data = json.loads(text)
    except ValueError:
        return None  # the parser reports malformed JSON
    field = _field_with_control_characters(data, "body")
    if field is None:
        return None
    message = "Text may not contain control characters (such as NUL) or unpaired surrogates."
    return message, {field: [message]}


def _field_with_control_characters(data: object, name: str) -> str | None:
    """The name of the innermost field holding a string with a control character (keys count too)."""
    if isinstance(data, str):
        return name if UNSTORABLE_CHARACTERS.search(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            found = _field_with_control_characters(key, name) or _field_with_control_characters(value, key)
            if found:
                return found
    if isinstance(data, list):
        for item in data:
            if found := _field_with_control_characters(item, name):
                return found
    return None


class InputHygieneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = unquote(request.META.get("QUERY_STRING", ""), errors="replace")
        if URL_CONTROL_CHARACTERS.search(request.path_info) or URL_CONTROL_CHARACTERS.search(query):
            return refusal(request, 400, "invalid_characters", "The address contains control characters.")
        is_json = request.content_type == "application/json"
        if is_json or is_api(request):
            try:
                body = request.body
            except RequestDataTooBig:
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
                return refusal(request, 413, "too_large", f"The request body is larger than {limit} bytes.")
            if is_json and body and (problem := json_problem(body)):
                return refusal(request, 400, "invalid", *problem)
        if is_api(request):
            route_without_slash(request)
        return self.get_response(request)


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def route_without_slash(request: HttpRequest) -> None:
    """Under /api/ an address without its trailing slash reaches the same view: APPEND_SLASH's redirect
    would make clients resend a POST as a GET without its body. Unknown addresses stay a JSON 404."""
    path = request.path_info
    if not path.endswith("/") and not _resolves(path) and _resolves(path + "/"):
        request.path_info = path + "/"
        request.path = request.path + "/"
