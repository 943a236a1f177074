"""REST API for the bank, exams and attempts (/api/v1/). Views declare; the rules are model methods."""

import hashlib
import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import quote_etag
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import is_author
from config.api import integration_of
from config.api_errors import error_body
from config.ratelimit import KeyThrottle, PreviewThrottle
from config.times import iso
from exams import bank
from exams.models import Attempt, Domain, Exam, Question
from exams.question_types import validate_content
from exams.results import ReviewItem
from grading import engine
from integrations.models import ProvisionedLearner

# --- Serializers ----------------------------------------------------------------------------------


class DomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Domain
        fields = ["number", "slug", "name", "description"]


class ExamSerializer(serializers.ModelSerializer):
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Exam
        fields = [
            "slug", "title", "description", "mode", "blueprint", "question_count", "time_limit_minutes",
            "pass_mark", "certifies", "closes_at", "review_after_submission", "review_after_close",
        ]  # fmt: skip


class QuestionViewSerializer(serializers.Serializer):
    """A question as the learner sees it: never a key."""

    position = serializers.IntegerField()
    domain = serializers.IntegerField()
    type = serializers.CharField()
    title = serializers.CharField()
    stem = serializers.CharField()
    options = serializers.ListField(child=serializers.DictField(), required=False)
    symbols = serializers.DictField(required=False)
    precision = serializers.CharField(
        required=False, help_text="Numeric and matrix questions: how precise the answer must be."
    )
    flagged = serializers.BooleanField()
    answer = serializers.JSONField(allow_null=True)
    saved_at = serializers.DateTimeField(allow_null=True)


class AttemptSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    exam = serializers.CharField(source="exam.slug")
    learner = serializers.SerializerMethodField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    server_now = serializers.SerializerMethodField()
    remaining_seconds = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    def get_learner(self, attempt) -> str:
        return learner_label(attempt.learner, self.context["request"])

    def get_server_now(self, attempt) -> str:
        return iso(self.context["now"]) or ""

    def get_remaining_seconds(self, attempt) -> float | None:
        return attempt.remaining_seconds(self.context["now"])

    @extend_schema_field(QuestionViewSerializer(many=True))
    def get_questions(self, attempt):
        rows = []
        for item in attempt.questions.select_related("version", "response"):
            response = getattr(item, "response", None)
            rows.append(
                {
                    "position": item.position,
                    "domain": item.domain_number,
                    **item.view,
                    "flagged": item.flagged,
                    "answer": response.answer if response else None,
                    "saved_at": response.saved_at if response else None,
                }
            )
        return QuestionViewSerializer(rows, many=True).data


class ResultSerializer(serializers.Serializer):
    """A graded (or provisionally graded) attempt; the score fields are null where the exam's review policy
    hides them from the caller (integrations always see them)."""

    id = serializers.UUIDField()
    exam = serializers.CharField(source="exam.slug")
    learner = serializers.SerializerMethodField()
    status = serializers.CharField()
    provisional = serializers.BooleanField(source="is_provisional")
    submitted_at = serializers.DateTimeField()
    graded_at = serializers.DateTimeField()
    score_percent = serializers.SerializerMethodField()
    passed = serializers.SerializerMethodField()
    pass_mark = serializers.IntegerField(source="exam.pass_mark")
    domain_scores = serializers.SerializerMethodField()

    def get_learner(self, attempt) -> str:
        return learner_label(attempt.learner, self.context["request"])

    def _shows(self, attempt):
        request = self.context["request"]
        return attempt.review_shows(self.context["now"], for_staff=integration_of(request) is not None)

    def get_score_percent(self, attempt) -> float | None:
        return attempt.percent if ReviewItem.SCORE in self._shows(attempt) else None

    def get_passed(self, attempt) -> bool | None:
        return attempt.passed if ReviewItem.SCORE in self._shows(attempt) else None

    def get_domain_scores(self, attempt) -> dict | None:
        return attempt.domain_scores if ReviewItem.DOMAINS in self._shows(attempt) else None


class AnswerSerializer(serializers.Serializer):
    answer = serializers.JSONField(help_text="Text, or a list of option ids for choice questions.")
    saved_at = serializers.DateTimeField(
        required=False, help_text="When the learner made the change (server time); defaults to now."
    )


class StartAttemptSerializer(serializers.Serializer):
    exam = serializers.SlugField()
    learner = serializers.CharField(
        required=False, help_text="The learner's external id (integrations only)."
    )


