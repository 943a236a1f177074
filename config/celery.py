"""The Celery app: configured from Django settings (CELERY_* names), tasks autodiscovered per app."""

import gc
import os

from celery import Celery
from celery.signals import worker_init

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
