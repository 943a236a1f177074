"""A learner downloads their data and deletes their account; an admin deleting a learner (one, or in bulk)
does the same: attempts kept anonymous, certificates revoked ("account deleted"), webhooks sent."""

import json

import pytest
from django.db.models import RestrictedError

from accounts.models import User
from certificates.models import Certificate
from exams.models import Attempt
from integrations.models import Integration, ProvisionedLearner, WebhookDelivery, WebhookEndpoint
from privacy.services import DELETED_NAME, REVOKED_BECAUSE_DELETED, erase_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(certifying_exam, learner, take):
    """A passed certifying attempt (with its certificate), a failed one, and an open one."""
    passed = take(certifying_exam, learner, correct=2)
    failed = take(certifying_exam, learner, correct=0)
    still_open = certifying_exam.start_attempt(learner)
    still_open.save_answer(1, "7")
    return passed, failed, still_open


def test_a_learner_downloads_everything_held_about_them(client, learner, history):
    passed, failed, still_open = history
    client.force_login(learner)
    response = client.get("/accounts/my-data/data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="dxam-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "ada@example.com"
    assert data["account"]["display_name"] == "Ada Lovelace"
    attempts = {attempt["id"]: attempt for attempt in data["attempts"]}
    assert set(attempts) == {str(passed.pk), str(failed.pk), str(still_open.pk)}
    assert attempts[str(passed.pk)]["score_percent"] == 100.0
    assert [answer["answer"] for answer in attempts[str(still_open.pk)]["answers"]] == ["7"]
    assert "score_percent" not in attempts[str(still_open.pk)]  # nothing to show before grading
    [certificate] = data["certificates"]
    assert certificate["code"] == Certificate.objects.get().code and certificate["revoked_at"] is None


def test_the_download_needs_a_signed_in_learner(client):
    assert client.get("/accounts/my-data/data.json").status_code == 302


def test_deleting_needs_the_password(client, learner, history):
    client.force_login(learner)
    response = client.post("/accounts/my-data/delete/", {"confirmation": "not it"})
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    learner.refresh_from_db()
    assert learner.is_active and learner.email == "ada@example.com"


def test_an_empty_delete_form_says_what_is_missing_and_deletes_nothing(client, learner, history):
    client.force_login(learner)
    response = client.post("/accounts/my-data/delete/", {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    learner.refresh_from_db()
    assert not learner.is_deleted and learner.email == "ada@example.com"
    assert not Certificate.objects.get().is_revoked


def test_a_deleted_account_is_anonymised_its_certificates_revoked_and_its_results_kept(
    client, learner, password, history
):
    passed, failed, still_open = history
    code = Certificate.objects.get().code
    client.force_login(learner)
    response = client.post("/accounts/my-data/delete/", {"confirmation": password})
    assert response.status_code == 302
    assert not client.get("/").context["user"].is_authenticated  # signed out

    learner.refresh_from_db()
    assert learner.email == f"deleted-{learner.pk}@deleted.invalid"
    assert learner.display_name == DELETED_NAME
    assert not learner.is_active and not learner.has_usable_password()
    assert not User.objects.filter(email="ada@example.com").exists()
    # Nobody can sign in as them any more.
    assert (
        client.post("/accounts/login/", {"username": "ada@example.com", "password": password}).status_code
        == 200
    )

    # Graded attempts stay, anonymous, for the statistics; the unfinished one is gone.
    assert set(Attempt.objects.values_list("pk", flat=True)) == {passed.pk, failed.pk}
    # The certificate says it was revoked, and no longer names the learner.
    certificate = Certificate.objects.get()
    assert certificate.is_revoked and certificate.name == DELETED_NAME
    page = client.get(f"/verify/{code}").content.decode()
    assert "Ada Lovelace" not in page
    assert "revoked" in page.lower()


def test_an_admin_is_not_deleted_from_the_account_page(client, admin_user, password):
    client.force_login(admin_user)
    response = client.post("/accounts/my-data/delete/", {"confirmation": password}, follow=True)
    assert "deleted by another admin" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def assert_erased_with_certificate_revoked(client, learner, passed, failed):
    learner.refresh_from_db()
    assert learner.is_deleted and learner.display_name == DELETED_NAME and not learner.is_active
    assert set(Attempt.objects.filter(learner=learner).values_list("pk", flat=True)) == {passed.pk, failed.pk}
    certificate = Certificate.objects.get()
    assert certificate.revoked_reason == REVOKED_BECAUSE_DELETED == "account deleted"
    verification = client.get(f"/api/v1/certificates/verify/{certificate.code}").json()
    assert verification["status"] == "revoked" and verification["name"] != "Ada Lovelace"


def test_an_admin_deletes_a_learner_who_holds_a_certificate(client, admin_user, learner, history):
    passed, failed, still_open = history
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{learner.pk}/delete/"
    confirmation = client.get(url).content.decode()
    assert "Certificates are revoked, not deleted." in confirmation
    assert "ada@example.com: 1 certificate(s) revoked" in confirmation
    assert "2 submitted attempt(s) kept anonymously; 1 attempt(s) in progress discarded" in confirmation
    assert "protected" not in confirmation
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert_erased_with_certificate_revoked(client, learner, passed, failed)
    assert not Attempt.objects.filter(pk=still_open.pk).exists()


def test_an_admin_deletes_learners_in_bulk(client, admin_user, learner, history, django_user_model):
    passed, failed, _ = history
    other = django_user_model.objects.create_user("grace@example.com", "pw", display_name="Grace Hopper")
    client.force_login(admin_user)
    form = {"action": "delete_selected", "_selected_action": [learner.pk, other.pk]}
    confirmation = client.post("/admin/accounts/user/", form).content.decode()
    assert "Certificates are revoked, not deleted." in confirmation
    assert "grace@example.com: 0 certificate(s) revoked" in confirmation
    client.post("/admin/accounts/user/", {**form, "post": "yes"})
    assert_erased_with_certificate_revoked(client, learner, passed, failed)
    other.refresh_from_db()
    assert other.is_deleted and other.email != "grace@example.com"


def test_deleting_sends_certificate_revoked_to_the_integration_that_provisioned_the_learner(learner, history):
    integration = Integration.objects.create(name="Moodle")
    WebhookEndpoint.objects.create(
        integration=integration, url="https://lms.example/hook", events=["certificate.revoked"]
    )
    ProvisionedLearner.objects.create(integration=integration, external_id="moodle-42", user=learner)
    assert erase_account(learner) == 1
    [delivery] = WebhookDelivery.objects.filter(event="certificate.revoked")
    data = delivery.payload["data"]
    assert (data["learner"]["external_id"], data["reason"]) == ("moodle-42", "account deleted")
    assert data["code"] == Certificate.objects.get().code
    assert erase_account(learner) == 0  # erasing again sends nothing more
    assert WebhookDelivery.objects.count() == 1


def test_an_attempt_graded_after_the_deletion_earns_no_certificate(
    learner, certifying_exam, django_capture_on_commit_callbacks
):
    attempt = certifying_exam.start_attempt(learner)
    for item in attempt.questions.all():
        attempt.save_answer(item.position, "2")
    with django_capture_on_commit_callbacks() as grading:
        attempt.submit()
    erase_account(learner)
    for callback in grading:
        callback()  # the worker grades it after the account is gone
    attempt.refresh_from_db()
    assert attempt.status == "graded" and attempt.passed
    assert not Certificate.objects.exists()


def test_a_regrade_never_reinstates_a_deleted_accounts_certificate(certifying_exam, learner, history):
    certificate = Certificate.objects.get()
    certificate.revoke("regraded")  # a regrade failed it before the account was deleted
    erase_account(learner)
    learner.refresh_from_db()
    # A later regrade passes the attempt again: a live account's certificate would be reinstated here.
    assert Certificate.settle(learner, certifying_exam, "regraded") == (None, None)
    certificate.refresh_from_db()
    assert certificate.is_revoked


def test_an_attempt_that_earned_a_certificate_still_cannot_be_deleted_alone(history):
    passed, _, _ = history
    with pytest.raises(RestrictedError):
        passed.delete()
