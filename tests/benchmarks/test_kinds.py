"""The load test names each request by its method, path and body type, as the web server's log has them."""

import pytest

from benchmarks.load.kinds import classify

ATTEMPT = "/attempts/00000000-0000-0000-0000-000000000001"


@pytest.mark.parametrize(
    "method, path, content_type, kind",
    [
        ("POST", f"{ATTEMPT}/questions/3/preview", "", "preview"),
        ("POST", f"{ATTEMPT}/questions/3/preview?reading=abc%3Adef", "", "preview"),
        ("POST", f"{ATTEMPT}/questions/3/answer", "application/json", "autosave (JSON)"),
        ("POST", f"{ATTEMPT}/questions/3/answer", "", "save and next (form)"),
        ("GET", f"{ATTEMPT}/questions/3/", "", "question page"),
        ("GET", f"{ATTEMPT}/result/", "", "result page"),
        ("GET", "/nowhere", "", "other"),
    ],
)
def test_requests_are_named_by_what_they_are(method, path, content_type, kind):
    assert classify(method, path, content_type) == kind
