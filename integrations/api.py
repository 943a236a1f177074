"""REST API for integrations: provisioning learners, their certificates, and webhook endpoints."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import SignInLink, placeholder_email
from certificates.api import VerificationSerializer, verification
from certificates.models import Certificate
from config.api import integration_of
from exams.models import Exam
from integrations.models import Integration, ProvisionedLearner, WebhookEndpoint, validate_external_id


class IntegrationsOnly:
    """Endpoints that exist only for integration keys (a learner's session has nothing to do here)."""

    allow_users = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if integration_of(request) is None:
            raise NotAuthenticated("Use an integration's API key.")


class LearnerSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=200,
        validators=[validate_external_id],
        help_text="Your id for the learner: letters, digits and . _ ~ : @ + = - (it appears in URLs).",
    )
    display_name = serializers.CharField(max_length=120, help_text="Shown on the learner's certificates.")
    email = serializers.EmailField(
        required=False,
        allow_null=True,
        help_text="Optional. An address no dxam account uses becomes the learner's; otherwise the learner "
        "gets an account of their own all the same (never linked by e-mail), and the answer is alike.",
    )
    created_at = serializers.DateTimeField(read_only=True)


def learner_data(provision):
    return {
        "external_id": provision.external_id,
        "display_name": provision.user.display_name,
        "email": provision.email or None,
        "created_at": provision.created_at,
    }


class LearnerList(IntegrationsOnly, generics.ListAPIView):
    """The integration's learners; POST provisions one by external id (create-or-get, idempotent)."""

    required_scope = "learners"
    serializer_class = LearnerSerializer

    def get_queryset(self):
        return ProvisionedLearner.objects.filter(integration=integration_of(self.request)).select_related(
            "user"
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([learner_data(provision) for provision in page])

    @extend_schema(request=LearnerSerializer, responses={201: LearnerSerializer, 200: LearnerSerializer})
    def post(self, request):
        data = LearnerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        integration = integration_of(request)
        external_id = data.validated_data["external_id"]
        existing = ProvisionedLearner.objects.filter(integration=integration, external_id=external_id).first()
        if existing is not None:
            return Response(learner_data(existing))
        given = data.validated_data.get("email") or ""
        User = get_user_model()
        try:
            with transaction.atomic():
                # The same answer whether or not the address is taken: it reveals no account.
                taken = not given or User.objects.filter(email__iexact=given).exists()
                email = placeholder_email("provisioned") if taken else given
                user = User.objects.create_user(email, None, display_name=data.validated_data["display_name"])
                provision = ProvisionedLearner.objects.create(
                    integration=integration, external_id=external_id, user=user, email=given
                )
        except IntegrityError:  # the same learner provisioned concurrently: return the winner's record
            provision = ProvisionedLearner.objects.get(integration=integration, external_id=external_id)
            return Response(learner_data(provision))
        return Response(learner_data(provision), status=status.HTTP_201_CREATED)


class LearnerDetail(IntegrationsOnly, APIView):
    required_scope = "learners"

    @extend_schema(responses=LearnerSerializer)
    def get(self, request, external_id):
        provision = get_object_or_404(
            ProvisionedLearner.objects.select_related("user"),
            integration=integration_of(request),
            external_id=external_id,
        )
        return Response(learner_data(provision))


class LaunchRequestSerializer(serializers.Serializer):
    exam = serializers.SlugField(help_text="The exam to open (its slug).")
    return_url = serializers.URLField(
        required=False,
        max_length=2000,
        help_text="Shown as a “Back to your course” link; its origin must be one of the integration's "
        "return origins (admin → Integrations).",
    )


class LaunchLinkSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Open it in the learner's browser: it works once, until expires_at.")
    expires_at = serializers.DateTimeField()


class LearnerLaunch(IntegrationsOnly, APIView):
    """A single-use, short-lived link that signs the learner in and opens the exam's start page."""

    required_scope = "attempts"

    @extend_schema(request=LaunchRequestSerializer, responses={201: LaunchLinkSerializer})
    def post(self, request, external_id):
        integration = integration_of(request)
        provision = get_object_or_404(
            ProvisionedLearner.objects.select_related("user"),
            integration=integration,
            external_id=external_id,
        )
        data = LaunchRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exam = Exam.objects.filter(slug=data.validated_data["exam"], is_published=True).first()
        if exam is None:
            raise ValidationError({"exam": ["There is no published exam with this slug."]})
        session = {}
        if return_url := data.validated_data.get("return_url"):
            if not integration.allows_return_to(return_url):
                raise ValidationError(
                    {"return_url": ["Its origin is not one of this integration's return origins."]}
                )
            session["return_url"] = return_url
        link, token = SignInLink.issue(provision.user, reverse("exam_start", args=[exam.slug]), session)
        url = request.build_absolute_uri(reverse("sign_in_link", args=[token]))
        return Response({"url": url, "expires_at": link.expires_at}, status=status.HTTP_201_CREATED)


class HeldCertificateSerializer(VerificationSerializer):
    code = serializers.CharField(help_text="The verification code: /verify/<code> and the verify endpoint.")


class LearnerCertificates(IntegrationsOnly, APIView):
    """The certificates one of the integration's learners holds."""

    required_scope = "learners"

    @extend_schema(responses=HeldCertificateSerializer(many=True))
    def get(self, request, external_id):
        provision = get_object_or_404(
            ProvisionedLearner, integration=integration_of(request), external_id=external_id
        )
        certificates = Certificate.objects.filter(learner=provision.user)
        return Response(
            [{"code": certificate.code, **verification(certificate)} for certificate in certificates]
        )


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEndpoint.Event.choices))

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "is_active", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_events(self, events):
        if not events:
            raise ValidationError("Subscribe to at least one event.")
        return sorted(set(events))


class WebhookList(IntegrationsOnly, generics.ListCreateAPIView):
    """The integration's webhook endpoints; deliveries are signed with its webhook secret."""

    required_scope = "webhooks"
    serializer_class = WebhookSerializer
    pagination_class = None

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(integration=integration_of(self.request))

    @extend_schema(responses={201: WebhookSerializer, 200: WebhookSerializer})
    def post(self, request, *args, **kwargs):
        """Register an endpoint; registering the same URL and events again returns the existing one (200)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        integration = integration_of(request)
        with transaction.atomic():
            Integration.objects.select_for_update().filter(pk=integration.pk).first()  # one at a time
            existing = WebhookEndpoint.objects.filter(
                integration=integration,
                url=serializer.validated_data["url"],
                events=serializer.validated_data["events"],
            ).first()
            if existing is not None:
                return Response(self.get_serializer(existing).data)
            serializer.save(integration=integration)
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class WebhookDetail(IntegrationsOnly, generics.RetrieveUpdateDestroyAPIView):
    required_scope = "webhooks"
    serializer_class = WebhookSerializer

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(integration=integration_of(self.request))
