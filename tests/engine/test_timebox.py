"""A time limit around one grading call: it interrupts a runaway computation in the main thread, gives up
on it elsewhere, and leaves no timer or signal handler behind."""

import signal
import threading
import time

import pytest

from grading.engine import EngineError, TimeLimitExceeded, call_with_time_limit, check, compare

SYMBOLS = {"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}}


def spin():
    while True:
        pass


def test_a_runaway_call_is_interrupted_in_the_main_thread():
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded, match="no result within 0.2 s"):
        call_with_time_limit(0.2, spin)
    assert time.monotonic() - started < 1


def test_a_quick_call_returns_its_value_and_its_exceptions():
    assert call_with_time_limit(1, sum, [1, 2, 3]) == 6
    with pytest.raises(ZeroDivisionError):
        call_with_time_limit(1, lambda: 1 / 0)


def test_nothing_is_left_armed_and_a_previous_handler_is_restored():
    def previous(signum, frame):
        raise AssertionError("the previous handler must not run")

    original = signal.signal(signal.SIGALRM, previous)
    try:
        call_with_time_limit(0.2, time.sleep, 0.01)
        with pytest.raises(TimeLimitExceeded):
            call_with_time_limit(0.1, spin)
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        assert signal.getsignal(signal.SIGALRM) is previous
    finally:
        signal.signal(signal.SIGALRM, original)


def test_the_limit_cannot_be_swallowed_by_a_catch_all():
    def guarded():
        try:
            spin()
        except Exception:  # what the engine and sympy do in places
            return "swallowed"

    with pytest.raises(TimeLimitExceeded):
        call_with_time_limit(0.1, guarded)


def test_outside_the_main_thread_the_caller_stops_waiting():
    outcome = {}

    def caller():
        started = time.monotonic()
        try:
            call_with_time_limit(0.2, time.sleep, 3)
        except TimeLimitExceeded:
            outcome["waited"] = time.monotonic() - started
        outcome["value"] = call_with_time_limit(1, sum, [2, 2])

    worker = threading.Thread(target=caller)
    worker.start()
    worker.join(5)
    assert outcome["waited"] < 1 and outcome["value"] == 4


def test_a_bug_in_the_engine_raises_engine_error_rather_than_blaming_the_answer(monkeypatch, caplog):
    def broken(question, answer):
        raise IndexError("off by one")

    monkeypatch.setattr(compare, "_decide", broken)
    with pytest.raises(EngineError, match="IndexError: off by one"):
        check(SYMBOLS, "(A + A^T) x", "A x + A^T x + 0 x")
    assert "unexpected failure checking" in caplog.text
