import pytest
from rest_framework.test import APIClient

from integrations.models import ApiKey, Integration

ALL_SCOPES = [scope.value for scope in ApiKey.Scope]


@pytest.fixture
def integration(db):
    return Integration.objects.create(name="Moodle")


@pytest.fixture
def other_integration(db):
    return Integration.objects.create(name="Canvas")


@pytest.fixture
def key_client():
    """An API client authenticated with a new key of the given integration and scopes."""

    def make(integration, scopes=ALL_SCOPES):
        _, secret = ApiKey.issue(integration, "test key", scopes)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return make


@pytest.fixture
def api(integration, key_client):
    return key_client(integration)


@pytest.fixture
def two_question_exam(make_question, make_exam):
    make_question("numeric", answer="42", solution="SECRET-SOLUTION 42.")
    make_question("single_choice")
    return make_exam("api-exam", count=2, time_limit_minutes=10, pass_mark=50)


@pytest.fixture
def provisioned(api):
    response = api.post(
        "/api/v1/learners/", {"external_id": "u-1", "display_name": "Grace Hopper"}, format="json"
    )
    assert response.status_code == 201
    return response.json()


@pytest.fixture
def started(api, provisioned, two_question_exam):
    response = api.post("/api/v1/attempts/", {"exam": "api-exam", "learner": "u-1"}, format="json")
    assert response.status_code == 201
    return response.json()
