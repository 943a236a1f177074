"""The outbound URL policy: webhooks (and LTI platform requests) reach only public addresses, checked when
registered and again when sent, and the request connects to the address that was checked."""

import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest
from rest_framework.test import APIClient

from config.outbound import RefusedUrl, check_url
from integrations import webhooks
from integrations.models import ApiKey, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

REFUSED = [
    "http://127.0.0.1:5432/",
    "http://localhost:6379/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://0.0.0.0/",
    "http://10.0.0.1/",
    "http://192.168.0.1/",
    "http://172.16.5.4/",
    "http://100.64.0.1/",  # CGNAT
    "http://224.0.0.1/",  # multicast
    "http://240.0.0.1/",  # reserved
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://printer.local/",
    "http://intranet/",
    "http://user:pass@127.0.0.1/",
    "http://user@example.org/",
    "http://2130706433/",  # 127.0.0.1 in decimal
    "http://0177.0.0.1/",  # in octal
    "http://0x7f.1/",  # in hex, short form
    "http://017700000001/",
    "ftp://example.org/",
    "file:///etc/passwd",
]


def resolving(monkeypatch, names):
    """DNS answers for the given names (the network edge); other names do not resolve, addresses do."""
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names.values():
            return real_getaddrinfo(host, port, *args, **kwargs)
        if host not in names:
            raise socket.gaierror("unknown name")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize("url", REFUSED)
def test_registering_a_non_public_url_is_refused(integration, url):
    _, secret = ApiKey.issue(integration, "hooks", ["webhooks"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.post("/api/v1/webhooks/", {"url": url, "events": ["attempt.graded"]}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()["error"]["details"]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", REFUSED)
def test_the_policy_refuses_it_at_request_time_too(url):
    with pytest.raises(RefusedUrl):
        check_url(url)


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    resolving(monkeypatch, {"rebound.example.org": "10.1.2.3"})
    with pytest.raises(RefusedUrl, match="not a public address"):
        check_url("https://rebound.example.org/hook")


def test_a_public_address_is_allowed_and_pinned(monkeypatch):
    resolving(monkeypatch, {"lms.example.org": "93.184.215.14"})
    target = check_url("https://lms.example.org/hook")
    assert (target.host, target.address) == ("lms.example.org", "93.184.215.14")


class Recorder(BaseHTTPRequestHandler):
    requests: list = []

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        Recorder.requests.append((self.path, self.headers["Host"]))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    Recorder.requests = []
    Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def delivery_to(integration, url):
    # Stored without validation, as if the address had changed after registration (DNS rebinding).
    endpoint = WebhookEndpoint.objects.create(integration=integration, url=url, events=["attempt.graded"])
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event="attempt.graded", event_key="k", payload={}
    )


def test_a_delivery_to_a_private_address_is_refused_and_nothing_is_sent(integration, local_server):
    outcome = webhooks.send(delivery_to(integration, f"http://127.0.0.1:{local_server}/hook"))
    assert not outcome.ok
    assert "outbound URL policy" in outcome.error
    assert Recorder.requests == []


def test_the_delivery_connects_to_the_checked_address_keeping_the_host_name(
    integration, local_server, monkeypatch, settings
):
    settings.ALLOW_PRIVATE_OUTBOUND = True  # the stand-in for the public address is on this machine
    resolving(monkeypatch, {"hooks.example.org": "127.0.0.1"})
    outcome = webhooks.send(delivery_to(integration, f"http://hooks.example.org:{local_server}/hook"))
    assert outcome.ok
    assert Recorder.requests == [("/hook", f"hooks.example.org:{local_server}")]
