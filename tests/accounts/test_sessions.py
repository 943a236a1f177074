"""The session engine reads Django's session table with a plain statement; what it reads is Django's."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def stored_session(data, expires_in):
    store = SessionStore()
    store.update(data)
    store.set_expiry(timezone.now() + expires_in)
    store.create()
    return store.session_key


def test_a_stored_session_is_read_back():
    key = stored_session({"learner": "ada", "answers": [1, 2]}, timedelta(hours=1))
    store = SessionStore(key)
    assert (store["learner"], store["answers"]) == ("ada", [1, 2])
    assert store.session_key == key


def test_an_expired_session_reads_as_empty_and_gets_a_new_key_when_saved():
    key = stored_session({"learner": "ada"}, timedelta(hours=1))
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    store = SessionStore(key)
    assert "learner" not in store
    store["learner"] = "eve"
    store.save()
    assert store.session_key != key


def test_an_unknown_or_hostile_key_reads_as_empty():
    for key in ["x" * 32, "' OR 1=1 --aaaaaaaa", "a%sb%%c" * 5, "\x00abcdefghijk", "é" * 40, "A" * 4000]:
        assert dict(SessionStore(key).items()) == {}


def test_a_cookie_with_a_nul_is_signed_out_not_a_500(client):
    client.cookies["sessionid"] = "\x00abcdefghijk"
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_sessions_written_by_djangos_own_engine_are_read():
    # Switching engines must not sign anybody out: the table and the encoding are Django's.
    django_store = db.SessionStore()
    django_store["learner"] = "ada"
    django_store.create()
    assert SessionStore(django_store.session_key)["learner"] == "ada"


def test_a_signed_in_page_is_served_through_this_engine(client, learner, settings):
    assert settings.SESSION_ENGINE == "accounts.sessions"
    client.force_login(learner)
    assert client.get("/exams/").context["user"] == learner
