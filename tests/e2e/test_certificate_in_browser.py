import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from certificates.models import Certificate

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_learner_downloads_their_certificate_and_anyone_can_verify_it(
    page, browser, live_server, sign_in, certifying_exam, learner, take, tmp_path
):
    take(certifying_exam, learner, correct=2)
    certificate = Certificate.objects.get()
    sign_in(page.context, learner)

    page.goto(f"{live_server.url}/dashboard/")
    certificates = page.get_by_role("region", name="Certificates")
    certificates.get_by_role("link", name="Certified Matrix Calculus").click()
    expect(page.get_by_role("heading", name="Certified Matrix Calculus")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF (A4)").click()
    download = download_info.value
    assert download.suggested_filename == f"dxam-certificate-{certificate.reference}-a4.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    text = PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text()
    verify_url = f"{live_server.url}/verify/{certificate.code}"
    assert "Ada Lovelace" in text
    assert verify_url in text

    # A stranger, not signed in, opens the address printed on the certificate.
    stranger = browser.new_context().new_page()
    stranger.goto(verify_url)
    expect(stranger.get_by_role("status")).to_contain_text("Valid.")
    expect(stranger.get_by_text("Ada Lovelace")).to_be_visible()
    stranger.context.close()
