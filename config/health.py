"""/healthz: is the database reachable, and the broker when one is configured?"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app
from config.heartbeat import worker_heartbeat_status


def _database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the message tells the operator why
        return {"status": "error", "detail": str(exc)[:200]}
    return {"status": "ok", "vendor": connection.vendor}


def _broker_status():
    if not settings.CELERY_BROKER_URL:
        return {"status": "not_configured", "detail": "tasks run in-process"}
    try:
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return {"status": "error", "detail": str(exc)[:200]}
    return {"status": "ok"}


@never_cache
def healthz(request):
    checks = {"database": _database_status(), "broker": _broker_status(), "worker": worker_heartbeat_status()}
    healthy = all(check["status"] != "error" for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
