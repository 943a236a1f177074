"""Resource-link launches from an independent LTI 1.3 platform (Open edX's consumer classes)."""

from lti_tool.models import LtiUser

from exams.models import Attempt


def test_a_learner_launch_links_a_new_learner_and_opens_the_exam(
    registration, launch, tool_client, enter_url, certifying_exam
):
    response, _ = launch(user="sub-1", name="Grace Hopper", email="grace@example.org", exam="cert")
    assert response.status_code == 200, response.content.decode()[:800]
    lti_user = LtiUser.objects.get(registration=registration, sub="sub-1")
    assert lti_user.auth_user.display_name == "Grace Hopper"
    assert lti_user.auth_user.email == "grace@example.org"
    assert "frame-ancestors 'self' http://127.0.0.1" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response

    start = tool_client.get(enter_url(response))
    assert start["Location"] == "/exams/cert/start/"
    page = tool_client.get(start["Location"])
    assert b"Start now" in page.content and b"Back to your course" in page.content
    assert "frame-ancestors 'self' http://127.0.0.1" in page["Content-Security-Policy"]
    tool_client.post(start["Location"])
    attempt = Attempt.objects.get(learner=lti_user.auth_user)
    assert attempt.lti.resource_link.id_on_platform == "link-1"


def test_the_same_subject_is_the_same_learner_on_every_launch(registration, launch, certifying_exam):
    launch(user="sub-2", name="Ada", exam="cert")
    launch(user="sub-2", name="Ada", exam="cert")
    assert LtiUser.objects.filter(sub="sub-2").count() == 1
    assert LtiUser.objects.get(sub="sub-2").auth_user is not None
