import re

import pytest
from django.utils import timezone

from certificates.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(certifying_exam, learner, take):
    take(certifying_exam, learner, correct=2)
    return Certificate.objects.get()


def test_a_valid_certificate_verifies_publicly(client, certificate):
    response = client.get(f"/verify/{certificate.code}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Valid." in html
    assert "Ada Lovelace" in html
    assert "Certified Matrix Calculus" in html
    assert "100.0%" in html
    assert "ada@example.com" not in html  # nothing beyond name, exam, date and score


def test_a_revoked_certificate_says_so_with_the_date(client, certificate):
    certificate.revoke("Exam irregularity", now=timezone.datetime(2026, 5, 4, tzinfo=timezone.UTC))
    html = client.get(f"/verify/{certificate.code}").content.decode()
    assert "Revoked" in html
    assert "4 May 2026" in html
    assert "Exam irregularity" not in html  # the reason is for the learner and admins, not the public


def test_an_unknown_code_is_not_found(client):
    response = client.get("/verify/not-a-real-code")
    assert response.status_code == 404
    assert "Not found." in response.content.decode()


def test_the_api_verifies_valid_revoked_and_unknown_codes(client, certificate):
    body = client.get(f"/api/v1/certificates/verify/{certificate.code}").json()
    assert body == {
        "status": "valid",
        "reference": certificate.reference,
        "name": "Ada Lovelace",
        "exam": "Certified Matrix Calculus",
        "issued_at": certificate.issued_at.date().isoformat(),
        "score_percent": 100.0,
        "revoked_at": None,
    }
    certificate.revoke("Mistake")
    assert client.get(f"/api/v1/certificates/verify/{certificate.code}").json()["status"] == "revoked"
    missing = client.get("/api/v1/certificates/verify/nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_public_urls_carry_no_sequential_id(client, certificate, learner):
    client.force_login(learner)
    html = client.get("/dashboard/").content.decode()
    links = set(re.findall(r'href="(/(?:certificates|verify)/[^"]*)"', html))
    assert links
    for link in links:
        assert certificate.code in link
        assert f"/{certificate.pk}/" not in link and not link.endswith(f"/{certificate.pk}")


def test_only_the_owner_sees_the_certificate_page_and_pdf(client, certificate, author):
    client.force_login(author)
    assert client.get(f"/certificates/{certificate.code}/").status_code == 404
    assert client.get(f"/certificates/{certificate.code}/pdf").status_code == 404


def test_the_learner_page_shows_revocation(client, certificate, learner):
    certificate.revoke("Exam irregularity")
    client.force_login(learner)
    assert "Exam irregularity" in client.get(f"/certificates/{certificate.code}/").content.decode()


def test_an_admin_revokes_with_a_reason(client, certificate, admin_user):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/certificates/certificate/{certificate.pk}/change/", {"revoke_with_reason": "Shared answers"}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked
    assert certificate.revoked_reason == "Shared answers"
