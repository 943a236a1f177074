"""Request types of the load test, named as the report prints them, and recognised from a request alone
(the web server's log has only the method, path and content type)."""

import re
from functools import lru_cache

UUID = r"[0-9a-f-]{36}"
_QUESTION = rf"^/attempts/{UUID}/questions/\d+"

# (kind, method, path pattern, content type or None for any), first match wins.
_RULES = [
    ("question page", "GET", rf"{_QUESTION}/$", None),
    ("autosave (JSON)", "POST", rf"{_QUESTION}/answer$", "application/json"),
    ("save and next (form)", "POST", rf"{_QUESTION}/answer$", None),
    ("preview", "POST", rf"{_QUESTION}/preview$", None),
    ("flag (form)", "POST", rf"{_QUESTION}/flag$", None),
    ("status poll", "GET", rf"^/attempts/{UUID}/status$", None),
    ("submit page", "GET", rf"^/attempts/{UUID}/submit/$", None),
    ("submit (form)", "POST", rf"^/attempts/{UUID}/submit/$", None),
    ("result page", "GET", rf"^/attempts/{UUID}/result/$", None),
    ("resume (redirect)", "GET", rf"^/attempts/{UUID}/$", None),
    ("start (form)", "POST", r"^/exams/[\w-]+/start/$", None),
    ("catalogue", "GET", r"^/exams/$", None),
    ("sign-in page", "GET", r"^/accounts/login/$", None),
    ("sign-in (form)", "POST", r"^/accounts/login/$", None),
    ("home", "GET", r"^/$", None),
    ("static", "GET", r"^/static/", None),
    ("healthz", "GET", r"^/healthz$", None),
    ("API", None, r"^/api/", None),
]
_COMPILED = [(kind, method, re.compile(pattern), ctype) for kind, method, pattern, ctype in _RULES]

# The order of the report's rows.
ORDER = [kind for kind, *_ in _RULES] + ["other"]


# Cached: the harness classifies every request it sends, mostly to the same few URLs of an attempt.
@lru_cache(maxsize=4096)
def classify(method: str, path: str, content_type: str = "") -> str:
    path = path.partition("?")[0]  # the page's preview address carries its signed reading
    for kind, wanted_method, pattern, wanted_type in _COMPILED:
        if wanted_method not in (None, method):
            continue
        if wanted_type is not None and content_type != wanted_type:
            continue
        if pattern.search(path):
            return kind
    return "other"
