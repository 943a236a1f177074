"""Provisioning answers nothing about other integrations or accounts: placeholder e-mails are random, and a
taken e-mail gets the same answer as a free one. External ids are validated where they are created, since
they appear in URLs."""

import pytest

from integrations.models import ProvisionedLearner

pytestmark = pytest.mark.django_db


def provision(client, external_id, **fields):
    body = {"external_id": external_id, "display_name": "Learner", **fields}
    return client.post("/api/v1/learners/", body, format="json")


def test_another_integration_cannot_probe_or_squat_a_learner(api, integration, other_integration, key_client):
    other = key_client(other_integration)
    assert provision(other, "student-7").status_code == 201  # before the first integration provisions it
    assert provision(api, "student-7").status_code == 201  # never blocked
    users = {
        provisioned.user_id for provisioned in ProvisionedLearner.objects.filter(external_id="student-7")
    }
    assert len(users) == 2


def test_placeholder_emails_are_random(api, other_integration, key_client):
    provision(api, "same-id")
    provision(key_client(other_integration), "same-id")
    emails = [p.user.email for p in ProvisionedLearner.objects.select_related("user")]
    assert len(set(emails)) == 2
    assert not any("same-id" in email for email in emails)
    assert all(email.endswith("@provisioned.dxam.invalid") for email in emails)


def test_a_taken_email_gets_the_same_answer_as_a_free_one(api, learner):
    taken = provision(api, "t-1", email=learner.email).json()
    free = provision(api, "f-1", email="new@example.org").json()
    assert set(taken) == set(free)
    assert taken["email"] == learner.email


@pytest.mark.parametrize("external_id", ["a/b", "../x", "with space", "tab\tbed", "", "x" * 201, "é"])
def test_an_external_id_that_cannot_appear_in_a_url_is_refused(api, external_id):
    response = provision(api, external_id)
    assert response.status_code == 400
    assert "external_id" in response.json()["error"]["details"]
    assert not ProvisionedLearner.objects.exists()


@pytest.mark.parametrize("external_id", ["12345", "user@lms.example.org", "course-1:user_2", "a.b~c+d=e"])
def test_usual_external_ids_are_accepted_and_reachable(api, external_id):
    assert provision(api, external_id).status_code == 201
    assert api.get(f"/api/v1/learners/{external_id}/").json()["external_id"] == external_id
