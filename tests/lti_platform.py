"""The independent LTI 1.3 platform (tests/lti/platform/server.py, Open edX's consumer classes) as a separate
process, pointed at the live server, and a dxam registration for it."""

import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
PLATFORM_PYTHON = ROOT / ".venv-platform" / "bin" / "python"


class Lms:
    """The test's handle on the platform process."""

    client_id = "dxam-client"
    deployment_id = "deployment-1"

    def __init__(self, base: str):
        self.base = base

    def launch_for(self, **spec) -> dict:
        return requests.post(f"{self.base}/launches", json=spec, timeout=10).json()

    def authorize(self, url: str) -> dict:
        """Follow the tool's redirect to the platform's auth endpoint: the id_token and state to post back."""
        answer = requests.get(url, headers={"Accept": "application/json"}, timeout=20)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def reset(self) -> None:
        requests.post(f"{self.base}/reset", timeout=10)

    def change_keys(self, **change) -> dict:
        """rotate=True: sign with a new key; cache_control="…": the JWKS's Cache-Control header."""
        return requests.post(f"{self.base}/keys", json=change, timeout=30).json()

    def recorded(self) -> dict:
        return requests.get(f"{self.base}/recorded", timeout=10).json()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def lms(live_server):
    if not PLATFORM_PYTHON.exists():
        pytest.fail(
            "The test LTI platform needs .venv-platform: run scripts/bootstrap --browser (make test does)."
        )
    port = _free_port()
    process = subprocess.Popen(
        [
            str(PLATFORM_PYTHON),
            str(ROOT / "tests" / "lti" / "platform" / "server.py"),
            str(port),
            live_server.url,
        ],
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready", "the test platform did not start"
        yield Lms(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def registration(lms, transactional_db):
    """dxam's registration of the platform, with its deployment active."""
    from lti_tool.models import LtiDeployment, LtiRegistration

    lms.reset()
    registration = LtiRegistration.objects.create(
        name="Test LMS",
        issuer=lms.base,
        client_id=lms.client_id,
        auth_url=f"{lms.base}/auth",
        token_url=f"{lms.base}/token",
        keyset_url=f"{lms.base}/jwks",
    )
    LtiDeployment.objects.create(registration=registration, deployment_id=lms.deployment_id, is_active=True)
    return registration


@pytest.fixture
def tool_client(live_server):
    """A Django test client addressing the live server's host, as the platform knows the tool."""
    from django.test import Client

    return Client(HTTP_HOST=urlsplit(live_server.url).netloc)


@pytest.fixture
def launch(lms, tool_client):
    """Run a whole launch: the platform's login initiation, the tool's redirect, the platform's signed
    id_token posted to the tool. Returns (response to the post, the posted form)."""

    def run(**spec):
        spec.setdefault("user", "learner-1")
        started = lms.launch_for(**spec)
        login = tool_client.get(started["login_url"])
        assert login.status_code == 302, login.content.decode()[:500]
        form = lms.authorize(login["Location"])
        form.pop("action")
        return tool_client.post("/lti/launch/", form), form

    return run


@pytest.fixture
def enter_url():
    """The single-use sign-in link on a launch page."""
    import re

    def find(response) -> str:
        return re.search(r'data-enter-url="([^"]+)"', response.content.decode()).group(1)

    return find
