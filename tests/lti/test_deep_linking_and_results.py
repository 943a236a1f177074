"""Deep Linking 2.0, roles, the instructor's results page with NRPS, and the tool's keys."""

import re
from datetime import timedelta

import requests
from django.utils import timezone
from lti_tool.models import Key

from exams.models import Attempt
from lti import keys


def pick_exam(launch, tool_client, enter_url, **spec):
    response, _ = launch(role="staff", message_type="LtiDeepLinkingRequest", user="teacher-1", **spec)
    assert response.status_code == 200, response.content.decode()[:500]
    picker = tool_client.get(tool_client.get(enter_url(response))["Location"])
    launch_id = re.search(r'name="launch_id" value="([^"]+)"', picker.content.decode()).group(1)
    return picker, launch_id


def test_an_instructor_places_an_exam_in_the_course(
    registration, lms, launch, tool_client, enter_url, certifying_exam
):
    picker, launch_id = pick_exam(launch, tool_client, enter_url)
    assert b"Certified Matrix Calculus" in picker.content
    answer = tool_client.post("/lti/deep-link/", {"launch_id": launch_id, "exam": "cert"})
    page = answer.content.decode()
    action = re.search(r'action="([^"]+)" id="deep-link-return"', page).group(1)
    assert action == f"{lms.base}/deep-link-return"
    assert f"form-action 'self' {lms.base}" in answer["Content-Security-Policy"]
    jwt = re.search(r'name="JWT" value="([^"]+)"', page).group(1)
    received = requests.post(action, data={"JWT": jwt}, timeout=20)  # as the browser's auto-submit does
    assert received.status_code == 200, received.text
    [response] = lms.recorded()["deep_links"]
    [item] = response["items"]
    assert item["type"] == "ltiResourceLink" and item["custom"] == {"exam": "cert"}
    assert item["url"].endswith("/lti/launch/") and item["lineItem"]["scoreMaximum"] == 100
    # The link it placed launches the exam.
    assert launch(user="learner-5", exam=item["custom"]["exam"])[0].status_code == 200


def test_a_selection_cannot_answer_another_platforms_request(
    registration, launch, tool_client, enter_url, certifying_exam
):
    pick_exam(launch, tool_client, enter_url)
    answer = tool_client.post(
        "/lti/deep-link/", {"launch_id": "lti1p3-launch-of-another-platform", "exam": "cert"}
    )
    assert answer.status_code == 403 and b"deep_link_mismatch" in answer.content


def test_a_deep_linking_page_without_a_request_is_refused(tool_client, learner, transactional_db):
    tool_client.force_login(learner)
    assert tool_client.get("/lti/deep-link/").status_code == 403


def test_learners_cannot_deep_link(registration, launch, certifying_exam):
    response, _ = launch(role="student", message_type="LtiDeepLinkingRequest", user="student-x")
    assert response.status_code == 403 and b"not_instructor" in response.content


def test_an_instructor_sees_the_courses_results_and_roster(
    registration, launch, tool_client, enter_url, committed, certifying_exam, client
):
    learner_launch, _ = launch(user="learner-7", name="Katherine Johnson", exam="cert")
    client.defaults["HTTP_HOST"] = tool_client.defaults["HTTP_HOST"]
    client.get(enter_url(learner_launch))
    client.post("/exams/cert/start/")
    attempt = Attempt.objects.get()
    committed(attempt.submit)

    response, _ = launch(user="teacher-2", role="staff", exam="cert")
    results_url = tool_client.get(enter_url(response))["Location"]
    page = tool_client.get(results_url).content.decode()
    assert "Katherine Johnson" in page and "0.0%" in page
    tool_client.post(results_url.replace("results", "roster"))
    assert "Absent Learner" in tool_client.get(results_url).content.decode()
    # The learner cannot see it.
    assert client.get(results_url).status_code == 403


def test_the_jwks_keeps_a_rotated_key_until_it_can_be_retired(client, settings, transactional_db):
    settings.LTI_KEY_RETIRE_AFTER_SECONDS = 3600
    first = keys.signing_key()
    kids = lambda: {key["kid"] for key in client.get("/lti/jwks/").json()["keys"]}  # noqa: E731
    assert kids() == {str(first)}
    second = keys.rotate()
    assert keys.signing_key() == second and kids() == {str(first), str(second)}
    third = keys.rotate(now=timezone.now() + timedelta(hours=2))
    # The first key was superseded two hours ago: retired. The second only now: still published.
    assert kids() == {str(second), str(third)} and Key.objects.active().count() == 2
