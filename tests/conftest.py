import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests create many users and only need correctness.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password():
    return "correct horse battery staple 42"


@pytest.fixture
def learner(django_user_model, password):
    return django_user_model.objects.create_user("ada@example.com", password, display_name="Ada Lovelace")


@pytest.fixture
def author(django_user_model, password):
    return django_user_model.objects.create_user(
        "carl@example.com", password, display_name="Carl Gauss", role="author"
    )


@pytest.fixture
def admin_user(django_user_model, password):
    return django_user_model.objects.create_superuser(
        "emmy@example.com", password, display_name="Emmy Noether"
    )


@pytest.fixture(scope="session")
def redis_url():
    """The Redis to use as a real broker: the configured one, else a local one if it is running.

    A run configured with CELERY_BROKER_URL (CI) must reach it; an embedded run skips what needs Redis
    only when no Redis is running on this machine.
    """
    import os

    import redis

    configured = os.environ.get("CELERY_BROKER_URL", "")
    url = configured or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if configured:
            raise
        pytest.skip(f"no Redis at {url} (set CELERY_BROKER_URL to run this against a broker)")
    return url
