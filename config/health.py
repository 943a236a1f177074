"""/healthz: the state of each component, "ok" or "down" ("not_configured" where it is optional, "stale" for
a worker not heard from lately).

Anyone may call it, so it says nothing about why a component is down: that goes to the log. A component
is one entry in CHECKS, a function answering its state.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app
from config.heartbeat import worker_heartbeat_status

logger = logging.getLogger(__name__)
OK, DOWN, NOT_CONFIGURED = "ok", "down", "not_configured"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means down; the log tells the operator why
        logger.warning("healthz: the database is down", exc_info=True)
        return DOWN
    return OK


def broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return NOT_CONFIGURED  # tasks run in-process
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        logger.warning("healthz: the broker is down", exc_info=True)
        return DOWN
    return OK


def worker_state() -> str:
    """ok, or "stale" when no worker started a task lately (config.heartbeat): alert on it, but the web tier
    still serves pages and saves, so it does not fail /healthz."""
    state = str(worker_heartbeat_status()["status"])
    if state == "error":
        logger.warning("healthz: the worker heartbeat cannot be read")
        return DOWN
    return state


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("database", database_state),
    ("broker", broker_state),
    ("worker", worker_state),
]


@never_cache
def healthz(request):
    states = {name: check() for name, check in CHECKS}
    healthy = DOWN not in states.values()
    body = {"status": OK if healthy else DOWN, **{name: {"status": state} for name, state in states.items()}}
    return JsonResponse(body, status=200 if healthy else 503)
