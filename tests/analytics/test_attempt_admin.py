"""Attempts in the admin: listed and filtered, shown with every response, and the staff actions (extend,
extra time, reopen, void, regrade), each recorded on the attempt with who, when and why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.models import Certificate
from config.times import iso
from exams.models import Attempt, AttemptEvent, StaffActionError

pytestmark = pytest.mark.django_db


def change_url(attempt):
    return f"/admin/exams/attempt/{attempt.pk}/change/"


def action_url(attempt, action):
    return f"/admin/exams/attempt/{attempt.pk}/do/{action}/"


def test_the_list_filters_by_exam_status_passed_and_needs_review(
    client, admin_user, certifying_exam, learner, take
):
    graded = take(certifying_exam, learner, correct=2)
    client.force_login(admin_user)
    assert (
        str(graded.pk) in client.get("/admin/exams/attempt/?status=graded&passed__exact=1").content.decode()
    )
    assert str(graded.pk) not in client.get("/admin/exams/attempt/?status=open").content.decode()
    assert str(graded.pk) not in client.get("/admin/exams/attempt/?needs_review=yes").content.decode()
    page = client.get(
        f"/admin/exams/attempt/?exam__id__exact={certifying_exam.pk}&learner__id__exact={learner.pk}"
    )
    assert str(graded.pk) in page.content.decode()


def test_an_attempt_shows_every_response_as_graded(client, admin_user, certifying_exam, learner, take):
    attempt = take(certifying_exam, learner, correct=1)
    client.force_login(admin_user)
    page = client.get(change_url(attempt)).content.decode()
    assert "correct" in page and "incorrect" in page
    assert "Extend the time" in page and "Void" in page


def test_extending_an_open_attempt_moves_its_deadline_and_records_who_and_why(
    client, admin_user, certifying_exam, learner
):
    attempt = certifying_exam.start_attempt(learner)
    before = attempt.deadline
    client.force_login(admin_user)
    response = client.post(action_url(attempt, "extend"), {"minutes": "15", "reason": "Fire alarm"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.deadline == before + timedelta(minutes=15)
    [event] = attempt.events.all()
    assert (event.action, event.actor, event.reason) == ("extend", admin_user, "Fire alarm")
    assert event.details["new_deadline"] == attempt.deadline.isoformat()
    assert "Fire alarm" in client.get(change_url(attempt)).content.decode()


def test_the_learner_status_endpoint_carries_the_new_deadline(client, certifying_exam, learner, admin_user):
    attempt = certifying_exam.start_attempt(learner)
    attempt.extend(30, admin_user, "Accessibility")
    client.force_login(learner)
    timing = client.get(f"/attempts/{attempt.pk}/status").json()
    assert timing["deadline"] == iso(attempt.deadline)  # UTC, ending in Z like every time dxam writes
    assert timing["remaining_seconds"] > 35 * 60


def test_extra_time_sets_the_multiplier_and_stretches_the_running_attempt(
    certifying_exam, learner, admin_user
):
    attempt = certifying_exam.start_attempt(learner)
    attempt.grant_accommodation("1.5", admin_user, "Dyslexia assessment")
    learner.refresh_from_db()
    assert learner.time_multiplier == pytest.approx(1.5)
    assert attempt.deadline == attempt.started_at + timedelta(minutes=15)
    assert attempt.events.get().action == AttemptEvent.Action.ACCOMMODATION


def test_an_extension_never_passes_the_exam_close(certifying_exam, learner, admin_user):
    certifying_exam.closes_at = timezone.now() + timedelta(minutes=12)
    certifying_exam.save()
    attempt = certifying_exam.start_attempt(learner)
    with pytest.raises(StaffActionError, match="closes at"):
        attempt.extend(60, admin_user, "")
    assert not attempt.events.exists()


def test_reopening_lets_the_learner_continue_and_is_graded_again(
    certifying_exam, learner, admin_user, take, committed
):
    attempt = take(certifying_exam, learner, correct=0)
    attempt.reopen(10, admin_user, "The browser crashed")
    assert attempt.status == Attempt.Status.OPEN and attempt.score is None
    for item in attempt.questions.all():
        attempt.save_answer(item.position, "2")
    committed(attempt.submit)
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score == 1.0
    assert Certificate.objects.get(learner=learner).attempt == attempt


def test_reopening_is_refused_while_a_certificate_rests_on_the_attempt(
    certifying_exam, learner, admin_user, take
):
    attempt = take(certifying_exam, learner, correct=2)
    with pytest.raises(StaffActionError) as refused:
        attempt.reopen(10, admin_user, "Why not")
    assert refused.value.code == "certified"


def test_voiding_needs_a_reason_and_revokes_the_certificate_it_earned(
    client, admin_user, certifying_exam, learner, take
):
    attempt = take(certifying_exam, learner, correct=2)
    client.force_login(admin_user)
    refused = client.post(action_url(attempt, "void"), {"reason": " "})
    assert refused.status_code == 200 and "required" in refused.content.decode()
    client.post(action_url(attempt, "void"), {"reason": "Impersonation"})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.VOIDED
    certificate = Certificate.objects.get(learner=learner)
    assert certificate.is_revoked and certificate.revoked_reason == "voided: Impersonation"
    assert attempt.events.get().details["certificate"] == "revoked"


def test_voiding_moves_the_certificate_to_another_passing_attempt(certifying_exam, learner, admin_user, take):
    from analytics.staff import void_attempt

    first = take(certifying_exam, learner, correct=1)
    best = take(certifying_exam, learner, correct=2)
    void_attempt(best, admin_user, "Copied answers")
    certificate = Certificate.objects.get(learner=learner)
    assert not certificate.is_revoked
    assert certificate.attempt == first and certificate.score == 0.5


def test_a_staff_action_refused_by_the_rules_shows_why(client, admin_user, certifying_exam, learner, take):
    attempt = take(certifying_exam, learner, correct=1)
    client.force_login(admin_user)
    response = client.post(action_url(attempt, "extend"), {"minutes": "5", "reason": "Late"})
    assert response.status_code == 200
    assert "reopen it first" in response.content.decode()


def test_regrading_one_attempt_uses_the_current_key(client, admin_user, certifying_exam, learner, take):
    attempt = take(certifying_exam, learner, correct=0)  # answered 5 to both
    for question in {item.question for item in attempt.questions.all()}:
        question.answer = "5"
        question.save()
        question.record_version(admin_user)
    client.force_login(admin_user)
    client.post(action_url(attempt, "regrade"), {"reason": "Key was wrong"})
    attempt.refresh_from_db()
    assert attempt.score == 1.0 and attempt.passed
    event = attempt.events.get()
    assert (event.action, event.reason, event.details["certificate"]) == (
        "regrade",
        "Key was wrong",
        "issued",
    )
