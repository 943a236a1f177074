import io

import pytest
from pypdf import PdfReader

from certificates.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(certifying_exam, learner, take):
    take(certifying_exam, learner, correct=2)
    return Certificate.objects.get()


@pytest.mark.parametrize(("paper", "width_mm"), [("a4", 297), ("letter", 279)])
def test_the_pdf_is_one_page_with_name_and_verification_url(client, certificate, learner, paper, width_mm):
    client.force_login(learner)
    response = client.get(f"/certificates/{certificate.code}/pdf", {"paper": paper})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width) / 72 * 25.4) == width_mm
    text = reader.pages[0].extract_text()
    assert "Ada Lovelace" in text
    assert "Certified Matrix Calculus" in text
    assert f"http://testserver/verify/{certificate.code}" in text
    assert certificate.reference in text
