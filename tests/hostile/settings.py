"""Settings of the hostile test's stack (gunicorn and a Celery worker): every task goes to the test's own
queue, and the rate-limit counters are kept apart from other runs on the same Redis."""

import os
from typing import Any, cast

from config.settings import *  # noqa: F403
from config.settings import CACHES

CELERY_TASK_ROUTES = {"*": {"queue": os.environ["DXAM_TEST_QUEUE"]}}
for cache in cast(dict[str, dict[str, Any]], CACHES).values():
    cache["KEY_PREFIX"] = os.environ["DXAM_TEST_QUEUE"]
