"""The platform's JWKS is cached as its Cache-Control allows, and fetched again when a launch is signed with
a key the cached set lacks (the platform rotated its key)."""

import pytest
from django.core.cache import cache

from lti.platform_keys import MAX_CACHE_SECONDS, cache_lifetime


@pytest.fixture
def registration(registration):
    """The platform's registration, with no JWKS cached by an earlier test."""
    cache.clear()
    yield registration
    cache.clear()


def launch_ok(launch, user: str):
    response, _ = launch(user=user, exam="cert")
    assert response.status_code == 200, response.content.decode()[:500]


def test_the_keys_are_fetched_once_while_their_max_age_lasts(registration, launch, lms, certifying_exam):
    lms.change_keys(cache_control="public, max-age=600")
    for user in ("sub-k1", "sub-k2", "sub-k3"):
        launch_ok(launch, user)
    assert lms.recorded()["jwks_fetches"] == 1


def test_keys_the_platform_forbids_caching_are_fetched_for_every_launch(
    registration, launch, lms, certifying_exam
):
    lms.change_keys(cache_control="no-store")
    for user in ("sub-k1", "sub-k2"):
        launch_ok(launch, user)
    assert lms.recorded()["jwks_fetches"] == 2


def test_keys_without_cache_control_are_kept_for_the_default_lifetime(
    registration, launch, lms, certifying_exam
):
    for user in ("sub-k1", "sub-k2"):
        launch_ok(launch, user)
    assert lms.recorded()["jwks_fetches"] == 1


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("max-age=600", 600),
        ('public, MAX-AGE="60"', 60),
        ("max-age=0", 0),
        ("max-age=31536000, immutable", MAX_CACHE_SECONDS),
        ("no-store", 0),
        ("max-age=600, no-cache", 0),
        ("", 900),
        ("private", 900),
        ("max-age=soon", 900),
    ],
)
def test_the_cache_lifetime_follows_cache_control_with_a_default(settings, header, seconds):
    settings.LTI_JWKS_CACHE_SECONDS = 900
    assert cache_lifetime(header) == seconds


def test_a_launch_signed_with_a_rotated_key_fetches_the_keys_again(
    registration, launch, lms, certifying_exam
):
    lms.change_keys(cache_control="max-age=3600")
    launch_ok(launch, "sub-k1")
    lms.change_keys(rotate=True)
    launch_ok(launch, "sub-k2")
    launch_ok(launch, "sub-k3")
    assert lms.recorded()["jwks_fetches"] == 2


def test_launches_signed_with_unpublished_keys_are_refused_and_refetch_the_keys_at_most_once(
    registration, launch, lms, certifying_exam
):
    lms.change_keys(cache_control="max-age=3600")
    launch_ok(launch, "sub-k1")
    for _ in range(3):
        response, _ = launch(user="sub-k2", exam="cert", tamper="unknown_key")
        assert response.status_code == 403 and b"invalid_token" in response.content
    assert lms.recorded()["jwks_fetches"] == 2
    launch_ok(launch, "sub-k3")