class PreviewSerializer(serializers.Serializer):
    symbols = serializers.DictField()
    answer = serializers.CharField(max_length=2000, allow_blank=True, trim_whitespace=False)


class QuestionEntrySerializer(serializers.Serializer):
    """A question in the bank's YAML entry format (see exams/bank/README.md), plus its domain number."""

    domain = serializers.IntegerField(min_value=1, max_value=8)
    entry = serializers.DictField(help_text="The question as in a bank file: slug, type, title, stem, …")


# --- Scoping --------------------------------------------------------------------------------------


def learner_label(user, request):
    """An integration knows its learners by its external ids; a signed-in learner by e-mail."""
    integration = integration_of(request)
    if integration is None:
        return user.email
    provision = ProvisionedLearner.objects.filter(integration=integration, user=user).first()
    return provision.external_id if provision else ""


def visible_attempts(request):
    integration = integration_of(request)
    attempts = Attempt.objects.select_related("exam", "learner")
    if integration is not None:
        return attempts.filter(learner__provisions__integration=integration)
    return attempts.filter(learner=request.user)


def accessed_attempt(request, attempt_id):
    """One of the caller's attempts (404 otherwise), finalized first if its time is up: any access does."""
    attempt = get_object_or_404(visible_attempts(request), pk=attempt_id)
    attempt.finalize_if_expired(by=Attempt.FinalizedBy.ACCESS)
    return attempt


def acting_learner(request, external_id):
    """The user an attempt is started for: the integration's learner by external id, or the caller."""
    integration = integration_of(request)
    if integration is None:
        return request.user
    if not external_id:
        raise ValidationError({"learner": ["Give the learner's external id."]})
    provision = ProvisionedLearner.objects.filter(integration=integration, external_id=external_id).first()
    if provision is None:
        raise NotFound(f"This integration has no learner {external_id!r}.")
    return provision.user


# --- Bank and exams -------------------------------------------------------------------------------


class DomainList(generics.ListAPIView):
    """The course's eight domains."""

    serializer_class = DomainSerializer
    queryset = Domain.objects.all()
    pagination_class = None


class ExamList(generics.ListAPIView):
    """Published exams with their blueprint, timing and pass mark (never questions or keys)."""

    serializer_class = ExamSerializer
    queryset = Exam.objects.filter(is_published=True)
    pagination_class = None


class ExamDetail(generics.RetrieveAPIView):
    serializer_class = ExamSerializer
    queryset = Exam.objects.filter(is_published=True)
    lookup_field = "slug"


# --- Attempts -------------------------------------------------------------------------------------


# The clock fields change on every request; the ETag covers the rest, so it changes only with the attempt.
CLOCK_FIELDS = ("server_now", "remaining_seconds")


def attempt_response(request, attempt, status_code=200):
    attempt = Attempt.objects.select_related("exam", "learner").get(pk=attempt.pk)
    context = {"request": request, "now": timezone.now()}
    data = AttemptSerializer(attempt, context=context).data
    response = Response(data, status=status_code)
    state = {name: value for name, value in data.items() if name not in CLOCK_FIELDS}
    digest = hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()[:32]
    response["ETag"] = quote_etag(digest)
    return response


class AttemptStart(APIView):
    """Start an attempt (or resume the learner's open one) at an exam."""

    required_scope = "attempts"

    @extend_schema(request=StartAttemptSerializer, responses={201: AttemptSerializer, 200: AttemptSerializer})
    def post(self, request):
        data = StartAttemptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exam = get_object_or_404(Exam, slug=data.validated_data["exam"], is_published=True)
        learner = acting_learner(request, data.validated_data.get("learner"))
        attempt = exam.start_attempt(learner)
        return attempt_response(
            request, attempt, status.HTTP_201_CREATED if attempt.just_started else status.HTTP_200_OK
        )


class AttemptDetail(APIView):
    """The attempt as the learner sees it: questions, saved answers, server time and remaining time."""

    required_scope = "attempts"

    @extend_schema(responses=AttemptSerializer)
    def get(self, request, attempt_id):
        attempt = accessed_attempt(request, attempt_id)
        return attempt_response(request, attempt)


