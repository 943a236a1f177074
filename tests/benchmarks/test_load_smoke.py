"""A short run of the load test (benchmarks/load/): five learners for half a minute on a production-like
stack of its own (PostgreSQL cluster, redis-server, gunicorn, Celery worker and beat), then its end checks.

It takes about two minutes and needs PostgreSQL's server binaries and redis-server, so it runs only when
asked: LOADTEST_SMOKE=1.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not os.environ.get("LOADTEST_SMOKE"), reason="a two-minute run of the load test: set LOADTEST_SMOKE=1"
)


def run_load_test(**settings):
    env = {**os.environ, **{name.upper(): str(value) for name, value in settings.items()}}
    return subprocess.run(
        [sys.executable, "benchmarks/load/run.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_short_load_run_stores_every_confirmed_answer_and_grades_every_attempt():
    result = run_load_test(learners=5, duration=30, ramp=5, questions=1, drain=90)
    output = result.stdout + result.stderr

    assert result.returncode == 0, output
    assert "RESULT: every check passed" in output
    saves = re.search(
        r"PASS  every confirmed answer is stored \(value and stamp\): (\d+) confirmed saves", output
    )
    assert saves and int(saves.group(1)) > 0, output
    graded = re.search(r"PASS  every submitted attempt is graded exactly once: (\d+)/(\d+) submitted", output)
    assert graded and int(graded.group(1)) == int(graded.group(2)) > 0, output
    assert re.search(r"^autosave \(JSON\)\s+\d+", output, re.M), output


def test_the_stack_is_torn_down_after_a_run():
    result = run_load_test(learners=1, duration=5, ramp=0, questions=1, drain=5)
    directory = re.search(r"run directory (\S+)\)", result.stdout).group(1)

    assert not Path(directory).exists()
    leftovers = subprocess.run(["pgrep", "-f", directory], capture_output=True, text=True).stdout.split()
    assert leftovers == [], f"processes of the run still alive: {leftovers}"
