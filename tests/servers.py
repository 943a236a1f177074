"""Helpers for tests that run the app as production does: gunicorn in a process of its own."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.workers import stop

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The README's production variables, for a server on this machine without a TLS proxy in front."""
    environment = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-production-checks",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "SITE_URL": "http://127.0.0.1",
    }
    environment.update(overrides)
    return environment


def manage(environment: dict[str, str], *arguments: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, check=True, capture_output=True
    )


@contextmanager
def gunicorn(environment: dict[str, str], log_path: Path, workers: int = 2, threads: int = 4):
    """gunicorn serving the app on a free port; yields its base URL once /healthz answers."""
    port = free_port()
    command = [*GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(base, process, log_path)
            yield base
        finally:
            stop(process, timeout=20)


def wait_until_serving(base: str, process: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)  # not listening yet: nothing to await but the socket
    raise RuntimeError(f"gunicorn did not answer within {timeout} s: {log_path.read_text()[-3000:]}")
