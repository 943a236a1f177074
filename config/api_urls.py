from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from certificates.api import VerifyCertificate
from config import api_schema  # noqa: F401  (registers the API-key scheme with drf-spectacular)
from exams import api as exams_api
from integrations import api as integrations_api

v1 = [
    path("domains/", exams_api.DomainList.as_view(), name="api_domains"),
    path("exams/", exams_api.ExamList.as_view(), name="api_exams"),
    path("exams/<slug:slug>/", exams_api.ExamDetail.as_view(), name="api_exam"),
    path("learners/", integrations_api.LearnerList.as_view(), name="api_learners"),
    path("learners/<str:external_id>/", integrations_api.LearnerDetail.as_view(), name="api_learner"),
    path(
        "learners/<str:external_id>/launch/",
        integrations_api.LearnerLaunch.as_view(),
        name="api_learner_launch",
    ),
    path(
        "learners/<str:external_id>/certificates/",
        integrations_api.LearnerCertificates.as_view(),
        name="api_learner_certificates",
    ),
    path("attempts/", exams_api.AttemptStart.as_view(), name="api_attempts"),
    path("attempts/<uuid:attempt_id>/", exams_api.AttemptDetail.as_view(), name="api_attempt"),
    path(
        "attempts/<uuid:attempt_id>/answers/<int:position>/",
        exams_api.AttemptAnswer.as_view(),
        name="api_attempt_answer",
    ),
    path("attempts/<uuid:attempt_id>/submit/", exams_api.AttemptSubmit.as_view(), name="api_attempt_submit"),
    path("attempts/<uuid:attempt_id>/result/", exams_api.AttemptResult.as_view(), name="api_attempt_result"),
    path("results/", exams_api.ResultList.as_view(), name="api_results"),
    path("certificates/verify/<str:code>", VerifyCertificate.as_view(), name="api_verify_certificate"),
    path("questions/", exams_api.QuestionList.as_view(), name="api_questions"),
    path("questions/<slug:slug>/", exams_api.QuestionDetail.as_view(), name="api_question"),
    path("bank/export/", exams_api.BankExport.as_view(), name="api_bank_export"),
    path("bank/import/", exams_api.BankImport.as_view(), name="api_bank_import"),
    path("preview/", exams_api.Preview.as_view(), name="api_preview"),
    path("webhooks/", integrations_api.WebhookList.as_view(), name="api_webhooks"),
    path("webhooks/<int:pk>/", integrations_api.WebhookDetail.as_view(), name="api_webhook"),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
