"""The Celery app: configured from Django settings (CELERY_* names), tasks autodiscovered per app."""

import gc
import logging
import os

from celery import Celery
from celery.signals import task_prerun, worker_init
from celery.worker.consumer import Consumer
from kombu import Connection

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("dxam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def warm_up_grading(**kwargs):
    """Load sympy and the engine once in the worker's main process, before the pool forks, so the first
    answer a worker grades is as fast as the rest; then freeze what is loaded out of the garbage
    collector's way (fewer pauses, and pages stay shared with the forked children)."""
    from grading.engine import warm_up

    warm_up()
    gc.freeze()


@task_prerun.connect
def beat_the_heart(task=None, **kwargs):
    """Every task a worker starts is its heartbeat (/healthz's "worker"); tasks run in-process (embedded
    mode, tests) are no evidence that a worker is alive."""
    if task is not None and not task.request.is_eager:
        from config.heartbeat import record_worker_heartbeat

        record_worker_heartbeat()


class BrokerRestartSafeConsumer(Consumer):
    """Celery's consumer, reconnecting after a broker restart even while it holds unacknowledged messages.

    Celery 5.7's consumer, on losing the broker, first collects the connection (which detaches its
    transport) and then closes it; closing the channel hands the unacknowledged messages back, which on
    the Redis transport needs the transport's connection details, now gone: an AttributeError that
    nothing catches, and the worker exits ("Restoring N unacknowledged message(s)" then "Unrecoverable
    error: AttributeError(\"'NoneType' object has no attribute 'hostname'\")"). Here that close is
    allowed to fail: the connection is dead anyway, and the consumer goes on to reconnect. The messages
    it held are not handed back from memory; Redis keeps them in its unacked set and redelivers them after
    the visibility timeout if it kept its data, and the sweep (grading.tasks.sweep_attempts) re-enqueues
    grading that a Redis without persistence lost. See README.md, "Capacity and scaling".
    """

    def on_connection_error_after_connected(self, exc):
        if self.connection is not None:
            connection = self.connection
            connection.close = lambda: _close_lost_connection(connection)  # type: ignore[method-assign]
        super().on_connection_error_after_connected(exc)


def _close_lost_connection(connection: Connection) -> None:
    try:
        Connection.close(connection)
    except AttributeError:  # the transport is already detached (see BrokerRestartSafeConsumer)
        logger.warning(
            "Closed the lost broker connection without handing back its unacknowledged messages; "
            "the broker redelivers them after the visibility timeout if it kept them."
        )
