"""Signed webhooks: what an integration is told when its learners' attempts are graded or earn certificates.

Events
------
`attempt.graded` (once per attempt) and `certificate.issued` (once per certificate: a later, better pass
updates the certificate's score but sends nothing; a certificate reinstated by a regrade is issued again).
After a regrade (analytics.regrade): `attempt.regraded` (once per regrade that changed the attempt, with the
old and new score and pass) and `certificate.revoked` (once per revocation). Each is sent to every active
endpoint of every integration that provisioned the learner and subscribes to it, with a body of the form

    {"event": "attempt.graded", "created_at": "2026-01-31T12:00:00Z", "data": {...}}

Request
-------
An HTTP POST of that JSON (compact, UTF-8) with the headers

    Content-Type: application/json
    User-Agent: dxam-webhooks
    X-Dxam-Event: attempt.graded
    X-Dxam-Delivery: 42                  (the same on every retry of this delivery: use it to drop duplicates)
    X-Dxam-Signature: t=1769860800,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd

Signature
---------
`v1` is the hex HMAC-SHA256, keyed with the integration's webhook secret (UTF-8), of the bytes

    f"{t}.".encode() + body

that is the unix timestamp `t` of this attempt, a dot, and the raw body exactly as received. To verify,
recompute it over the raw body (before parsing the JSON), compare in constant time, and reject a `t` more
than five minutes from your clock, so a captured request cannot be replayed later; `verify_signature` does
all three. Each attempt is signed afresh with its own timestamp.

Delivery
--------
A 2xx answer is a success; anything else (another status, a redirect, a connection error, no answer within
10 seconds) is retried with exponential backoff, see integrations.tasks. Delivery is at least once: a
receiver should ignore an X-Dxam-Delivery it has already processed.
"""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from config import outbound
from config.times import iso
from integrations.models import ProvisionedLearner, WebhookDelivery, WebhookEndpoint

TIMEOUT_SECONDS = 10
USER_AGENT = "dxam-webhooks"
Event = WebhookEndpoint.Event


# --- Signing -------------------------------------------------------------------------------------------


def _digest(secret, body, timestamp):
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret, body: bytes, timestamp: int) -> str:
    """The X-Dxam-Signature value of `body` sent at `timestamp` (unix seconds)."""
    return f"t={timestamp},v1={_digest(secret, body, timestamp)}"


def verify_signature(secret, body: bytes, header: str, now=None, tolerance=300) -> bool:
    """True if `header` signs exactly `body` with `secret`, at most `tolerance` seconds from `now`.

    `now` is unix seconds (or an aware datetime), the current time by default.
    """
    if now is None:
        now = time.time()
    elif hasattr(now, "timestamp"):
        now = now.timestamp()
    timestamp, digests = None, []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isascii() and value.isdigit():
            timestamp = int(value)
        elif name == "v1":
            digests.append(value.encode())
    if timestamp is None or abs(now - timestamp) > tolerance:
        return False
    expected = _digest(secret, body, timestamp).encode()
    return any(hmac.compare_digest(expected, digest) for digest in digests)


# --- Sending -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one POST got back: the HTTP status (None if there was no answer) and, on failure, why."""

    status_code: int | None
    error: str = ""

    @property
    def ok(self):
        return self.status_code is not None and 200 <= self.status_code < 300


def body_of(payload) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def send(delivery, now=None) -> Outcome:
    """One attempt: POST the delivery's payload, signed as it is sent; the caller records the outcome."""
    body = body_of(delivery.payload)
    timestamp = int((now or timezone.now()).timestamp())
    headers = {
        "Content-Type": "application/json",
        "X-Dxam-Event": delivery.event,
        "X-Dxam-Delivery": str(delivery.pk),
        "X-Dxam-Signature": signature_header(delivery.endpoint.integration.webhook_secret, body, timestamp),
    }
    return post(delivery.endpoint.url, body, headers)


def post(url, body, headers) -> Outcome:
    """POST under the outbound URL policy (config.outbound): a refused address is a failed attempt."""
    try:
        with outbound.session(USER_AGENT) as session:
            response = session.post(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, stream=True)
    except outbound.RefusedUrl as refused:
        return Outcome(None, f"Refused by the outbound URL policy: {refused}")
    except requests.RequestException as error:
        return Outcome(None, f"{type(error).__name__}: {error}")
    with response:
        if 200 <= response.status_code < 300:
            return Outcome(response.status_code)
        excerpt = response.raw.read(300, decode_content=True).decode("utf-8", "replace").strip()
    return Outcome(
        response.status_code, f"HTTP {response.status_code} {response.reason}: {excerpt}".rstrip(": ")
    )


