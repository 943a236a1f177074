"""Settings of the worker process started by test_retrying_on_a_worker: short backoffs, local receivers."""

from config.settings import *  # noqa: F403

WEBHOOK_RETRY_BASE_SECONDS = 0.5
# The test's receiver runs on 127.0.0.1.
ALLOW_PRIVATE_OUTBOUND = True
