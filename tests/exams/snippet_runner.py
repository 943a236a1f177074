"""Run the bank's ```python snippets in a child process: each in a fresh namespace, under a time limit.

`run_snippets(codes)` returns, for each snippet, None when it ran or the error it ended with. The child
(this file run as a script) imports NumPy and SymPy once, so a snippet's time limit measures the snippet.
"""

import contextlib
import io
import json
import resource
import signal
import subprocess
import sys
import traceback
from pathlib import Path

SECONDS_PER_SNIPPET = 10
MEMORY_BYTES = 2 * 1024**3


def run_snippets(codes: list[str], seconds: float = SECONDS_PER_SNIPPET) -> list[str | None]:
    if not codes:
        return []
    finished = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), str(seconds)],
        input=json.dumps(codes),
        capture_output=True,
        text=True,
        timeout=60 + seconds * len(codes),
        check=False,
    )
    try:
        return json.loads(finished.stdout.splitlines()[-1])
    except (IndexError, ValueError):
        raise RuntimeError(f"the snippet runner died: {finished.stderr[-2000:]}") from None


class _TimeLimit(Exception):
    pass


def _expired(signum, frame):
    raise _TimeLimit


def _run_one(code: str, seconds: float) -> str | None:
    namespace = {"__name__": "__snippet__"}
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            exec(compile(code, "<snippet>", "exec"), namespace)  # noqa: S102 - the bank's own code, in this child
    except _TimeLimit:
        return f"ran longer than {seconds:g} s"
    except BaseException as error:  # noqa: BLE001 - SystemExit and KeyboardInterrupt in a snippet are failures too
        return "".join(traceback.format_exception_only(error)).strip()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return None


def _main() -> None:
    seconds = float(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    signal.signal(signal.SIGALRM, _expired)
    import numpy  # noqa: F401 - imported once, before any time limit starts
    import sympy  # noqa: F401

    codes = json.loads(sys.stdin.read())
    results = [_run_one(code, seconds) for code in codes]
    sys.stdout = sys.__stdout__
    print(json.dumps(results))


if __name__ == "__main__":
    _main()
