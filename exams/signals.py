"""Signals for the apps above exams (LTI grade passback, …), which exams and grading must not import.

`attempt_started(sender=Attempt, attempt, request)`: a learner started or resumed an attempt from the exam's
start page; `request` is the page request, so a receiver can tie the attempt to how the learner arrived.

`attempt_graded(sender=Attempt, attempt)`: an attempt has (new) grades. Sent inside the grading
transaction, each time grading runs (a retried task sends it again with the same `graded_at`) and by any
regrade (with a later `graded_at` and possibly another score); receivers act after the commit and treat
a repeated (attempt, graded_at) as already handled.
"""

from django.dispatch import Signal

attempt_started = Signal()
attempt_graded = Signal()
