"""The worker's heartbeat: when did a Celery worker last start a task?

Every task a worker starts stamps the time in the shared cache; beat sends the sweep every SWEEP_SECONDS, so
a live worker (and beat) stamps it at least that often even when nobody submits anything. /healthz lists the
result as its "worker" component: "stale" means grading and deadlines are not being handled, whatever the
web tier says.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "dxam:worker-heartbeat"


def record_worker_heartbeat(now: float | None = None) -> None:
    """Stamp the time a worker started a task (config.celery calls it for each one); never fails the task,
    though the cache may be down."""
    try:
        cache.set(HEARTBEAT_KEY, time.time() if now is None else now, timeout=None)
    except Exception:  # the heartbeat is advisory: a cache outage must not fail grading
        logger.warning("Could not record the worker heartbeat", exc_info=True)


def worker_heartbeat_status(now: float | None = None) -> dict[str, object]:
    """{"status": "ok" | "stale" | "error" | "not_configured", ...} for /healthz."""
    if not settings.CELERY_BROKER_URL:
        return {"status": "not_configured", "detail": "tasks run in-process"}
    try:
        last = cache.get(HEARTBEAT_KEY)
    except Exception as exc:
        return {"status": "error", "detail": f"cannot read the heartbeat: {str(exc)[:200]}"}
    now = time.time() if now is None else now
    limit = settings.WORKER_STALE_SECONDS
    if last is None:
        return {"status": "stale", "detail": "no worker has consumed a task yet"}
    age = max(0.0, now - last)
    if age > limit:
        return {
            "status": "stale",
            "seconds_since_last_task": round(age),
            "detail": f"no worker has started a task for over {limit} s: is the worker (or beat) running?",
        }
    return {"status": "ok", "seconds_since_last_task": round(age)}
