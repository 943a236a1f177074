"""Webhook signatures: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>`, verified in constant time."""

import hashlib
import hmac

from integrations.webhooks import signature_header, verify_signature

SECRET = "whsec-test"
BODY = b'{"event":"attempt.graded","data":{"id":"42"}}'
T = 1_769_860_800


def test_the_header_is_the_timestamp_and_the_hmac_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), b"1769860800." + BODY, hashlib.sha256).hexdigest()
    assert signature_header(SECRET, BODY, T) == f"t=1769860800,v1={expected}"


def test_a_signed_body_verifies():
    assert verify_signature(SECRET, BODY, signature_header(SECRET, BODY, T), now=T + 5)


def test_it_accepts_a_timestamp_within_the_tolerance():
    header = signature_header(SECRET, BODY, T)
    assert verify_signature(SECRET, BODY, header, now=T + 300)
    assert verify_signature(SECRET, BODY, header, now=T - 300)


def test_it_rejects_a_tampered_body():
    header = signature_header(SECRET, BODY, T)
    assert not verify_signature(SECRET, BODY.replace(b"42", b"43"), header, now=T)
    assert not verify_signature(SECRET, BODY + b" ", header, now=T)


def test_it_rejects_another_secret():
    assert not verify_signature("another", BODY, signature_header(SECRET, BODY, T), now=T)


def test_it_rejects_a_stale_or_future_timestamp():
    header = signature_header(SECRET, BODY, T)
    assert not verify_signature(SECRET, BODY, header, now=T + 301)
    assert not verify_signature(SECRET, BODY, header, now=T - 301)
    assert not verify_signature(SECRET, BODY, header, now=T + 3600, tolerance=3599)


def test_it_rejects_a_replayed_signature_with_a_fresh_timestamp():
    digest = signature_header(SECRET, BODY, T).split("v1=")[1]
    assert not verify_signature(SECRET, BODY, f"t={T + 1000},v1={digest}", now=T + 1000)


def test_it_rejects_malformed_headers():
    digest = signature_header(SECRET, BODY, T).split("v1=")[1]
    for header in ["", f"v1={digest}", f"t={T}", f"t=soon,v1={digest}", f"t=²,v1={digest}", "garbage"]:
        assert not verify_signature(SECRET, BODY, header, now=T), header
    assert not verify_signature(SECRET, BODY, f"t={T},v1=ünïcode", now=T)


def test_now_may_be_a_datetime():
    from datetime import UTC, datetime

    header = signature_header(SECRET, BODY, T)
    assert verify_signature(SECRET, BODY, header, now=datetime.fromtimestamp(T + 10, UTC))
