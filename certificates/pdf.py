"""The printable certificate: one page, A4 or US Letter, with a QR code opening the public verification page.

Drawn with ReportLab. Text uses DejaVu Sans where the system has it (wide Unicode coverage for names) and
ReportLab's bundled Bitstream Vera otherwise, so the PDF renders the same on a bare machine.
"""

import io
from pathlib import Path

import reportlab
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

PAPER_SIZES = {"a4": landscape(A4), "letter": landscape(LETTER)}
INK = HexColor("#17203a")
MUTED = HexColor("#5b6478")
BRAND = HexColor("#1f3a8a")
FONT_CANDIDATES = [
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"),
        str(Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf"),
    ),
]


def _fonts():
    if "CertificateSans" not in pdfmetrics.getRegisteredFontNames():
        regular, bold = next(
            (pair for pair in FONT_CANDIDATES if Path(pair[0]).exists()), FONT_CANDIDATES[-1]
        )
        pdfmetrics.registerFont(TTFont("CertificateSans", regular))
        pdfmetrics.registerFont(TTFont("CertificateSans-Bold", bold))
    return "CertificateSans", "CertificateSans-Bold"


def _fit(canvas, text, font, size, width):
    """The font size at which text fits the width, no larger than size."""
    while size > 10 and canvas.stringWidth(text, font, size) > width:
        size -= 1
    return size


def render_certificate(certificate, verify_url, paper="a4"):
    regular, bold = _fonts()
    width, height = PAPER_SIZES.get(paper, PAPER_SIZES["a4"])
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setTitle(f"dxam certificate {certificate.reference}")
    canvas.setAuthor("dxam")
    canvas.setSubject(f"{certificate.exam_title} — {certificate.name}")

    # Margins that suit both A4 and Letter: everything stays 18 mm inside the smaller of the two.
    margin = 18 * mm
    canvas.setStrokeColor(BRAND)
    canvas.setLineWidth(3)
    canvas.rect(margin, margin, width - 2 * margin, height - 2 * margin)
    canvas.setLineWidth(0.8)
    canvas.rect(margin + 4 * mm, margin + 4 * mm, width - 2 * margin - 8 * mm, height - 2 * margin - 8 * mm)

    centre = width / 2
    text_width = width - 2 * margin - 40 * mm
    canvas.setFillColor(BRAND)
    canvas.setFont(bold, 16)
    canvas.drawCentredString(centre, height - margin - 22 * mm, "dxam")
    canvas.setFillColor(INK)
    canvas.setFont(bold, 30)
    canvas.drawCentredString(centre, height - margin - 40 * mm, "Certificate of Achievement")
    canvas.setFillColor(MUTED)
    canvas.setFont(regular, 13)
    canvas.drawCentredString(centre, height - margin - 54 * mm, "This certifies that")

    canvas.setFillColor(INK)
    size = _fit(canvas, certificate.name, bold, 28, text_width)
    canvas.setFont(bold, size)
    canvas.drawCentredString(centre, height - margin - 70 * mm, certificate.name)

    canvas.setFillColor(MUTED)
    canvas.setFont(regular, 13)
    canvas.drawCentredString(centre, height - margin - 82 * mm, "has passed")
    canvas.setFillColor(INK)
    size = _fit(canvas, certificate.exam_title, bold, 18, text_width)
    canvas.setFont(bold, size)
    canvas.drawCentredString(centre, height - margin - 93 * mm, certificate.exam_title)
    canvas.setFont(regular, 12)
    canvas.drawCentredString(
        centre,
        height - margin - 103 * mm,
        f"Matrix Calculus for Data Science & Machine Learning · score {certificate.percent}%",
    )

    # Footer: date and reference on the left, the QR code and the verification address on the right.
    qr_size = 34 * mm
    qr_x, qr_y = width - margin - 10 * mm - qr_size, margin + 10 * mm
    widget = QrCodeWidget(verify_url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(qr_size, qr_size, transform=[qr_size / (x1 - x0), 0, 0, qr_size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, qr_x, qr_y)

    left = margin + 12 * mm
    canvas.setFillColor(INK)
    canvas.setFont(regular, 11)
    canvas.drawString(left, margin + 34 * mm, f"Issued {certificate.issued_at:%d %B %Y}")
    canvas.drawString(left, margin + 27 * mm, f"Reference {certificate.reference}")
    canvas.setFillColor(MUTED)
    canvas.setFont(regular, 8.5)
    canvas.drawString(left, margin + 18 * mm, "Verify this certificate at")
    canvas.setFont(regular, _fit(canvas, verify_url, regular, 8.5, qr_x - left - 6 * mm))
    canvas.drawString(left, margin + 13 * mm, verify_url)
    # The address and the QR code are links in a PDF viewer, as they are printed to be followed.
    url_width = canvas.stringWidth(
        verify_url, regular, _fit(canvas, verify_url, regular, 8.5, qr_x - left - 6 * mm)
    )
    canvas.linkURL(verify_url, (left, margin + 11.5 * mm, left + url_width, margin + 17 * mm), relative=0)
    canvas.linkURL(verify_url, (qr_x, qr_y, qr_x + qr_size, qr_y + qr_size), relative=0)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
