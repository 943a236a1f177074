"""The certificate PDF: its verification address is a link; A4 and Letter download under their own names."""

import io

import pytest
from pypdf import PdfReader

from certificates.models import Certificate

pytestmark = pytest.mark.django_db


def test_each_paper_size_has_its_own_file_name_and_the_address_is_a_link(
    client, certifying_exam, learner, take
):
    take(certifying_exam, learner, correct=2)
    certificate = Certificate.objects.get()
    client.force_login(learner)
    names = set()
    for query in ("", "?paper=letter"):
        response = client.get(f"/certificates/{certificate.code}/pdf{query}")
        names.add(response["Content-Disposition"])
        page = PdfReader(io.BytesIO(response.content)).pages[0]
        links = [annotation.get_object()["/A"]["/URI"] for annotation in page["/Annots"]]
        assert links == [f"http://testserver/verify/{certificate.code}"] * 2  # the address and the QR code
    assert names == {
        f'attachment; filename="dxam-certificate-{certificate.reference}-a4.pdf"',
        f'attachment; filename="dxam-certificate-{certificate.reference}-letter.pdf"',
    }


def test_the_sign_up_form_lets_browsers_fill_in_the_e_mail_address(client):
    html = client.get("/accounts/signup/").content.decode()
    assert 'autocomplete="email"' in html and 'autocomplete="name"' in html
