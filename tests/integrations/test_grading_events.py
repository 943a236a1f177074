"""Grading an attempt of a provisioned learner sends attempt.graded, and certificate.issued when it certifies,
each exactly once however often the grading pipeline runs."""

import json

import pytest

from certificates.models import Certificate
from grading.tasks import grade_attempt
from integrations.models import Integration, ProvisionedLearner, WebhookDelivery, WebhookEndpoint
from integrations.webhooks import verify_signature

pytestmark = pytest.mark.django_db


def events(receiver, event):
    return [json.loads(body) for body in receiver.bodies(event)]


def test_grading_sends_attempt_graded_once(certifying_exam, provisioned, endpoint, receiver, take, committed):
    attempt = take(certifying_exam, provisioned, correct=1)
    committed(grade_attempt, str(attempt.pk))  # the pipeline runs again (a retried or re-enqueued task)
    [graded] = events(receiver, "attempt.graded")
    assert graded["event"] == "attempt.graded"
    assert graded["data"] == {
        "id": str(attempt.pk),
        "exam": {"slug": "cert", "title": "Certified Matrix Calculus"},
        "learner": {"external_id": "moodle-42"},
        "status": "graded",
        "score_percent": 50.0,
        "passed": True,
        "domain_scores": attempt.domain_scores,
        "submitted_at": attempt.submitted_at.isoformat().replace("+00:00", "Z"),
        "graded_at": attempt.graded_at.isoformat().replace("+00:00", "Z"),
    }
    assert graded["created_at"].endswith("Z")
    request = receiver.requests[0]
    assert verify_signature(
        endpoint.integration.webhook_secret, request.body, request.headers["X-Dxam-Signature"]
    )


def test_passing_a_certifying_exam_sends_certificate_issued_once(
    certifying_exam, provisioned, endpoint, receiver, take, committed, settings
):
    settings.SITE_URL = "https://dxam.example.org/"
    attempt = take(certifying_exam, provisioned, correct=2)
    committed(grade_attempt, str(attempt.pk))
    certificate = Certificate.objects.get()
    [issued] = events(receiver, "certificate.issued")
    assert issued["data"] == {
        "code": certificate.code,
        "reference": certificate.reference,
        "exam": {"slug": "cert", "title": "Certified Matrix Calculus"},
        "learner": {"external_id": "moodle-42"},
        "score_percent": 100.0,
        "issued_at": certificate.issued_at.isoformat().replace("+00:00", "Z"),
        "verify_url": f"https://dxam.example.org/verify/{certificate.code}",
    }
    assert len(events(receiver, "attempt.graded")) == 1
    assert WebhookDelivery.objects.filter(status="succeeded").count() == 2


def test_a_better_pass_does_not_send_the_certificate_again(
    certifying_exam, provisioned, endpoint, receiver, take
):
    take(certifying_exam, provisioned, correct=1)
    take(certifying_exam, provisioned, correct=2)
    assert len(events(receiver, "attempt.graded")) == 2
    [issued] = events(receiver, "certificate.issued")
    assert issued["data"]["score_percent"] == 50.0
    assert Certificate.objects.get().percent == 100.0


def test_failing_sends_attempt_graded_only(certifying_exam, provisioned, endpoint, receiver, take):
    take(certifying_exam, provisioned, correct=0)
    [graded] = events(receiver, "attempt.graded")
    assert graded["data"]["passed"] is False
    assert events(receiver, "certificate.issued") == []


def test_learners_not_provisioned_by_an_integration_produce_no_deliveries(
    certifying_exam, learner, endpoint, receiver, take
):
    take(certifying_exam, learner, correct=2)
    assert not WebhookDelivery.objects.exists()
    assert receiver.requests == []


def test_only_the_integrations_that_provisioned_the_learner_are_told(
    certifying_exam, provisioned, endpoint, receiver, take, django_user_model
):
    other = Integration.objects.create(name="Canvas")
    WebhookEndpoint.objects.create(integration=other, url=receiver.url + "/canvas", events=["attempt.graded"])
    someone = django_user_model.objects.create_user(
        "grace@example.com", "pw-12345-long", display_name="Grace"
    )
    ProvisionedLearner.objects.create(integration=other, external_id="canvas-7", user=someone)
    take(certifying_exam, provisioned, correct=1)
    assert [request.path for request in receiver.requests] == ["/hooks/dxam", "/hooks/dxam"]


def test_each_integration_that_provisioned_the_learner_gets_its_own_external_id(
    certifying_exam, provisioned, endpoint, receiver, take
):
    other = Integration.objects.create(name="Canvas")
    WebhookEndpoint.objects.create(integration=other, url=receiver.url + "/canvas", events=["attempt.graded"])
    ProvisionedLearner.objects.create(integration=other, external_id="canvas-7", user=provisioned)
    take(certifying_exam, provisioned, correct=0)
    by_path = {request.path: request for request in receiver.requests}
    moodle, canvas = by_path["/hooks/dxam"], by_path["/hooks/dxam/canvas"]
    assert json.loads(moodle.body)["data"]["learner"] == {"external_id": "moodle-42"}
    assert json.loads(canvas.body)["data"]["learner"] == {"external_id": "canvas-7"}
    # Each is signed with its own integration's secret.
    assert verify_signature(other.webhook_secret, canvas.body, canvas.headers["X-Dxam-Signature"])
    assert not verify_signature(
        endpoint.integration.webhook_secret, canvas.body, canvas.headers["X-Dxam-Signature"]
    )


def test_a_deactivated_integration_is_not_told(certifying_exam, provisioned, endpoint, receiver, take):
    Integration.objects.update(is_active=False)
    take(certifying_exam, provisioned, correct=2)
    assert not WebhookDelivery.objects.exists()
    assert receiver.requests == []


def test_an_attempt_awaiting_review_sends_nothing_until_resolved_then_each_event_once(
    certifying_exam, provisioned, endpoint, receiver, committed, author
):
    from exams.models import Response

    attempt = certifying_exam.start_attempt(provisioned)
    broken = attempt.questions.select_related("version").get(position=1)
    broken.version.content = {**broken.version.content, "answer": "not a number"}
    broken.version.save()
    for item in attempt.questions.all():
        attempt.save_answer(item.position, "2")
    committed(attempt.submit)
    committed(grade_attempt, str(attempt.pk))  # a re-run changes nothing while the answer waits
    assert receiver.requests == [] and not Certificate.objects.exists()

    response = Response.objects.get(needs_review=True)
    committed(response.resolve, Response.Decision.RIGHT, author, "Checked by hand.")
    committed(grade_attempt, str(attempt.pk))

    [graded] = events(receiver, "attempt.graded")
    assert (graded["data"]["score_percent"], graded["data"]["passed"]) == (100.0, True)
    assert len(events(receiver, "certificate.issued")) == 1