class AttemptAnswer(APIView):
    """Save the answer to one question; idempotent; refused after the deadline plus grace."""

    required_scope = "attempts"

    @extend_schema(
        request=AnswerSerializer,
        responses=inline_serializer(
            "SavedAnswer",
            {
                "saved": serializers.BooleanField(),
                "saved_at": serializers.DateTimeField(),
                "server_now": serializers.DateTimeField(),
                "deadline": serializers.DateTimeField(allow_null=True),
            },
        ),
    )
    def put(self, request, attempt_id, position):
        attempt = accessed_attempt(request, attempt_id)
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = attempt.save_answer(
            position, data.validated_data["answer"], data.validated_data.get("saved_at")
        )
        return Response(
            {
                "saved": saved.saved,
                "saved_at": saved.response.saved_at,
                "server_now": timezone.now(),
                "deadline": attempt.deadline,
            }
        )


class AttemptSubmit(APIView):
    """Submit the attempt; grading runs in the background (poll the result)."""

    required_scope = "attempts"

    @extend_schema(request=None, responses={202: AttemptSerializer})
    def post(self, request, attempt_id):
        attempt = get_object_or_404(visible_attempts(request), pk=attempt_id)
        attempt.submit()
        return attempt_response(request, attempt, status.HTTP_202_ACCEPTED)


class AttemptResult(APIView):
    """The result once graded, with what the exam's review policy shows; provisional while answers that
    could not be graded automatically wait for a person (status "review")."""

    required_scope = "attempts"

    @extend_schema(responses=ResultSerializer)
    def get(self, request, attempt_id):
        attempt = accessed_attempt(request, attempt_id)
        if attempt.status not in (Attempt.Status.GRADED, Attempt.Status.REVIEW):
            message = (
                "This attempt is not graded yet." if attempt.status == "submitted" else "Submit it first."
            )
            return Response(error_body("not_graded", message, {"status": attempt.status}), status=409)
        now = timezone.now()
        data = ResultSerializer(attempt, context={"request": request, "now": now}).data
        review = attempt.review(now, for_staff=integration_of(request) is not None)
        data["shows"] = sorted(review.shows)
        data["pending_review"] = review.pending
        if review.per_question:
            data["questions"] = [row.as_data() for row in review.rows]
        return Response(data)


