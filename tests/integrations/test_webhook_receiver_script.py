"""scripts/webhook-receiver verifies what it receives: a wrong signature or a stale timestamp is a 401, and
it will not run without a secret unless told not to verify."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from integrations.webhooks import signature_header
from tests.workers import stop

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "webhook-receiver"
SECRET = "whsec-test"
BODY = b'{"event":"attempt.graded","data":{}}'


@pytest.fixture
def receiver():
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "0", SECRET],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = process.stdout.readline().split()[-1]  # "listening on http://127.0.0.1:<port>/"
    yield url
    stop(process)


def post(url, header):
    return requests.post(
        url, data=BODY, headers={"X-Dxam-Signature": header, "X-Dxam-Event": "t"}, timeout=10
    )


def test_a_correctly_signed_delivery_is_accepted(receiver):
    assert post(receiver, signature_header(SECRET, BODY, int(time.time()))).status_code == 204


def test_a_wrong_signature_is_401(receiver):
    assert post(receiver, signature_header("another secret", BODY, int(time.time()))).status_code == 401
    assert post(receiver, "").status_code == 401


def test_a_stale_timestamp_is_401(receiver):
    assert post(receiver, signature_header(SECRET, BODY, int(time.time()) - 3600)).status_code == 401


def test_it_refuses_to_start_without_a_secret():
    result = subprocess.run([sys.executable, str(SCRIPT), "0"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "--no-verify" in result.stderr


def test_it_starts_unverified_only_when_told():
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "0", "--no-verify"], stdout=subprocess.PIPE, text=True, env={}
    )
    try:
        assert process.stdout.readline().startswith("listening on")
    finally:
        stop(process)
