"""Scopes everywhere: webhooks need the `webhooks` scope, keys get only the scopes asked for, and the same
webhook registered twice is one endpoint."""

import pytest
from django.core.management import CommandError, call_command

from integrations.models import ApiKey, WebhookEndpoint

pytestmark = pytest.mark.django_db

HOOK = {"url": "https://lms.example.org/dxam-hook", "events": ["attempt.graded"]}


@pytest.mark.parametrize("scopes", [["learners"], ["bank"], ["attempts", "results", "learners"]])
def test_webhook_endpoints_need_the_webhooks_scope(integration, key_client, scopes):
    client = key_client(integration, scopes)
    response = client.post("/api/v1/webhooks/", HOOK, format="json")
    assert response.status_code == 403
    assert "webhooks" in response.json()["error"]["message"]
    assert client.get("/api/v1/webhooks/").status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_registering_the_same_webhook_twice_returns_the_existing_endpoint(integration, key_client):
    client = key_client(integration, ["webhooks"])
    first = client.post("/api/v1/webhooks/", HOOK, format="json")
    again = client.post("/api/v1/webhooks/", HOOK, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    other_events = client.post("/api/v1/webhooks/", {**HOOK, "events": ["certificate.issued"]}, format="json")
    assert other_events.status_code == 201
    assert WebhookEndpoint.objects.count() == 2


def test_create_api_key_requires_scopes(capsys):
    with pytest.raises(CommandError, match="scopes"):
        call_command("create_api_key", "Moodle")
    assert not ApiKey.objects.exists()


def test_create_api_key_grants_exactly_the_scopes_asked_for(capsys):
    call_command("create_api_key", "Moodle", "--scopes", "learners,webhooks")
    assert ApiKey.objects.get().scopes == ["learners", "webhooks"]
