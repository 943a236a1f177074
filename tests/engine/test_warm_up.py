"""Importing the engine does not import sympy; ``warm_up()`` does, so a worker's first check is fast."""

import subprocess
import sys
from pathlib import Path

import grading.engine
from grading.engine import warm_up

REPO_ROOT = Path(__file__).resolve().parents[2]
FRESH_PROCESS = """
import sys, time
import grading.engine
assert "sympy" not in sys.modules, "importing the engine imported sympy"
grading.engine.warm_up()
assert "sympy" in sys.modules, "warm_up did not import sympy"
started = time.perf_counter()
result = grading.engine.check({"B": {"shape": ["p", "p"]}, "v": {"shape": ["p", 1]}}, "B^T B v", "(B^T B) v")
print(result.method, time.perf_counter() - started)
"""


def test_warm_up_is_part_of_the_interface():
    assert "warm_up" in grading.engine.__all__


def test_warm_up_can_be_called_again_cheaply():
    warm_up()
    warm_up()


def test_in_a_fresh_process_the_engine_imports_without_sympy_and_warm_up_loads_it():
    completed = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120
    )

    assert completed.returncode == 0, completed.stderr
    method, seconds = completed.stdout.split()
    assert method == "symbolic"
    assert float(seconds) < 0.3  # the first real check no longer pays for importing sympy (~0.6 s)
