"""API throttles count atomically (Redis INCR) across concurrent requests, limit per learner as well as per
key, and fail open — logged, never a 500 — when the rate-limit cache is down; sign-in keeps working."""

import logging
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from integrations.models import ApiKey, Integration

UNREACHABLE_REDIS = "redis://127.0.0.1:9/0"


@pytest.fixture
def rates():
    """Set throttle rates for one test (DRF reads them into a class attribute at import)."""

    def set_rates(**rates):
        SimpleRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, **rates}

    yield set_rates
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def ratelimit_cache(settings, location):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "config.ratelimit.FailOpenRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": uuid.uuid4().hex,  # counters of earlier runs never count here
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_overshoot_the_limit(live_server, settings, redis_url, rates):
    ratelimit_cache(settings, redis_url)
    rates(key="50/day")  # a window that a test run does not cross
    _, secret = ApiKey.issue(Integration.objects.create(name="Busy LMS"), "busy", ["learners"])
    session_headers = {"Authorization": f"Bearer {secret}"}

    def burst(_):
        return [
            requests.get(f"{live_server.url}/api/v1/domains/", headers=session_headers).status_code
            for _ in range(10)
        ]

    with ThreadPoolExecutor(12) as pool:
        codes = [code for codes in pool.map(burst, range(12)) for code in codes]
    assert codes.count(200) == 50
    assert codes.count(429) == 70


@pytest.mark.django_db
def test_one_learner_cannot_use_up_the_keys_budget(api, started, two_question_exam, rates):
    from django.core.cache import caches

    caches["ratelimit"].clear()
    rates(learner="3/day")
    url = f"/api/v1/attempts/{started['id']}/"
    codes = [api.get(url).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert api.get("/api/v1/learners/").status_code == 200  # the key itself is not throttled
    other = api.post("/api/v1/learners/", {"external_id": "u-2", "display_name": "B"}, format="json")
    assert other.status_code == 201
    second = api.post("/api/v1/attempts/", {"exam": "api-exam", "learner": "u-2"}, format="json").json()
    assert api.get(f"/api/v1/attempts/{second['id']}/").status_code == 200


@pytest.mark.django_db
def test_with_the_rate_limit_cache_down_the_api_answers_and_warns(api, settings, caplog):
    ratelimit_cache(settings, UNREACHABLE_REDIS)
    with caplog.at_level(logging.WARNING, logger="config.ratelimit"):
        response = api.get("/api/v1/domains/")
    assert response.status_code == 200
    assert "not enforced" in caplog.text


@pytest.mark.django_db
def test_with_the_rate_limit_cache_down_a_correct_sign_in_works(client, learner, password, settings):
    ratelimit_cache(settings, UNREACHABLE_REDIS)
    response = client.post("/accounts/login/", {"username": learner.email, "password": password})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
