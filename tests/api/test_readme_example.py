"""The README's worked API example, run as written with curl against a live server."""

import hashlib
import hmac
import json
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from certificates.models import Certificate
from integrations.models import ApiKey, Integration

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("curl") is None, reason="the README example uses curl"),
]


def readme_example():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- api-example:start -->\n```sh\n(.*?)```\n<!-- api-example:end -->", text, re.S)
    assert block, "README.md lost its API example"
    return block.group(1)


@pytest.fixture
def receiver(local_receivers):
    """A webhook endpoint on this machine that records every delivery."""
    deliveries = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            deliveries.append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", deliveries
    server.shutdown()


@pytest.fixture
def pass_on_any_choice(make_question, make_exam):
    """A certifying exam the example's naive answer passes: one multiple-choice question, all right."""
    make_question("multiple_choice", options=[("$2$", True), ("$4/2$", True)])
    return make_exam("readme-exam", certifies=True, pass_mark=50)


def test_the_readme_example_runs_end_to_end(live_server, receiver, pass_on_any_choice):
    hook, deliveries = receiver
    integration = Integration.objects.create(name="Demo LMS")
    # The key the example's create_api_key line makes: the scopes it passes, no more.
    scopes = re.search(r"create_api_key \"Demo LMS\" --scopes ([\w,]+)", readme_example()).group(1)
    _, key = ApiKey.issue(integration, "readme", scopes.split(","))
    env = {"BASE": live_server.url, "KEY": key, "HOOK": hook, "EXAM": "readme-exam", "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        ["bash", "-e", "-c", readme_example()], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert '"external_id":"student-42"' in run.stdout.replace(" ", "")
    assert "\n50.0 True\n" in run.stdout  # score and pass, as step 6 prints them

    certificate = Certificate.objects.get()
    assert '"status":"valid"' in run.stdout.replace(" ", "")
    assert certificate.name == "Grace Hopper"

    events = {}
    for headers, body in deliveries:
        timestamp, signature = re.fullmatch(
            r"t=(\d+),v1=([0-9a-f]{64})", headers["X-Dxam-Signature"]
        ).groups()
        expected = hmac.new(
            integration.webhook_secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        )
        assert hmac.compare_digest(expected.hexdigest(), signature)
        events[headers["X-Dxam-Event"]] = json.loads(body)
    assert set(events) == {"attempt.graded", "certificate.issued"}
    assert events["attempt.graded"]["data"]["learner"]["external_id"] == "student-42"
