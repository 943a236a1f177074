"""A learner downloads their data and deletes their account; an admin deletes a learner."""

import json

import pytest
from django.db.models import RestrictedError

from accounts.models import User
from certificates.models import Certificate
from exams.models import Attempt
from privacy.services import DELETED_NAME

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


def test_an_admin_deletes_a_learner_who_holds_a_certificate(client, admin_user, learner, history):
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{learner.pk}/delete/"
    confirmation = client.get(url).content.decode()
    assert "Certificates are deleted with the account." in confirmation
    assert "protected" not in confirmation
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=learner.pk).exists()
    assert not Certificate.objects.exists() and not Attempt.objects.exists()


def test_an_admin_deletes_learners_in_bulk(client, admin_user, learner, history):
    client.force_login(admin_user)
    form = {"action": "delete_selected", "_selected_action": [learner.pk]}
    confirmation = client.post("/admin/accounts/user/", form).content.decode()
    assert "Certificates are deleted with the account." in confirmation
    client.post("/admin/accounts/user/", {**form, "post": "yes"})
    assert not User.objects.filter(pk=learner.pk).exists()


def test_an_attempt_that_earned_a_certificate_still_cannot_be_deleted_alone(history):
    passed, _, _ = history
    with pytest.raises(RestrictedError):
        passed.delete()
