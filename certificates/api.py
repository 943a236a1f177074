from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates.models import Certificate


def verification(certificate):
    """What anyone may learn from a verification code: only name, exam, date and score, and validity."""
    return {
        "status": "revoked" if certificate.is_revoked else "valid",
        "reference": certificate.reference,
        "name": certificate.name,
        "exam": certificate.exam_title,
        "issued_at": certificate.issued_at.date().isoformat(),
        "score_percent": certificate.percent,
        "revoked_at": certificate.revoked_at.date().isoformat() if certificate.revoked_at else None,
    }


class VerificationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["valid", "revoked"])
    reference = serializers.CharField()
    name = serializers.CharField()
    exam = serializers.CharField()
    issued_at = serializers.DateField()
    score_percent = serializers.FloatField()
    revoked_at = serializers.DateField(allow_null=True)


class VerifyCertificate(APIView):
    """Public verification of a certificate by its code."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses=VerificationSerializer)
    def get(self, request, code):
        certificate = Certificate.objects.filter(code=code).first()
        if certificate is None:
            raise NotFound("No certificate has this verification code.")
        return Response(verification(certificate))