class ResultList(generics.ListAPIView):
    """Graded attempts, newest first; filter by exam, learner (external id) and graded date range."""

    required_scope = "results"
    serializer_class = ResultSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        parameters=[
            OpenApiParameter("exam", str, description="exam slug"),
            OpenApiParameter("learner", str, description="the learner's external id (integrations)"),
            OpenApiParameter("since", str, description="graded at or after this ISO 8601 time"),
            OpenApiParameter("until", str, description="graded before this ISO 8601 time"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        attempts = visible_attempts(self.request).filter(status=Attempt.Status.GRADED).order_by("-graded_at")
        if params.get("exam"):
            attempts = attempts.filter(exam__slug=params["exam"])
        if params.get("learner") and integration_of(self.request):
            attempts = attempts.filter(
                learner__provisions__external_id=params["learner"],
                learner__provisions__integration=integration_of(self.request),
            )
        for name, lookup in (("since", "graded_at__gte"), ("until", "graded_at__lt")):
            if params.get(name):
                try:
                    moment = serializers.DateTimeField().to_internal_value(params[name])
                except ValidationError as error:
                    raise ValidationError({name: error.detail}) from None
                attempts = attempts.filter(**{lookup: moment})
        return attempts


# --- Authoring ------------------------------------------------------------------------------------


class AuthorsOnly:
    """Bank endpoints: integration keys with the 'bank' scope, or signed-in authors."""

    required_scope = "bank"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if integration_of(request) is None and not is_author(request.user):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied("Only authors may manage the question bank.")


def entry_of(question):
    return {"domain": question.domain.number, "entry": bank.question_to_entry(question)}


def save_entry(domain_number, entry, question=None, author=None):
    """Validate an entry like the importer and admin do, then store it and record a version."""
    problems = bank.entry_problems(entry, 0)
    if question is not None and entry.get("slug") != question.slug:
        problems.append(("slug", "the slug of a question never changes"))
    domain = Domain.objects.get(number=domain_number)
    topic_problem = None if problems else domain.topic_problem(entry.get("topic", ""))
    if topic_problem:
        problems.append(("topic", topic_problem))
    if problems:
        raise ValidationError({field: [message] for field, message in problems})
    content = bank.entry_to_content(entry, domain_number)
    errors = validate_content(content)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        question = question or Question(slug=content["slug"], author=author)
        bank.apply_content(question, content, domain, entry.get("status", "draft"), entry.get("topic", ""))
        question.record_version(author)
    return question


class QuestionList(AuthorsOnly, APIView):
    """Every question of the bank in the YAML entry format, keys included (authors only); create one."""

    @extend_schema(responses=QuestionEntrySerializer(many=True))
    def get(self, request):
        questions = Question.objects.select_related("domain").prefetch_related("options", "hints")
        return Response([entry_of(question) for question in questions])

    @extend_schema(request=QuestionEntrySerializer, responses={201: QuestionEntrySerializer})
    def post(self, request):
        data = QuestionEntrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if Question.objects.filter(slug=data.validated_data["entry"].get("slug")).exists():
            raise ValidationError({"slug": ["A question with this slug exists; update it instead."]})
        author = request.user if request.user.is_authenticated else None
        question = save_entry(data.validated_data["domain"], data.validated_data["entry"], author=author)
        return Response(entry_of(question), status=status.HTTP_201_CREATED)


class QuestionDetail(AuthorsOnly, APIView):
    @extend_schema(responses=QuestionEntrySerializer)
    def get(self, request, slug):
        return Response(entry_of(get_object_or_404(Question, slug=slug)))

    @extend_schema(request=QuestionEntrySerializer, responses=QuestionEntrySerializer)
    def put(self, request, slug):
        question = get_object_or_404(Question, slug=slug)
        data = QuestionEntrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        author = request.user if request.user.is_authenticated else None
        question = save_entry(data.validated_data["domain"], data.validated_data["entry"], question, author)
        return Response(entry_of(question))


class BankFileSerializer(serializers.Serializer):
    name = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.ya?ml$", help_text="e.g. 03-derivatives.yaml"
    )
    text = serializers.CharField(trim_whitespace=False, help_text="The file's YAML text.")


class BankFilesSerializer(serializers.Serializer):
    files = BankFileSerializer(many=True)

    def validate_files(self, files):
        names = [file["name"] for file in files]
        if len(set(names)) != len(names):
            raise ValidationError("Each file name may appear once.")
        return files


class ImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class BankExport(AuthorsOnly, APIView):
    """The whole bank in the YAML format, one file per domain."""

    @extend_schema(responses=BankFilesSerializer)
    def get(self, request):
        with tempfile.TemporaryDirectory() as folder:
            files = [
                {"name": path.name, "text": path.read_text(encoding="utf-8")}
                for path in bank.export_bank(folder)
            ]
        return Response({"files": files})


class BankImport(AuthorsOnly, APIView):
    """Import YAML bank files: all or nothing, with every problem listed."""

    @extend_schema(request=BankFilesSerializer, responses=ImportReportSerializer)
    def post(self, request):
        data = BankFilesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        author = request.user if request.user.is_authenticated else None
        with tempfile.TemporaryDirectory() as folder:
            for file in data.validated_data["files"]:
                (Path(folder) / file["name"]).write_text(file["text"], encoding="utf-8")
            try:
                report = bank.import_bank(
                    folder, author=author, max_questions=settings.BANK_IMPORT_MAX_QUESTIONS
                )
            except bank.BankTooLarge as too_large:
                body = error_body(
                    "bank_too_large",
                    f"{too_large}; nothing was imported. Split the files into several imports.",
                    {"questions": too_large.count, "limit": too_large.limit},
                )
                return Response(body, status=413)
            except bank.BankInvalid as invalid:
                details = [
                    {"file": Path(e.file).name, "slug": e.slug, "field": e.field, "message": e.message}
                    for e in invalid.errors
                ]
                body = error_body("invalid_bank", f"{invalid}; nothing was imported.", {"problems": details})
                return Response(body, status=422)
        return Response(ImportReportSerializer(report).data)


# --- Live preview ---------------------------------------------------------------------------------


class Preview(APIView):
    """How the engine reads an expression for the given symbols: LaTeX and shape, or the exact error."""

    throttle_classes = [KeyThrottle, PreviewThrottle]

    @extend_schema(
        request=PreviewSerializer,
        responses=inline_serializer(
            "Interpretation",
            {
                "ok": serializers.BooleanField(),
                "latex": serializers.CharField(allow_null=True),
                "shape": serializers.CharField(allow_null=True),
                "error": serializers.CharField(allow_null=True),
            },
        ),  # fmt: skip
    )
    def post(self, request):
        data = PreviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = engine.preview(data.validated_data["symbols"], data.validated_data["answer"])
        except engine.ConfigError as error:
            raise ValidationError({"symbols": [str(error)]}) from None
        return Response(
            {"ok": result.ok, "latex": result.latex, "shape": result.shape, "error": result.error}
        )
