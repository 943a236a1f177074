"""A real HTTP server on 127.0.0.1 receives the webhooks; an integration has an endpoint pointing at it."""

import threading
import time
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from integrations.models import Integration, ProvisionedLearner, WebhookEndpoint


@dataclass
class Received:
    path: str
    headers: Message
    body: bytes
    received_at: float  # time.monotonic()


class Receiver:
    """Records every POST; answers with the scripted statuses in turn, then 200."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        self.delay_seconds = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append(Received(self.path, self.headers, body, time.monotonic()))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                time.sleep(receiver.delay_seconds)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/dxam"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def respond_with(self, *statuses):
        self.statuses.extend(statuses)

    def bodies(self, event=None):
        return [r.body for r in self.requests if event is None or r.headers["X-Dxam-Event"] == event]


@pytest.fixture
def receiver(local_receivers):
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
    receiver.thread.join(timeout=5)


@pytest.fixture
def integration(db):
    return Integration.objects.create(name="Moodle")


@pytest.fixture
def endpoint(integration, receiver):
    return WebhookEndpoint.objects.create(
        integration=integration, url=receiver.url, events=list(WebhookEndpoint.Event.values)
    )


@pytest.fixture
def provisioned(integration, learner):
    """The learner, provisioned by the integration as "moodle-42"."""
    ProvisionedLearner.objects.create(integration=integration, external_id="moodle-42", user=learner)
    return learner
