"""The sign-in backend: one password check per attempt, and sessions from before it stay signed in."""

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    aauthenticate,
    authenticate,
)
from django.contrib.auth.hashers import check_password

from accounts import backends

pytestmark = pytest.mark.django_db


@pytest.fixture
def password_checks(monkeypatch):
    checks = []

    def counted(password, encoded, *args, **kwargs):
        checks.append(password)
        return check_password(password, encoded, *args, **kwargs)

    async def acounted(password, encoded, *args, **kwargs):
        return counted(password, encoded, *args, **kwargs)

    monkeypatch.setattr("django.contrib.auth.base_user.check_password", counted)
    monkeypatch.setattr("django.contrib.auth.base_user.acheck_password", acounted)
    return checks


def test_a_right_password_signs_in_with_one_check(learner, password, password_checks):
    assert authenticate(username=learner.email, password=password) == learner
    assert len(password_checks) == 1


def test_a_wrong_password_is_checked_once_not_once_per_backend(learner, password_checks):
    assert authenticate(username=learner.email, password="not the password") is None
    assert len(password_checks) == 1


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_checked_once_when_signing_in_asynchronously_too(learner, password_checks):
    assert async_to_sync(aauthenticate)(username=learner.email, password="not the password") is None
    assert len(password_checks) == 1


def test_signing_in_records_this_backend(client, learner, password):
    response = client.post("/accounts/login/", {"username": learner.email, "password": password})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == backends.BACKEND


def test_a_session_signed_in_before_this_backend_stays_signed_in(client, learner):
    session = client.session
    session.update(
        {
            SESSION_KEY: str(learner.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: learner.get_session_auth_hash(),
        }
    )
    session.save()
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert response.context["user"] == learner


def test_an_inactive_user_is_signed_out(client, learner):
    client.force_login(learner)
    learner.is_active = False
    learner.save()
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
