"""Celery tasks wrapping the grading engine. They take plain data or ids and leave the work to the engine."""

from celery import shared_task

from grading.engine import ConfigError, check


@shared_task(soft_time_limit=5, time_limit=10)
def check_expression(symbols, expected, answer):
    """Grade one free-form answer; returns the engine's result as JSON-safe data."""
    try:
        return check(symbols, expected, answer).to_dict()
    except ConfigError as error:
        return {"verdict": "invalid", "method": None, "diagnosis": [], "message": f"Question error: {error}"}
