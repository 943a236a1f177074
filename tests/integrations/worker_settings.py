"""Settings of the Celery worker process started by test_retrying_on_a_worker: short backoff delays."""

from config.settings import *  # noqa: F403

WEBHOOK_RETRY_BASE_SECONDS = 0.5
