"""The platforms' public keys (their JWKS), which sign every launch: fetched through lti.outbound and kept in
the cache as long as the platform's Cache-Control allows (max-age, at most a day; no-store or no-cache: not
kept; no max-age: LTI_JWKS_CACHE_SECONDS).

A launch signed with a key that is not in the cached set fetches the set again, once (the platform rotated its
key since). Such refetches of one JWKS happen at most once every REFETCH_MIN_SECONDS, so launches with made-up
key ids cannot make dxam fetch the platform's JWKS on every request."""

import hashlib

import requests
from django.conf import settings
from django.core.cache import cache
from pylti1p3.exception import LtiException
from pylti1p3.registration import TKeySet

MAX_CACHE_SECONDS = 86400
REFETCH_MIN_SECONDS = 10


def key_set(url: str, session: requests.Session, kid: str | None = None) -> TKeySet:
    """The JWKS at `url`, from the cache unless it lacks the key `kid`."""
    name = "lti:jwks:" + hashlib.sha256(url.encode()).hexdigest()
    cached = cache.get(name)
    if cached is not None and (
        kid is None or kid in key_ids(cached) or not cache.add(f"{name}:refetched", True, REFETCH_MIN_SECONDS)
    ):
        return cached
    try:
        response = session.get(url)
        response.raise_for_status()
        fetched = response.json()
    except (requests.RequestException, ValueError) as error:
        raise LtiException(f"The platform's keys could not be fetched from {url[:200]}: {error}") from error
    if not isinstance(fetched, dict) or not isinstance(fetched.get("keys"), list):
        raise LtiException(f"The platform's JWKS at {url[:200]} has no list of keys.")
    if lifetime := cache_lifetime(response.headers.get("Cache-Control", "")):
        cache.set(name, fetched, lifetime)
    return fetched


def key_ids(jwks: dict) -> set[str]:
    return {
        key["kid"]
        for key in jwks.get("keys", [])
        if isinstance(key, dict) and isinstance(key.get("kid"), str)
    }


def cache_lifetime(cache_control: str) -> int:
    """Seconds to keep a response with this Cache-Control header (RFC 9111 max-age, no-store, no-cache)."""
    directives = {}
    for directive in cache_control.split(","):
        name, _, value = directive.strip().partition("=")
        directives[name.strip().lower()] = value.strip().strip('"')
    if "no-store" in directives or "no-cache" in directives:
        return 0
    try:
        max_age = int(directives["max-age"])
    except (KeyError, ValueError):
        return settings.LTI_JWKS_CACHE_SECONDS
    return max(0, min(max_age, MAX_CACHE_SECONDS))
