"""The run's data, written through the app's own models once Django points at the scratch database: an
exam for the run, learner accounts with signed-in sessions, and an integration that provisioned them and
subscribes a webhook endpoint (the harness's receiver) to graded attempts and certificates."""

from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

PASSWORD = "load-test correct horse 42"
RUN_EXAM = "load-test-exam"


@dataclass
class Account:
    index: int
    email: str
    session_key: str | None


@dataclass
class RunData:
    exam_slug: str
    accounts: list[Account]
    webhook_secret: str
    api_key: str


def create_run_exam(time_limit_minutes: int, pass_mark: int, base_slug: str = "full-practice-exam") -> str:
    """A certifying copy of the full practice exam (40 questions, five per domain) with this run's time
    limit and pass mark: learners who answer a few questions right pass, so certificates are issued."""
    from exams.models import Exam

    base = Exam.objects.get(slug=base_slug)
    Exam.objects.update_or_create(
        slug=RUN_EXAM,
        defaults={
            "title": "Load test exam",
            "description": f"{base.description} (a copy for the load test)",
            "mode": Exam.Mode.EXAM,
            "blueprint": base.blueprint,
            "time_limit_minutes": time_limit_minutes,
            "pass_mark": pass_mark,
            "certifies": True,
            "review_after_submission": base.review_after_submission,
            "review_after_close": base.review_after_close,
            "position": 0,
        },
    )
    return RUN_EXAM


@transaction.atomic
def create_accounts(count: int, receiver_url: str, with_sessions: bool, first_index: int = 0) -> RunData:
    """`count` learners sharing one password, hashed once by the production hasher (sign-in still checks it
    at full cost); each with a signed-in session unless `with_sessions` is false."""
    from integrations.models import ApiKey, Integration, ProvisionedLearner, WebhookEndpoint

    User = get_user_model()
    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create(
        User(
            email=f"learner-{first_index + i:05d}@load.test",
            display_name=f"Learner {first_index + i}",
            password=hashed,
        )
        for i in range(count)
    )
    integration, _ = Integration.objects.get_or_create(name="Load test LMS")
    WebhookEndpoint.objects.get_or_create(
        integration=integration,
        url=receiver_url,
        defaults={"events": ["attempt.graded", "certificate.issued"]},
    )
    ProvisionedLearner.objects.bulk_create(
        ProvisionedLearner(integration=integration, external_id=f"load-{first_index + i:05d}", user=user)
        for i, user in enumerate(users)
    )
    _, api_key = ApiKey.issue(integration, "Load test", ["learners", "attempts", "results"])
    accounts = [
        Account(first_index + i, user.email, _signed_in_session(user) if with_sessions else None)
        for i, user in enumerate(users)
    ]
    return RunData(
        exam_slug="", accounts=accounts, webhook_secret=integration.webhook_secret, api_key=api_key
    )


def _signed_in_session(user) -> str:
    """What a successful sign-in leaves in the session store, through the configured session engine."""
    from accounts.backends import BACKEND

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(timezone.now() + timedelta(days=1))
    store.create()
    return store.session_key


def answer_key(attempt_id: str, position: int) -> dict:
    """What a learner who knows the material would answer at one position: the variant's key (text), or the
    attempt's (opaque) ids of the correct options. Read from the database by the harness, never sent by the
    server; one question at a time, as the learner reaches it (a learner answers a few of forty)."""
    from exams.models import AttemptQuestion

    item = (
        AttemptQuestion.objects.select_related("version")
        .filter(attempt_id=attempt_id, position=position)
        .first()
    )
    if item is None:
        return {}
    content = item.content
    return {
        "answer": "" if item.is_choice else str(content.get("answer") or ""),
        "correct": item.key() if item.is_choice else [],
    }
