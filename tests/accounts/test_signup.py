import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {
        "email": "grace@example.com",
        "display_name": "Grace Hopper",
        "password1": "a long passphrase 2026",
        "password2": "a long passphrase 2026",
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def test_it_creates_a_learner_and_signs_them_in(client):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="grace@example.com")
    assert user.display_name == "Grace Hopper"
    assert user.role == User.Role.LEARNER
    assert not user.is_staff
    assert client.get("/").context["user"] == user


def test_it_stores_a_hashed_password(client):
    signup(client)
    user = User.objects.get(email="grace@example.com")
    assert user.password != "a long passphrase 2026"
    assert user.check_password("a long passphrase 2026")


def test_it_rejects_an_address_already_taken_in_any_case(client, learner):
    response = signup(client, email="ADA@example.com")
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_it_requires_a_display_name(client):
    response = signup(client, display_name="")
    assert response.status_code == 200
    assert not User.objects.exists()


def test_it_rejects_mismatched_passwords(client):
    response = signup(client, password2="something else entirely")
    assert response.status_code == 200
    assert not User.objects.exists()


def test_it_rejects_a_weak_password(client):
    response = signup(client, password1="12345678", password2="12345678")
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.exists()
