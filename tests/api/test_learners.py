import pytest

from integrations.models import ProvisionedLearner

pytestmark = pytest.mark.django_db


def test_provisioning_is_create_or_get(api, provisioned):
    again = api.post(
        "/api/v1/learners/", {"external_id": "u-1", "display_name": "Grace Hopper"}, format="json"
    )
    assert again.status_code == 200
    assert again.json() == provisioned
    assert ProvisionedLearner.objects.count() == 1
    assert provisioned["external_id"] == "u-1"
    assert provisioned["display_name"] == "Grace Hopper"


def test_an_integration_lists_only_its_learners(api, provisioned, other_integration, key_client):
    other = key_client(other_integration)
    other.post("/api/v1/learners/", {"external_id": "c-9", "display_name": "Other"}, format="json")
    assert [row["external_id"] for row in api.get("/api/v1/learners/").json()["results"]] == ["u-1"]
    assert other.get("/api/v1/learners/u-1/").status_code == 404
    assert api.get("/api/v1/learners/u-1/").status_code == 200


def test_the_same_external_id_in_two_integrations_is_two_learners(
    api, provisioned, other_integration, key_client
):
    other = key_client(other_integration)
    response = other.post(
        "/api/v1/learners/", {"external_id": "u-1", "display_name": "Namesake"}, format="json"
    )
    assert response.status_code == 201
    assert ProvisionedLearner.objects.count() == 2


def test_an_integration_cannot_claim_an_existing_account_nor_learn_that_it_exists(api, learner):
    taken = api.post(
        "/api/v1/learners/",
        {"external_id": "x", "display_name": "Ada", "email": learner.email},
        format="json",
    )
    free = api.post(
        "/api/v1/learners/",
        {"external_id": "y", "display_name": "Bo", "email": "bo@example.org"},
        format="json",
    )
    assert (taken.status_code, free.status_code) == (201, 201)
    assert taken.json()["email"] == learner.email and free.json()["email"] == "bo@example.org"
    provisioned = ProvisionedLearner.objects.get(external_id="x").user
    assert provisioned != learner  # a separate account: never linked by e-mail
    assert provisioned.email != learner.email


def test_a_learners_session_cannot_provision(client, learner):
    client.force_login(learner)
    assert client.post(
        "/api/v1/learners/", {"external_id": "x", "display_name": "y"}, "application/json"
    ).status_code in (401, 403)
