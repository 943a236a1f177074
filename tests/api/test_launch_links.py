"""Signed launch links for REST integrations: POST /api/v1/learners/{external_id}/launch/."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import SignInLink
from exams.models import Attempt


def provision(api, external_id="student-42", **extra):
    api.post(
        "/api/v1/learners/",
        {"external_id": external_id, "display_name": "Grace Hopper", **extra},
        format="json",
    )


def launch_link(api, external_id="student-42", **body):
    return api.post(f"/api/v1/learners/{external_id}/launch/", {"exam": "cert", **body}, format="json")


def test_a_launch_link_signs_the_learner_in_and_opens_the_exam_once(api, certifying_exam):
    provision(api)
    response = launch_link(api)
    assert response.status_code == 201
    assert response.data["expires_at"] <= timezone.now() + timedelta(minutes=5, seconds=1)
    browser = Client()
    opened = browser.get(response.data["url"])
    assert opened["Location"] == "/exams/cert/start/"
    assert b"Start now" in browser.get("/exams/cert/start/").content
    assert Client().get(response.data["url"]).status_code == 410  # single use


def test_a_launch_link_resumes_the_open_attempt(api, certifying_exam):
    provision(api)
    browser = Client()
    browser.get(launch_link(api).data["url"])
    browser.post("/exams/cert/start/")
    again = Client()
    again.get(launch_link(api).data["url"])
    assert b"Resume" in again.get("/exams/cert/start/").content
    again.post("/exams/cert/start/")
    assert Attempt.objects.count() == 1


def test_an_expired_link_is_refused(api, certifying_exam):
    provision(api)
    url = launch_link(api).data["url"]
    SignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(url).status_code == 410


def test_the_return_url_must_be_on_one_of_the_integrations_origins(api, integration, certifying_exam):
    provision(api)
    refused = launch_link(api, return_url="https://evil.example/phish")
    assert refused.status_code == 400 and "return_url" in refused.data["error"]["details"]
    integration.return_origins = "https://lms.example.org"
    integration.save()
    for sneaky in [
        "https://lms.example.org@evil.example/",
        "javascript:alert(1)",
        "https://lms.example.org.evil.example/",
        "https://lms.example.org:8443/x",
        "http://lms.example.org/x",
        "https://lms.example.org\\evil.example/",
        "https://lms.example.org:99999/x",
    ]:
        assert launch_link(api, return_url=sneaky).status_code == 400
    accepted = launch_link(api, return_url="https://lms.example.org/course/7")
    browser = Client()
    browser.get(accepted.data["url"])
    page = browser.get("/exams/cert/start/").content.decode()
    assert 'href="https://lms.example.org/course/7"' in page and "Back to your course" in page


@pytest.mark.parametrize(
    ("configured", "return_url"),
    [
        ("https://lms.example.org", "https://lms.example.org:443/x"),
        ("https://lms.example.org:443/", "https://lms.example.org/x"),
        ("https://LMS.example.org", "https://lms.EXAMPLE.org/x"),
        ("http://lms.example.org:80", "http://lms.example.org/x"),
        ("https://lms.example.org:8443", "https://lms.example.org:8443/x"),
    ],
)
def test_the_same_origin_written_another_way_is_accepted(
    api, integration, certifying_exam, configured, return_url
):
    provision(api)
    integration.return_origins = configured
    integration.save()
    assert launch_link(api, return_url=return_url).status_code == 201


def test_only_the_provisioning_integration_can_launch_its_learner(
    api, key_client, other_integration, certifying_exam
):
    provision(api)
    assert launch_link(key_client(other_integration)).status_code == 404
    assert launch_link(api, exam="no-such-exam").status_code == 400
    assert launch_link(key_client(other_integration, scopes=["learners"])).status_code == 403


def test_a_provisioned_learner_with_a_real_email_can_set_a_password(api, certifying_exam):
    provision(api, external_id="s-1", email="grace@example.org")
    provision(api, external_id="s-2")
    Client().post("/accounts/password/reset/", {"email": "grace@example.org"})
    assert len(mail.outbox) == 1 and "grace@example.org" in mail.outbox[0].to
