"""Rate limits counted atomically in a shared cache, failing open when that cache is down.

Counting: one counter per client and fixed window, created by `add` and raised by `incr` — Redis INCR, so
concurrent requests on any number of processes never overshoot (a read-modify-write of a request history,
DRF's default, lets parallel requests through between the read and the write). The database cache of the
embedded mode increments by read and write, which is enough for one local process.

Failing open: the rate-limit cache is an alias of its own ("ratelimit", used by the API throttles here and
by django-ratelimit for sign-in) whose Redis errors are logged as a warning and answered as "not limited",
so a Redis outage never turns every API call or sign-in into a 500.
"""

import logging
import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework import throttling

from integrations.models import ApiKey

logger = logging.getLogger(__name__)
CACHE_ALIAS = "ratelimit"
WARN_EVERY_SECONDS = 60


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache whose counting calls report a Redis outage as "no count" instead of raising."""

    _last_warning = 0.0

    def _down(self, error: Exception) -> None:
        now = time.monotonic()
        if now - FailOpenRedisCache._last_warning >= WARN_EVERY_SECONDS:
            FailOpenRedisCache._last_warning = now
            logger.warning("Rate limits are not enforced: the rate-limit cache is unreachable (%s).", error)

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except Exception as error:  # any Redis failure: count nothing rather than fail the request
            self._down(error)
            return False

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except ValueError:
            raise
        except Exception as error:
            self._down(error)
            raise ValueError("the rate-limit cache is down") from error

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except Exception as error:
            self._down(error)
            return default


def hit(key: str, period: int) -> int | None:
    """Count one request against `key` in the current window of `period` seconds; its count so far, or None
    when the cache cannot count (fail open)."""
    cache = caches[CACHE_ALIAS]
    window_key = f"rl:{key}:{int(time.time()) // period}"
    for _ in range(2):  # a counter that expires between add and incr is added again
        if cache.add(window_key, 1, period + 1):
            return 1
        try:
            return cache.incr(window_key)
        except ValueError:
            continue
    return None


class AtomicRateThrottle(throttling.SimpleRateThrottle):
    """DRF's rate throttle counted by `hit`: at most `num_requests` per fixed window of `duration`."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        count = hit(self.key, self.duration)
        return count is None or count <= self.num_requests

    def wait(self):
        return self.duration - (time.time() % self.duration)


def _caller(request) -> str | None:
    if isinstance(request.auth, ApiKey):
        return f"key-{request.auth.pk}"
    if request.user and request.user.is_authenticated:
        return f"user-{request.user.pk}"
    return None


class KeyThrottle(AtomicRateThrottle):
    """Requests per API key (or per signed-in user, or per client address when anonymous)."""

    scope = "key"

    def get_cache_key(self, request, view):
        ident = _caller(request) or self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LearnerThrottle(AtomicRateThrottle):
    """Requests per learner of an integration: per attempt in the URL, so one runaway learner (or script)
    cannot use up the key's budget that a whole class shares."""

    scope = "learner"

    def get_cache_key(self, request, view):
        attempt_id = view.kwargs.get("attempt_id") if hasattr(view, "kwargs") else None
        if attempt_id is None or not isinstance(request.auth, ApiKey):
            return None
        ident = f"key-{request.auth.pk}-attempt-{attempt_id}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PreviewThrottle(KeyThrottle):
    """Live previews per signed-in user (or client address); an API key's previews count against the key."""

    scope = "preview"

    def get_cache_key(self, request, view):
        return None if isinstance(request.auth, ApiKey) else super().get_cache_key(request, view)
