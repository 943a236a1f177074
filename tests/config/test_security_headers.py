import pytest


@pytest.mark.django_db
def test_pages_carry_a_self_only_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "http" not in policy  # no third-party origin anywhere


@pytest.mark.django_db
def test_pages_refuse_to_be_framed(client):
    assert client.get("/")["X-Frame-Options"] == "DENY"
