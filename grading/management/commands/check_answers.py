"""``python manage.py check_answers FILE.jsonl`` (or ``-`` for stdin): grade answers in bulk, offline.

Each input line is ``{"id": ..., "symbols": {...}, "expected": "...", "answer": "..."}``; each output line is
``{"id", "verdict", "method", "diagnosis", "message", "answer_shape", "expected_shape", "ms"}``, in input
order. A line that cannot be graded (not JSON, a missing key, a broken question) still gets an output line,
with verdict "invalid" and the reason. No database and no server are involved.

The engine is warmed up (``warm_up()``: sympy imported, every stage run once) before the first line, so the
first line's "ms" is the cost of grading it, like any other, not 0.5–3 s of imports.
"""

import io
import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from grading.engine import ConfigError, check, warm_up

REQUIRED_KEYS = ("symbols", "expected", "answer")


class Command(BaseCommand):
    help = "Grade JSON-lines answers with the grading engine and print one JSON line per input line."
    requires_system_checks = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .jsonl file of answers, or - to read standard input")

    def handle(self, *args, **options):
        path = options["path"]
        warm_up()
        if path == "-":
            self._grade_stream(options.get("stdin") or _utf8(sys.stdin))
            return
        try:
            with open(path, encoding="utf-8", errors="replace", newline="\n") as stream:
                self._grade_stream(stream)
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None

    def _grade_stream(self, stream):
        for line in stream:
            self.stdout.write(json.dumps(grade_line(line), ensure_ascii=False))


def _utf8(stream):
    """Standard input decoded as UTF-8 whatever the locale, with undecodable bytes replaced, not fatal.

    Lines end at \n only (as in any reader of JSON lines), so a stray \r cannot split one input line in two.
    """
    buffer = getattr(stream, "buffer", None)
    return io.TextIOWrapper(buffer, encoding="utf-8", errors="replace", newline="\n") if buffer else stream


def grade_line(line: str) -> dict[str, object]:
    started = time.perf_counter()
    identifier, outcome = None, None
    try:
        item = json.loads(line)
    except (ValueError, RecursionError) as error:
        outcome = _invalid(
            "the line is empty" if not line.strip() else f"the line is not valid JSON: {error}"
        )
    else:
        if not isinstance(item, dict):
            outcome = _invalid("the line must be a JSON object")
        else:
            identifier = item.get("id")
            missing = [key for key in REQUIRED_KEYS if key not in item]
            if missing:
                outcome = _invalid(f"the line is missing {', '.join(missing)}")
            else:
                outcome = _check(item)
    elapsed = (time.perf_counter() - started) * 1000
    return {"id": _json_safe(identifier), **outcome, "ms": round(elapsed, 3)}


def _check(item: dict[str, object]) -> dict[str, object]:
    try:
        return check(item["symbols"], item["expected"], item["answer"]).to_dict()
    except ConfigError as error:
        return _invalid(f"the question is broken: {error.message}")
    except Exception as error:  # one bad line must never stop the batch
        return _invalid(f"the line could not be graded: {type(error).__name__}: {error}")


def _invalid(message: str) -> dict[str, object]:
    return {
        "verdict": "invalid",
        "method": None,
        "diagnosis": [],
        "message": message,
        "answer_shape": None,
        "expected_shape": None,
    }


def _json_safe(identifier):
    """Echo the id back as given when it is a JSON scalar; anything else as text."""
    if identifier is None or isinstance(identifier, (str, int, float, bool)):
        return identifier
    return json.dumps(identifier, ensure_ascii=False)
