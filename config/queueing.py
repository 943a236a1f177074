"""Sending Celery tasks from request code: after the transaction commits, and never failing the request.

If the broker is unreachable the failure is logged and the caller's data stays as it was stored: the
periodic sweeps (grading.tasks.sweep_attempts, integrations.tasks.resend_due_deliveries) send what was
not sent, so a learner's submission never fails because the queue is down.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def send_after_commit(task, args, description, robust=False, **options):
    """Enqueue `task` with `args` once the current transaction commits.

    `robust=True` also keeps any error of the task itself from the request; it matters in the embedded
    mode, where tasks run in-process at that moment.
    """

    def send():
        try:
            task.apply_async(args=args, **options)
        except OperationalError:  # kombu's: the broker is unreachable
            logger.exception("Could not enqueue %s; the sweep will send it later.", description)

    transaction.on_commit(send, robust=robust)
