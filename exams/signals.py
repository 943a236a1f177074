"""Signals for the apps above exams (LTI grade passback, …), which exams and grading must not import.

`attempt_started(sender=Attempt, attempt, request)`: a learner started or resumed an attempt from the exam's
start page; `request` is the page request, so a receiver can tie the attempt to how the learner arrived.

`attempt_graded(sender=Attempt, attempt)`: an attempt has (new) grades. Sent inside the grading
transaction, each time grading runs (a retried task sends it again with the same `graded_at`) and by any
regrade (with a later `graded_at` and possibly another score); receivers act after the commit and treat
a repeated (attempt, graded_at) as already handled.
"""

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

attempt_started = Signal()
attempt_graded = Signal()


def send_to_receivers(signal: Signal, sender, **kwargs) -> None:
    """Send `signal`; a receiver's failure is logged and never fails the sender (grading, starting)."""
    for receiver, outcome in signal.send_robust(sender=sender, **kwargs):
        if isinstance(outcome, Exception):
            logger.error("%r failed on %s", receiver, sender.__name__, exc_info=outcome)
