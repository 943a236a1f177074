"""Admins create an integration's API keys, whose secret is shown once, and revoke them; nobody else can."""

import pytest

from integrations.models import ApiKey

pytestmark = pytest.mark.django_db


def create_url(integration):
    return f"/admin/integrations/integration/{integration.pk}/create-key/"


def change_url(integration):
    return f"/admin/integrations/integration/{integration.pk}/change/"


def test_an_admin_creates_a_key_and_sees_it_once(client, admin_user, integration):
    client.force_login(admin_user)
    assert "Create API key" in client.get(change_url(integration)).text
    response = client.post(
        create_url(integration), {"name": "Moodle production", "scopes": ["learners", "attempts"]}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret in response.text
    assert "it will not be shown again" in response.text
    assert "no-store" in response["Cache-Control"]
    key = ApiKey.objects.get()
    assert key.digest == ApiKey.digest_of(secret)
    assert (key.integration, key.name, key.scopes) == (
        integration,
        "Moodle production",
        ["learners", "attempts"],
    )
    assert ApiKey.authenticate(secret) == key
    for later in [change_url(integration), create_url(integration), "/admin/integrations/apikey/"]:
        page = client.get(later)
        assert page.status_code == 200
        assert secret not in page.text, later
    assert key.prefix in client.get(change_url(integration)).text


def test_a_key_needs_a_name_and_a_scope(client, admin_user, integration):
    client.force_login(admin_user)
    response = client.post(create_url(integration), {"name": "", "scopes": []})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "scopes"}
    response = client.post(create_url(integration), {"name": "x", "scopes": ["everything"]})
    assert "scopes" in response.context["form"].errors
    assert not ApiKey.objects.exists()


def test_an_admin_revokes_keys(client, admin_user, integration):
    key, secret = ApiKey.issue(integration, "Old", ["results"])
    client.force_login(admin_user)
    response = client.post(
        "/admin/integrations/apikey/", {"action": "revoke_keys", "_selected_action": [key.pk]}, follow=True
    )
    assert "Revoked 1 API key" in response.text
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert ApiKey.authenticate(secret) is None


@pytest.mark.parametrize("who", ["learner", "author"])
def test_learners_and_authors_cannot_reach_the_integrations_admin(client, request, who, integration):
    client.force_login(request.getfixturevalue(who))
    for url in [create_url(integration), change_url(integration), "/admin/integrations/apikey/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    response = client.post(create_url(integration), {"name": "Sneaky", "scopes": ["bank"]})
    assert response.status_code == 302
    assert not ApiKey.objects.exists()


def test_an_admin_without_the_permission_cannot_create_keys(client, django_user_model, integration):
    staff = django_user_model.objects.create_user("staff@example.com", "pw-12345-long", role="admin")
    client.force_login(staff)
    assert client.get(create_url(integration)).status_code == 403
    assert client.post(create_url(integration), {"name": "x", "scopes": ["bank"]}).status_code == 403
    assert not ApiKey.objects.exists()
