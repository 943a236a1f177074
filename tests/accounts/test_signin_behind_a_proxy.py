"""Sign-in limits per client address behind a TLS proxy: X-Forwarded-For is believed only from the proxies
listed in TRUSTED_PROXIES, and read from the right, so a client cannot pick its own address."""

import ipaddress
import random

import pytest
from django.test import RequestFactory

from config.client_address import client_address

PROXY = "10.0.0.7"


def networks(*items):
    return [ipaddress.ip_network(item, strict=False) for item in items]


def request_from(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.fixture
def behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = networks("10.0.0.0/24", "fd00::/8")


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from(PROXY, "203.0.113.5")) == PROXY


def test_a_trusted_proxy_forwards_the_client_address(behind_the_proxy):
    assert client_address(request_from(PROXY, "203.0.113.5")) == "203.0.113.5"


def test_addresses_the_client_wrote_itself_are_not_believed(behind_the_proxy):
    # The client sent "X-Forwarded-For: 198.51.100.1"; the proxy appended the address it saw.
    assert client_address(request_from(PROXY, "198.51.100.1, 203.0.113.5")) == "203.0.113.5"


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_client(behind_the_proxy):
    assert client_address(request_from(PROXY, "203.0.113.5, 10.0.0.9")) == "203.0.113.5"
    assert client_address(request_from("fd00::1", "2001:db8::5")) == "2001:db8::5"


def test_a_request_not_from_a_trusted_proxy_keeps_its_own_address(behind_the_proxy):
    assert client_address(request_from("192.0.2.1", "203.0.113.5")) == "192.0.2.1"


def test_garbage_in_the_header_stops_at_the_last_trusted_hop(behind_the_proxy):
    assert client_address(request_from(PROXY, "not-an-address")) == PROXY
    assert client_address(request_from(PROXY, "")) == PROXY
    assert client_address(request_from(PROXY, "203.0.113.5, evil")) == PROXY


# --- Through the sign-in form -----------------------------------------------------------------------------


def random_address():
    return str(ipaddress.ip_address(random.getrandbits(32) | 0x01000000))  # never 0.x.x.x


def sign_in(client, email, password, forwarded):
    return client.post(
        "/accounts/login/",
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_a_class_behind_the_proxy_signs_in_though_the_limit_per_address_is_small(
    client_factory, behind_the_proxy, settings, django_user_model, password
):
    settings.LOGIN_RATE_PER_IP = "2/5m"
    for number in range(6):
        django_user_model.objects.create_user(email=f"learner{number}@example.com", password=password)
        response = sign_in(client_factory(), f"learner{number}@example.com", password, random_address())
        assert response.status_code == 302, number


@pytest.mark.django_db
def test_one_client_behind_the_proxy_is_still_limited(
    client_factory, behind_the_proxy, settings, django_user_model, password
):
    settings.LOGIN_RATE_PER_IP = "2/5m"
    one_client = random_address()
    for number in range(2):
        sign_in(client_factory(), f"nobody{number}@example.com", "wrong", one_client)
    django_user_model.objects.create_user(email="late@example.com", password=password)
    # A forged address to the left of the proxy's own entry changes nothing.
    response = sign_in(client_factory(), "late@example.com", password, f"{random_address()}, {one_client}")
    assert response.status_code == 429


@pytest.mark.django_db
def test_without_a_trusted_proxy_the_class_shares_one_address(
    client_factory, settings, django_user_model, password
):
    settings.TRUSTED_PROXIES = []
    settings.LOGIN_RATE_PER_IP = "2/5m"
    proxy = random_address()
    outcomes = []
    for number in range(3):
        django_user_model.objects.create_user(email=f"learner{number}@example.com", password=password)
        response = client_factory().post(
            "/accounts/login/",
            {"username": f"learner{number}@example.com", "password": password},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=random_address(),
        )
        outcomes.append(response.status_code)
    assert outcomes == [302, 302, 429]


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client
