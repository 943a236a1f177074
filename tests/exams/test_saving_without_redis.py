"""While Redis (the cache) is down, a signed-in learner still loads questions and saves answers: nothing on
that path, sessions included, depends on the cache."""

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }  # nothing listens on port 1


def test_a_learner_keeps_working_while_the_cache_is_down(
    client, learner, make_question, make_exam, redis_down
):
    make_question("numeric")
    attempt = make_exam("outage", count=1).start_attempt(learner)
    client.force_login(learner)
    assert client.get(f"/attempts/{attempt.pk}/questions/1/").status_code == 200
    saved = client.post(
        f"/attempts/{attempt.pk}/questions/1/answer",
        json.dumps({"answer": "2"}),
        content_type="application/json",
    )
    assert saved.json()["saved"] is True
    assert client.post(f"/attempts/{attempt.pk}/questions/1/preview", {"answer": "2"}).json()["ok"] is True
