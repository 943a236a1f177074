import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from certificates.models import Certificate
from certificates.pdf import PAPER_SIZES, render_certificate


def verification_url(request, certificate):
    return request.build_absolute_uri(reverse("verify_certificate", args=[certificate.code]))


@login_required
def detail(request, code):
    certificate = get_object_or_404(
        Certificate.objects.select_related("exam"), code=code, learner=request.user
    )
    url = verification_url(request, certificate)
    context = {
        "certificate": certificate,
        "verify_url": url,
        "qr_svg": segno.make(url, error="m").svg_inline(scale=5),
    }
    return render(request, "certificates/detail.html", context)


@login_required
def pdf(request, code):
    certificate = get_object_or_404(Certificate, code=code, learner=request.user)
    paper = request.GET.get("paper", "a4") if request.GET.get("paper") in PAPER_SIZES else "a4"
    content = render_certificate(certificate, verification_url(request, certificate), paper=paper)
    response = HttpResponse(content, content_type="application/pdf")
    # One file name per paper size, so downloading both keeps both.
    filename = f"dxam-certificate-{certificate.reference}-{paper}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
def verify(request, code):
    """Public: anyone with the code sees if the certificate is valid, and only name, exam, date, score."""
    certificate = Certificate.objects.filter(code=code).first()
    status = 404 if certificate is None else 200
    return render(
        request, "certificates/verify.html", {"certificate": certificate, "code": code}, status=status
    )
