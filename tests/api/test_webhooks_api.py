import pytest

from integrations.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_an_integration_registers_lists_and_removes_webhooks(api, integration):
    created = api.post(
        "/api/v1/webhooks/",
        {"url": "https://lms.example.org/dxam-hook", "events": ["attempt.graded", "certificate.issued"]},
        format="json",
    )
    assert created.status_code == 201
    hook = created.json()
    assert hook["events"] == ["attempt.graded", "certificate.issued"]
    assert WebhookEndpoint.objects.get().integration == integration
    assert [row["id"] for row in api.get("/api/v1/webhooks/").json()] == [hook["id"]]
    assert api.delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_unknown_events_and_bad_urls_are_refused(api):
    response = api.post("/api/v1/webhooks/", {"url": "not a url", "events": ["exam.eaten"]}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"url", "events"}


def test_integrations_see_only_their_own_webhooks(api, other_integration, key_client):
    hook = api.post(
        "/api/v1/webhooks/", {"url": "https://a.example/h", "events": ["attempt.graded"]}, format="json"
    )
    other = key_client(other_integration)
    assert other.get("/api/v1/webhooks/").json() == []
    assert other.delete(f"/api/v1/webhooks/{hook.json()['id']}/").status_code == 404


def test_learner_sessions_have_no_webhooks(client, learner):
    client.force_login(learner)
    assert client.get("/api/v1/webhooks/").status_code in (401, 403)
