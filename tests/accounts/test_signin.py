import pytest

pytestmark = pytest.mark.django_db


def test_it_signs_in_by_email(client, learner, password):
    response = client.post("/accounts/login/", {"username": "ada@example.com", "password": password})
    assert response.status_code == 302
    assert client.get("/").context["user"] == learner


def test_the_address_is_case_insensitive(client, learner, password):
    response = client.post("/accounts/login/", {"username": "Ada@Example.com", "password": password})
    assert response.status_code == 302


def test_it_rejects_a_wrong_password(client, learner):
    response = client.post("/accounts/login/", {"username": "ada@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password" in response.content.decode()


def test_it_signs_out_on_post(client, learner):
    client.force_login(learner)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_it_limits_attempts_per_account(client, learner, password, settings):
    settings.LOGIN_RATE_PER_ACCOUNT = "3/5m"
    for _ in range(3):
        client.post("/accounts/login/", {"username": "ada@example.com", "password": "wrong"})
    # Even the right password is refused once the limit is reached, so guessing gains nothing.
    response = client.post("/accounts/login/", {"username": "ada@example.com", "password": password})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert not client.get("/").context["user"].is_authenticated


def test_the_limit_for_one_account_does_not_block_another(client, learner, author, password, settings):
    settings.LOGIN_RATE_PER_ACCOUNT = "3/5m"
    for _ in range(4):
        client.post("/accounts/login/", {"username": "ada@example.com", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "carl@example.com", "password": password})
    assert response.status_code == 302


def test_it_limits_attempts_per_client_address(client, learner, author, password, settings):
    settings.LOGIN_RATE_PER_IP = "4/5m"
    for index in range(4):
        client.post("/accounts/login/", {"username": f"nobody{index}@example.com", "password": "x"})
    response = client.post("/accounts/login/", {"username": "carl@example.com", "password": password})
    assert response.status_code == 429
