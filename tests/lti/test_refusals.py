"""Launches the tool refuses, each with a clear page and a stable code, never a 500."""

import pytest
from lti_tool.models import LtiDeployment, LtiUser

from exams.models import Attempt
from exams.signals import attempt_graded


def refusal(response) -> str:
    assert response.status_code in (400, 403, 404), response.content.decode()[:500]
    assert b"dxam could not open this from your course" in response.content
    return response.content.decode()


def test_it_refuses_a_wrong_issuer(registration, lms, launch, tool_client):
    started = lms.launch_for(user="u", exam="cert", tamper="wrong_issuer")
    login = tool_client.get(started["login_url"])  # initiated as the registered issuer …
    form = lms.authorize(login["Location"])  # … but the token names another
    form.pop("action")
    assert "invalid_token" in refusal(tool_client.post("/lti/launch/", form))
    assert not LtiUser.objects.exists()


def test_it_refuses_a_login_from_an_unregistered_platform(registration, tool_client):
    response = tool_client.get(
        "/lti/login/",
        {"iss": "https://elsewhere.example", "login_hint": "x", "target_link_uri": "x", "client_id": "c"},
    )
    assert "unknown_platform" in refusal(response)


def test_it_refuses_an_unknown_deployment_until_an_admin_activates_it(registration, launch, certifying_exam):
    response, _ = launch(user="u", exam="cert", deployment_id="deployment-new")
    assert "inactive_deployment" in refusal(response)
    assert "deployment-new" in response.content.decode()
    LtiDeployment.objects.filter(deployment_id="deployment-new").update(is_active=True)
    assert launch(user="u", exam="cert", deployment_id="deployment-new")[0].status_code == 200


def test_it_refuses_a_replayed_launch(registration, launch, tool_client, certifying_exam):
    first, form = launch(user="u", exam="cert")
    assert first.status_code == 200
    assert "unknown_state" in refusal(tool_client.post("/lti/launch/", form))


def test_it_refuses_a_replayed_nonce_under_a_fresh_state(
    registration, lms, launch, tool_client, certifying_exam
):
    _, form = launch(user="u", exam="cert")
    started = lms.launch_for(user="u", exam="cert")
    fresh = lms.authorize(tool_client.get(started["login_url"])["Location"])
    replay = tool_client.post("/lti/launch/", {"state": fresh["state"], "id_token": form["id_token"]})
    assert "replayed_launch" in refusal(replay) or "invalid_token" in refusal(replay)


def test_it_refuses_an_expired_token(registration, launch):
    response, _ = launch(user="u", exam="cert", tamper="expired")
    assert "invalid_token" in refusal(response)
    assert "expired" in response.content.decode().lower()


def test_it_refuses_a_bad_signature(registration, launch):
    response, _ = launch(user="u", exam="cert", tamper="bad_signature")
    assert "invalid_token" in refusal(response)


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"state": "state-x"},
        {"state": "state-x", "id_token": "a.b.c"},
        {"state": "s\x00", "id_token": "x" * 5000},
    ],
)
def test_it_refuses_malformed_launches(registration, tool_client, form):
    refusal(tool_client.post("/lti/launch/", form))


def test_it_refuses_a_link_without_a_published_exam(registration, launch, certifying_exam):
    assert "unknown_exam" in refusal(launch(user="u", exam="no-such-exam")[0])


def test_a_refusal_page_may_be_framed_by_registered_platforms_only(registration, launch, lms):
    response, _ = launch(user="u", tamper="bad_signature")
    assert f"frame-ancestors 'self' {lms.base}" in response["Content-Security-Policy"]


def test_pages_outside_lti_sessions_still_refuse_frames(client, learner):
    client.force_login(learner)
    response = client.get("/exams/")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_sign_in_link_works_once(registration, launch, tool_client, enter_url, certifying_exam):
    url = enter_url(launch(user="u", exam="cert")[0])
    assert tool_client.get(url).status_code == 302
    tool_client.logout()
    again = tool_client.get(url)
    assert again.status_code == 410 and b"expired or was already used" in again.content
    assert not Attempt.objects.exists()


def test_a_failing_passback_never_fails_grading(
    registration, launch, tool_client, enter_url, committed, certifying_exam
):
    def broken(**kwargs):
        raise RuntimeError("a receiver's bug")

    attempt_graded.connect(broken, dispatch_uid="broken-receiver")
    try:
        tool_client.get(enter_url(launch(user="u", exam="cert")[0]))
        tool_client.post("/exams/cert/start/")
        attempt = Attempt.objects.get()
        committed(attempt.submit)
        attempt.refresh_from_db()
        assert attempt.status == "graded"
    finally:
        attempt_graded.disconnect(dispatch_uid="broken-receiver")
