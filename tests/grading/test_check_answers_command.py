"""``manage.py check_answers``: one JSON line out per line in, in order, whatever the input holds."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]
SYMBOLS = {"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}}
KEYS = ["id", "verdict", "method", "diagnosis", "message", "answer_shape", "expected_shape", "ms"]


def item(identifier, answer, expected="(A + A^T) x", symbols=SYMBOLS):
    return json.dumps({"id": identifier, "symbols": symbols, "expected": expected, "answer": answer})


def run(*lines):
    out = io.StringIO()
    call_command("check_answers", "-", stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_it_grades_each_line_in_order_with_exactly_the_documented_keys():
    results = run(item("a", "A x + A' x"), item("b", "x^T (A + A^T)"), item("c", "A x^T"))

    assert [list(result) for result in results] == [KEYS] * 3
    assert [result["id"] for result in results] == ["a", "b", "c"]
    assert results[0] | {"ms": 0} == {
        "id": "a",
        "verdict": "correct",
        "method": "symbolic",
        "diagnosis": [],
        "message": "Your answer is correct",
        "answer_shape": "n×1",
        "expected_shape": "n×1",
        "ms": 0,
    }
    assert results[1]["diagnosis"] == ["shape_mismatch", "transpose"]
    assert results[2]["verdict"] == "invalid"
    assert all(isinstance(result["ms"], float) and result["ms"] >= 0 for result in results)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "the line is not valid JSON"),
        ("", "the line is empty"),
        ("[1, 2]", "the line must be a JSON object"),
        ('{"id": 7, "answer": "x"}', "the line is missing symbols, expected"),
        (item(8, "x", expected="A x^T"), "the question is broken"),
        (item(9, "x", symbols={"A": {"shape": ["n"]}}), "the question is broken"),
        ('{"id": 10, "symbols": 3, "expected": "x", "answer": "x"}', "the question is broken"),
        ("[" * 100_000, "the line is not valid JSON"),
    ],
)
def test_a_bad_line_yields_an_invalid_line_not_a_crash(line, message):
    (result,) = run(line)

    assert list(result) == KEYS
    assert result["verdict"] == "invalid"
    assert result["method"] is None
    assert message in result["message"]


def test_bad_lines_do_not_disturb_the_lines_around_them():
    results = run(item(1, "2 A x"), "{oops", item(3, "A x + A^T x"))

    assert [(r["id"], r["verdict"]) for r in results] == [(1, "incorrect"), (None, "invalid"), (3, "correct")]


def test_it_reads_a_file(tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_text(item("f", "A x + A' x") + "\n", encoding="utf-8")
    out = io.StringIO()

    call_command("check_answers", str(path), stdout=out)

    assert json.loads(out.getvalue())["verdict"] == "correct"


def test_a_missing_file_is_a_command_error():
    with pytest.raises(CommandError, match="cannot read"):
        call_command("check_answers", "/no/such/file.jsonl", stdout=io.StringIO())


def test_it_runs_as_a_process_without_a_database():
    # invalid UTF-8 and a stray carriage return must not break the one-line-in, one-line-out rule
    lines = [item("p", "A x + A' x").encode(), b"not json", b"\xff\r{", item("q", "x").encode()]
    completed = subprocess.run(
        [sys.executable, "manage.py", "check_answers", "-"],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        cwd=ROOT,
        env={"DATABASE_URL": "postgres://nobody@127.0.0.1:9/none", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )

    assert completed.returncode == 0, completed.stderr
    verdicts = [json.loads(line)["verdict"] for line in completed.stdout.decode().splitlines()]
    assert verdicts == ["correct", "invalid", "invalid", "incorrect"]


def test_it_warms_the_engine_up_before_the_first_line():
    # In a fresh process the first check used to pay for importing sympy and first calls (0.5–3 s).
    completed = subprocess.run(
        [sys.executable, "manage.py", "check_answers", "-"],
        input=(item("first", "A x + A' x") + "\n").encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )

    assert completed.returncode == 0, completed.stderr
    (first,) = [json.loads(line) for line in completed.stdout.decode().splitlines()]
    assert first["method"] == "symbolic"  # sympy was used for this very line…
    assert first["ms"] < 300  # …and was already loaded
