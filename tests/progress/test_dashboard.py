"""The dashboard's progress: a score chart per exam with dates, mastery per domain, what to practise next
and readiness for the certifying exam; each attempt shows only what its review policy lets it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exams.models import Attempt, Domain, Exam
from progress.summary import domain_drills

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded_attempt(learner):
    """A graded attempt of `exam` with the given per-domain (earned, possible) marks, `days_ago` old."""

    def make(exam, marks, days_ago=0):
        names = dict(Domain.objects.values_list("number", "name"))
        when = timezone.now() - timedelta(days=days_ago)
        earned, possible = sum(m[0] for m in marks.values()), sum(m[1] for m in marks.values())
        return Attempt.objects.create(
            exam=exam, learner=learner, seed=1, started_at=when, submitted_at=when, graded_at=when,
            status=Attempt.Status.GRADED, score=earned / possible,
            passed=earned / possible >= exam.pass_mark / 100,
            domain_scores={
                str(d): {"name": names[d], "earned": e, "possible": p} for d, (e, p) in marks.items()
            },
        )  # fmt: skip

    return make


@pytest.fixture
def certifying(db):
    return Exam.objects.create(
        slug="cert", title="Certifying exam", description="x", certifies=True, pass_mark=70,
        time_limit_minutes=60, blueprint=[{"domain": 1, "count": 5}, {"domain": 2, "count": 5}],
    )  # fmt: skip


def test_the_chart_has_dates_a_pass_line_distinct_markers_and_a_table(
    client, learner, certifying, graded_attempt
):
    graded_attempt(certifying, {1: (2, 5), 2: (2, 5)}, days_ago=9)
    graded_attempt(certifying, {1: (5, 5), 2: (4, 5)}, days_ago=2)
    client.force_login(learner)
    html = client.get("/dashboard/").content.decode()
    assert "Certifying exam: your scores" in html
    first, last = timezone.now() - timedelta(days=9), timezone.now() - timedelta(days=2)
    for when in (first, last):
        assert f'text-anchor="middle">{when.day} {when:%b}</text>' in html  # dates under the axis
    assert html.count('class="marker marker-failed"') == 2  # one in the chart, one in the legend
    assert html.count('class="marker marker-passed"') == 2
    assert 'class="pass-line"' in html and "pass mark 70%" in html
    assert "<td>40.0%</td>" in html and "<td>90.0%</td>" in html  # the table alternative


def test_practise_next_is_the_weakest_domain_with_its_drill(client, learner, certifying, graded_attempt):
    for days_ago in (6, 4, 2):
        graded_attempt(certifying, {1: (5, 5), 2: (1, 5)}, days_ago=days_ago)
    client.force_login(learner)
    html = client.get("/dashboard/").content.decode()
    section = html[html.index("What to practise next") :]
    drill = domain_drills()[2]  # the shipped drill of domain 2
    assert "<strong>2. " in section[:300] and f"/exams/{drill.slug}/start/" in section[:800]
    assert "Not ready yet" in html  # domain 2 drags the expected score under the pass mark


def test_readiness_turns_to_likely_to_pass_when_the_lower_bound_clears_the_pass_mark(
    client, learner, certifying, graded_attempt
):
    client.force_login(learner)
    graded_attempt(certifying, {1: (5, 5)}, days_ago=5)
    assert "Not enough evidence yet." in client.get("/dashboard/").content.decode()
    for days_ago in (4, 3, 2, 1, 0):
        graded_attempt(certifying, {1: (5, 5), 2: (5, 5)}, days_ago=days_ago)
    assert "Likely to pass" in client.get("/dashboard/").content.decode()


def test_an_attempt_whose_policy_hides_domains_adds_nothing_to_mastery(
    client, learner, certifying, graded_attempt
):
    certifying.review_after_submission = ["score"]
    certifying.save()
    graded_attempt(certifying, {1: (0, 5), 2: (0, 5)})
    client.force_login(learner)
    html = client.get("/dashboard/").content.decode()
    assert "No results yet" in html and "Not enough evidence yet." in html
