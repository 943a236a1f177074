import pytest

from certificates.models import Certificate
from grading.tasks import grade_attempt

pytestmark = pytest.mark.django_db


def test_passing_a_certifying_exam_issues_a_certificate(certifying_exam, learner, take):
    attempt = take(certifying_exam, learner, correct=1)
    certificate = Certificate.objects.get()
    assert certificate.learner == learner
    assert certificate.name == "Ada Lovelace"
    assert certificate.exam_title == "Certified Matrix Calculus"
    assert certificate.score == pytest.approx(0.5)
    assert certificate.attempt == attempt
    assert certificate.domain_scores == attempt.domain_scores


def test_failing_issues_nothing(certifying_exam, learner, take):
    take(certifying_exam, learner, correct=0)
    assert not Certificate.objects.exists()


def test_an_exam_that_does_not_certify_issues_nothing(certifying_exam, learner, take):
    certifying_exam.certifies = False
    certifying_exam.save()
    take(certifying_exam, learner, correct=2)
    assert not Certificate.objects.exists()


def test_a_retried_grading_task_issues_no_duplicate(certifying_exam, learner, take):
    attempt = take(certifying_exam, learner, correct=2)
    grade_attempt(str(attempt.pk))
    grade_attempt(str(attempt.pk))
    Certificate.issue_for(attempt)
    assert Certificate.objects.count() == 1


def test_a_better_pass_updates_the_score_but_keeps_date_and_code(certifying_exam, learner, take):
    take(certifying_exam, learner, correct=1)
    first = Certificate.objects.get()
    better = take(certifying_exam, learner, correct=2)
    certificate = Certificate.objects.get()
    assert certificate.score == pytest.approx(1.0)
    assert certificate.attempt == better
    assert (certificate.code, certificate.reference, certificate.issued_at) == (
        first.code,
        first.reference,
        first.issued_at,
    )


def test_a_later_fail_or_weaker_pass_changes_nothing(certifying_exam, learner, take):
    take(certifying_exam, learner, correct=2)
    take(certifying_exam, learner, correct=0)
    take(certifying_exam, learner, correct=1)
    certificate = Certificate.objects.get()
    assert certificate.score == pytest.approx(1.0)
    assert not certificate.is_revoked


def test_codes_are_long_random_and_url_safe_and_references_are_short(certifying_exam, learner, author, take):
    take(certifying_exam, learner, correct=2)
    take(certifying_exam, author, correct=2)
    codes = list(Certificate.objects.values_list("code", "reference"))
    for code, reference in codes:
        assert len(code) >= 32  # 24 random bytes: 192 bits
        assert all(character.isalnum() or character in "-_" for character in code)
        assert reference.startswith("DX-") and len(reference) == 12
    assert codes[0][0] != codes[1][0]


def test_the_result_page_links_to_the_earned_certificate(client, certifying_exam, learner, take):
    attempt = take(certifying_exam, learner, correct=2)
    client.force_login(learner)
    html = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert f"/certificates/{Certificate.objects.get().code}/" in html


def test_the_dashboard_lists_certificates_with_share_links(client, certifying_exam, learner, take):
    take(certifying_exam, learner, correct=2)
    client.force_login(learner)
    html = client.get("/dashboard/").content.decode()
    certificate = Certificate.objects.get()
    assert f"/verify/{certificate.code}" in html
    assert "Certified Matrix Calculus" in html
