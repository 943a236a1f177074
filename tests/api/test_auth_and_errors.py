import pytest
from rest_framework.test import APIClient

from integrations.models import ApiKey

pytestmark = pytest.mark.django_db


def test_requests_without_credentials_get_a_json_401():
    response = APIClient().get("/api/v1/exams/")
    assert response.status_code in (401, 403)
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_an_unknown_key_is_refused():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer dxam_nope_nope")
    response = client.get("/api/v1/exams/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "This API key is unknown or has been revoked."


def test_a_revoked_key_fails(integration):
    key, secret = ApiKey.issue(integration, "k", ["learners"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/learners/").status_code == 200
    key.revoke()
    assert client.get("/api/v1/learners/").status_code == 401


def test_keys_are_stored_hashed(integration):
    key, secret = ApiKey.issue(integration, "k", ["learners"])
    assert secret.startswith(f"dxam_{key.prefix}_")
    assert secret not in (key.digest, key.prefix)
    assert key.digest == ApiKey.digest_of(secret)


def test_a_key_without_the_scope_is_refused(integration, key_client):
    client = key_client(integration, ["results"])
    response = client.get("/api/v1/learners/")
    assert response.status_code == 403
    assert "lacks the 'learners' scope" in response.json()["error"]["message"]


def test_validation_errors_name_the_fields(api):
    response = api.post("/api/v1/learners/", {"display_name": "No id"}, format="json")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert "external_id" in body["details"]


def test_unknown_objects_are_a_json_404(api):
    response = api.get("/api/v1/exams/no-such-exam/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_exams_list_supports_etags(api):
    first = api.get("/api/v1/exams/")
    assert first.status_code == 200
    etag = first["ETag"]
    assert api.get("/api/v1/exams/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_schema_and_docs_are_served(client, learner):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    assert b"/api/v1/attempts/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()  # every asset is served by the app


def test_throttling_per_key(api, settings):
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    cache.clear()
    SimpleRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "key": "3/min"}
    try:
        codes = [api.get("/api/v1/domains/").status_code for _ in range(4)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()
    assert codes == [200, 200, 200, 429]
