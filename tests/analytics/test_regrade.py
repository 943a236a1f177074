"""A regrade after a key fix: the dry run shows what would change and keeps nothing; applying it (a Celery
task, with progress) changes the scores, issues and revokes certificates with the reason "regraded", records
an audit entry and sends attempt.regraded, certificate.issued and certificate.revoked once; a second run
changes nothing."""

import json

import pytest

from analytics.models import Regrade
from analytics.regrade import dry_run
from certificates.models import Certificate
from exams.models import Attempt, AttemptEvent, Question
from integrations.models import ProvisionedLearner, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def sittings(certifying_exam, django_user_model, integration, committed):
    """Three provisioned learners' graded attempts of the two-question certifying exam (key "2", pass 50%):
    Ada answered both right, Ben both "5", Cy the first question right and the second "5"."""
    first, second = Question.objects.filter(status="published").order_by("slug")
    answers = {
        "ada": {first: "2", second: "2"},
        "ben": {first: "5", second: "5"},
        "cy": {first: "2", second: "5"},
    }
    attempts = {}
    for name, given in answers.items():
        learner = django_user_model.objects.create_user(
            f"{name}@example.com", None, display_name=name.title()
        )
        ProvisionedLearner.objects.create(integration=integration, external_id=f"lms-{name}", user=learner)
        attempt = certifying_exam.start_attempt(learner)
        for item in attempt.questions.select_related("question"):
            attempt.save_answer(item.position, given[item.question])
        committed(attempt.submit)
        attempts[name] = Attempt.objects.get(pk=attempt.pk)
    return {"attempts": attempts, "fixed": first}


def fix_key(question, admin_user, answer="5"):
    question.answer = answer
    question.save()
    question.record_version(admin_user)


def state(attempts):
    return {
        name: (Attempt.objects.get(pk=a.pk).score, Attempt.objects.get(pk=a.pk).passed)
        for name, a in attempts.items()
    }


def certificates():
    return {
        c.learner.display_name.lower(): (c.is_revoked, c.revoked_reason) for c in Certificate.objects.all()
    }


def test_the_dry_run_lists_the_changes_and_keeps_nothing(sittings, admin_user, client):
    before = state(sittings["attempts"])
    assert before == {"ada": (1.0, True), "ben": (0.0, False), "cy": (0.5, True)}
    assert certificates() == {"ada": (False, ""), "cy": (False, "")}
    deliveries = WebhookDelivery.objects.count()
    fix_key(sittings["fixed"], admin_user)
    changes = {change.learner.split("@")[0]: change for change in dry_run(sittings["fixed"])}
    assert {name: (c.old_score, c.new_score, c.flips, c.certificate) for name, c in changes.items()} == {
        "ada": (1.0, 0.5, False, None),
        "ben": (0.0, 0.5, True, "issued"),
        "cy": (0.5, 0.0, True, "revoked"),
    }
    client.force_login(admin_user)
    page = client.get(
        f"/admin/analytics/regrade/question/{sittings['fixed'].pk}/?reason=Key+fixed&versions=1"
    )
    assert "3 attempt(s) would change; 2 pass/fail flip(s)" in page.content.decode()
    assert state(sittings["attempts"]) == before
    assert certificates() == {"ada": (False, ""), "cy": (False, "")}
    assert WebhookDelivery.objects.count() == deliveries and not AttemptEvent.objects.exists()


def test_applying_changes_scores_certificates_and_webhooks_once(
    sittings, admin_user, client, endpoint, receiver, django_capture_on_commit_callbacks
):
    fix_key(sittings["fixed"], admin_user)
    client.force_login(admin_user)
    apply_url = f"/admin/analytics/regrade/question/{sittings['fixed'].pk}/apply/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url, {"reason": "Key fixed", "versions": "1"})
    regrade = Regrade.objects.get()
    assert response["Location"] == f"/admin/analytics/regrade/{regrade.pk}/change/"
    assert (regrade.status, regrade.done, regrade.total, len(regrade.changes)) == ("done", 3, 3, 3)
    assert state(sittings["attempts"]) == {"ada": (0.5, True), "ben": (0.5, True), "cy": (0.0, False)}
    assert certificates() == {"ada": (False, ""), "ben": (False, ""), "cy": (True, "regraded")}
    events = AttemptEvent.objects.filter(action="regrade")
    assert events.count() == 3 and {event.reason for event in events} == {"Key fixed"}
    assert {e.actor for e in events} == {admin_user}

    def sent(event):
        return sorted(json.loads(body)["data"]["learner"]["external_id"] for body in receiver.bodies(event))

    assert sent("attempt.regraded") == ["lms-ada", "lms-ben", "lms-cy"]
    assert sent("certificate.issued") == ["lms-ben"]
    assert sent("certificate.revoked") == ["lms-cy"]
    [revoked] = [json.loads(body) for body in receiver.bodies("certificate.revoked")]
    assert revoked["data"]["reason"] == "regraded"
    [ben] = [json.loads(b) for b in receiver.bodies("attempt.regraded") if b"lms-ben" in b]
    assert (ben["data"]["old_score_percent"], ben["data"]["score_percent"], ben["data"]["passed"]) == (
        0.0,
        50.0,
        True,
    )
    assert (
        "Key fixed"
        in client.get(f"/admin/exams/attempt/{sittings['attempts']['ben'].pk}/change/").content.decode()
    )

    requests = len(receiver.requests)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply_url, {"reason": "Again", "versions": ""})
    second = Regrade.objects.latest("created_at")
    assert second.status == "done" and second.changes == []
    assert state(sittings["attempts"]) == {"ada": (0.5, True), "ben": (0.5, True), "cy": (0.0, False)}
    assert len(receiver.requests) == requests
    assert AttemptEvent.objects.filter(action="regrade").count() == 3


def test_a_key_fixed_back_reinstates_the_certificates_the_regrade_revoked_and_revokes_those_it_issued(
    sittings, admin_user, committed
):
    from analytics.regrade import affected_attempts, regrade_attempt

    fixed = sittings["fixed"]
    fix_key(fixed, admin_user, "5")
    for attempt in affected_attempts(fixed):
        committed(regrade_attempt, attempt, admin_user, "Key fixed", fixed)
    fix_key(fixed, admin_user, "2")
    for attempt in affected_attempts(fixed):
        committed(regrade_attempt, attempt, admin_user, "Key restored", fixed)
    assert certificates() == {"ada": (False, ""), "ben": (True, "regraded"), "cy": (False, "")}
    assert state(sittings["attempts"]) == {"ada": (1.0, True), "ben": (0.0, False), "cy": (0.5, True)}
