"""Admins register webhook endpoints, read the deliveries' log and retry failed deliveries."""

import pytest

from integrations.models import Integration, WebhookDelivery
from integrations.tasks import MAX_ATTEMPTS
from integrations.webhooks import queue_event

pytestmark = pytest.mark.django_db
PAYLOAD = {"event": "attempt.graded", "created_at": "2026-01-31T12:00:00Z", "data": {"id": "a1"}}


def test_an_admin_adds_an_integration_with_an_endpoint_and_its_events(client, admin_user):
    client.force_login(admin_user)
    form = {
        "name": "Moodle",
        "is_active": "on",
        "webhooks-TOTAL_FORMS": "1",
        "webhooks-INITIAL_FORMS": "0",
        "webhooks-0-url": "https://lms.example.org/dxam",
        "webhooks-0-events": ["certificate.issued"],
        "webhooks-0-is_active": "on",
        "keys-TOTAL_FORMS": "0",
        "keys-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/integrations/integration/add/", form)
    assert response.status_code == 302, response.context["errors"]
    [endpoint] = Integration.objects.get(name="Moodle").webhooks.all()
    assert endpoint.events == ["certificate.issued"]
    assert len(Integration.objects.get().webhook_secret) >= 32


def test_an_endpoint_must_be_http_and_subscribe_to_an_event(client, admin_user):
    client.force_login(admin_user)
    form = {
        "name": "Moodle",
        "webhooks-TOTAL_FORMS": "1",
        "webhooks-INITIAL_FORMS": "0",
        "webhooks-0-url": "ftp://lms.example.org/dxam",
        "webhooks-0-is_active": "on",
        "keys-TOTAL_FORMS": "0",
        "keys-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/integrations/integration/add/", form)
    assert response.status_code == 200
    [errors] = response.context["inline_admin_formsets"][0].formset.errors
    assert set(errors) == {"url", "events"}
    assert not Integration.objects.exists()


def test_admins_read_deliveries_and_retry_failed_ones(
    client, admin_user, integration, endpoint, receiver, committed, django_capture_on_commit_callbacks
):
    receiver.respond_with(*[500] * MAX_ATTEMPTS)
    [delivery] = committed(queue_event, integration, "attempt.graded", "attempt.graded:a1", PAYLOAD)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    client.force_login(admin_user)
    listing = client.get("/admin/integrations/webhookdelivery/?status__exact=failed")
    assert listing.status_code == 200 and "attempt.graded" in listing.text
    detail = client.get(f"/admin/integrations/webhookdelivery/{delivery.pk}/change/")
    assert "HTTP 500" in detail.text and "&quot;a1&quot;" in detail.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/integrations/webhookdelivery/",
            {"action": "retry_deliveries", "_selected_action": [delivery.pk]},
            follow=True,
        )
    assert "Sending 1 delivery(ies) again" in response.text
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert len(receiver.requests) == MAX_ATTEMPTS + 1


def test_learners_cannot_read_deliveries(client, learner):
    client.force_login(learner)
    response = client.get("/admin/integrations/webhookdelivery/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
