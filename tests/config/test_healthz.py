import pytest


@pytest.mark.django_db
def test_it_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"


@pytest.mark.django_db
def test_it_says_when_no_broker_is_configured(client, settings):
    settings.CELERY_BROKER_URL = ""
    body = client.get("/healthz").json()
    assert body["broker"]["status"] == "not_configured"


@pytest.mark.django_db
def test_it_reports_an_unreachable_broker_as_down_without_saying_why(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == (
        "down",
        {"status": "ok"},
        {"status": "down"},
    )


@pytest.mark.django_db
def test_a_database_failure_is_down_with_no_error_text(client, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise RuntimeError('connection to server at "db.internal" (10.0.0.5), port 5432 failed')

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"status": "down"}
    assert "10.0.0.5" not in response.content.decode()


@pytest.mark.django_db
def test_it_reports_a_reachable_broker(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == {"status": "ok"}