# --- Queueing ------------------------------------------------------------------------------------------


def queue_event(integration, event, event_key, payload):
    """Record a delivery for each active endpoint of `integration` subscribed to `event`, sent once the
    transaction commits. Unique per endpoint and `event_key`: raising the same event again sends nothing."""
    deliveries = []
    for endpoint in integration.webhooks.filter(is_active=True):
        if event not in endpoint.events:
            continue
        delivery, created = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint, event_key=event_key, defaults={"event": event, "payload": payload}
        )
        if created:
            delivery.send_after_commit()
        deliveries.append(delivery)
    return deliveries


def _provisions(learner_id):
    return ProvisionedLearner.objects.filter(user_id=learner_id, integration__is_active=True).select_related(
        "integration"
    )


def _envelope(event, data, now=None):
    return {"event": event, "created_at": iso(now or timezone.now()), "data": data}


def _attempt_data(attempt, provision):
    """What every attempt event says of the attempt, for the integration that provisioned its learner."""
    return {
        "id": str(attempt.pk),
        "exam": {"slug": attempt.exam.slug, "title": attempt.exam.title},
        "learner": {"external_id": provision.external_id},
        "status": attempt.status,
        "score_percent": attempt.percent,
        "passed": attempt.passed,
        "domain_scores": attempt.domain_scores,
        "graded_at": iso(attempt.graded_at),
    }


def notify_attempt_graded(attempt, now=None):
    """Queue `attempt.graded` for the integrations that provisioned the learner (once per attempt)."""
    if attempt.status != "graded":
        return []
    deliveries = []
    for provision in _provisions(attempt.learner_id):
        data = {**_attempt_data(attempt, provision), "submitted_at": iso(attempt.submitted_at)}
        payload = _envelope(Event.ATTEMPT_GRADED, data, now)
        deliveries += queue_event(
            provision.integration, Event.ATTEMPT_GRADED, f"attempt.graded:{attempt.pk}", payload
        )
    return deliveries


def notify_certificate_issued(certificate, now=None, occasion=""):
    """Queue `certificate.issued` for the integrations that provisioned its learner: once per certificate,
    and once more per `occasion` (a reinstatement by a regrade names itself, so it is sent too)."""
    if certificate.is_revoked:
        return []
    event_key = f"certificate.issued:{certificate.code}" + (f":{occasion}" if occasion else "")
    return _notify_certificate(certificate, Event.CERTIFICATE_ISSUED, event_key, now)


def notify_certificate_revoked(certificate, now=None):
    """Queue `certificate.revoked` (once per revocation) with the reason."""
    if not certificate.is_revoked:
        return []
    event_key = f"certificate.revoked:{certificate.code}:{iso(certificate.revoked_at)}"
    extra = {"revoked_at": iso(certificate.revoked_at), "reason": certificate.revoked_reason}
    return _notify_certificate(certificate, Event.CERTIFICATE_REVOKED, event_key, now, extra)


def _notify_certificate(certificate, event, event_key, now, extra=None):
    verify_url = settings.SITE_URL.rstrip("/") + reverse("verify_certificate", args=[certificate.code])
    deliveries = []
    for provision in _provisions(certificate.learner_id):
        data = {
            "code": certificate.code,
            "reference": certificate.reference,
            "exam": {"slug": certificate.exam.slug, "title": certificate.exam_title},
            "learner": {"external_id": provision.external_id},
            "score_percent": certificate.percent,
            "issued_at": iso(certificate.issued_at),
            "verify_url": verify_url,
            **(extra or {}),
        }
        deliveries += queue_event(provision.integration, event, event_key, _envelope(event, data, now))
    return deliveries


def notify_attempt_regraded(attempt, old_score, old_passed, now=None):
    """Queue `attempt.regraded` once per regrade that changed the attempt (keyed by its new graded_at)."""
    deliveries = []
    for provision in _provisions(attempt.learner_id):
        data = {
            **_attempt_data(attempt, provision),
            "old_score_percent": None if old_score is None else round(old_score * 100, 1),
            "old_passed": old_passed,
        }
        deliveries += queue_event(
            provision.integration,
            Event.ATTEMPT_REGRADED,
            f"attempt.regraded:{attempt.pk}:{iso(attempt.graded_at)}",
            _envelope(Event.ATTEMPT_REGRADED, data, now),
        )
    return deliveries
