"""A time limit around one call, so a pathological key cannot hang the grading of a whole attempt.

In the main thread (a Celery prefork worker, gunicorn, a test) a real-time interval timer interrupts the
call: SIGALRM raises ``TimeLimitExceeded`` at the next Python bytecode, and the call unwinds. Signals only
reach the main thread, so elsewhere (the threaded development server grading in-process) the call runs in
a helper thread that is abandoned when its time is up: the caller goes on, the thread finishes on its own.

``TimeLimitExceeded`` derives from BaseException so that no ``except Exception`` inside the engine (or
sympy) can swallow it and turn a timeout into a verdict.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, cast


class TimeLimitExceeded(BaseException):
    """The call ran out of time; nothing about the answer is known."""

    def __init__(self, seconds: float):
        super().__init__(f"no result within {seconds:g} s")
        self.seconds = seconds


def call_with_time_limit[**P, T](
    seconds: float, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """``function(*args, **kwargs)``, or TimeLimitExceeded after ``seconds`` (wall clock)."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        return _with_alarm(seconds, function, args, kwargs)
    return _in_helper_thread(seconds, function, args, kwargs)


def _with_alarm[T](
    seconds: float, function: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> T:
    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitExceeded(seconds)

    previous_handler = signal.signal(signal.SIGALRM, interrupt)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        return function(*args, **kwargs)
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # restored even if the alarm fires right here
            signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay:  # someone else's timer was running: give it back what is left of it
            left = max(previous_delay - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, previous_interval)


def _in_helper_thread[T](
    seconds: float, function: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> T:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as error:  # handed to the caller below
            outcome["error"] = error

    helper = threading.Thread(target=run, name="dxam-time-limited-call", daemon=True)
    helper.start()
    helper.join(seconds)
    if helper.is_alive():
        raise TimeLimitExceeded(seconds)
    if "error" in outcome:
        raise cast(BaseException, outcome["error"])
    return cast(T, outcome["value"])
