"""Item statistics on 500 simulated learners match an independent numpy/scipy computation from the stored
responses, and the flags mark the questions made too easy and too hard on purpose."""

from collections import Counter, defaultdict

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from scipy import stats

from analytics.simulation import simulate_learners
from analytics.statistics import exam_statistics, question_statistics, sorted_items, to_csv
from certificates.models import Certificate
from exams.models import AttemptQuestion, Question
from tests.analytics.conftest import create_simulated_exam

# The 500 learners are simulated once for the module (on one xdist worker) and removed after it.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("item-statistics")]
LOCATIONS = {  # item difficulties b: two made extreme on purpose, the others moderate
    "trace": -5.0, "determinant": 5.0, "easy-choice": -0.5, "hard-choice": 0.5, "both-choices": 0.0,
    "quadratic-form": 0.3,
}  # fmt: skip


def independent(exam):
    """Straight from the stored rows: per question score lists, rest scores, picks and times; per attempt
    the position scores."""
    rows = AttemptQuestion.objects.filter(attempt__exam=exam, attempt__status="graded").select_related(
        "response", "question"
    )
    by_attempt = defaultdict(dict)
    for row in rows:
        response = getattr(row, "response", None)
        by_attempt[row.attempt_id][row.position] = (
            row,
            0.0 if response is None or response.score is None else response.score,
        )
    per_question = defaultdict(
        lambda: {"x": [], "rest": [], "picks": Counter(), "answered": 0, "seconds": []}
    )
    for positions in by_attempt.values():
        total = sum(score for _, score in positions.values())
        for row, score in positions.values():
            entry = per_question[row.question.slug]
            entry["x"].append(score)
            entry["rest"].append(total - score)
            response = getattr(row, "response", None)
            if response is not None and response.answer not in (None, "", []):
                entry["answered"] += 1
                entry["seconds"].append((response.saved_at - row.first_seen_at).total_seconds())
                if isinstance(response.answer, list):
                    mapping = {shown["id"]: shown["option"] for shown in row.shown_options}
                    entry["picks"].update(mapping[token] for token in response.answer)
    matrix = np.array([[positions[p][1] for p in sorted(positions)] for positions in by_attempt.values()])
    return per_question, matrix


@pytest.fixture(scope="module")
def five_hundred(django_db_setup, django_db_blocker):
    """500 simulated learners, committed (outside the tests' transactions, so grading runs as it would)."""
    from config.celery import app
    from tests.conftest import restore_course_data

    # Set up before the per-test fixtures: grade in-process here too (tasks_run_in_process is per test).
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    with django_db_blocker.unblock():
        restore_course_data()
        exam = create_simulated_exam()
        try:
            simulate_learners(exam, 500, seed=13, locations=LOCATIONS)
            yield exam
        finally:
            app.conf.task_always_eager = eager
            _remove(exam)


def _remove(exam):
    Certificate.objects.filter(exam=exam).delete()
    learners = list(exam.attempts.values_list("learner_id", flat=True))
    exam.attempts.all().delete()
    get_user_model().objects.filter(pk__in=learners).delete()
    exam.delete()
    Question.objects.filter(slug__in=LOCATIONS).delete()


def test_statistics_match_an_independent_computation_on_500_learners(five_hundred):
    result = exam_statistics(five_hundred)
    expected, matrix = independent(five_hundred)
    assert result.attempts == 500 == matrix.shape[0]
    for item in result.items:
        entry = expected[item.slug]
        x, rest = np.array(entry["x"]), np.array(entry["rest"])
        assert item.presented == len(x) == 500
        assert item.answered == entry["answered"]
        assert item.facility == pytest.approx(x.mean(), abs=1e-9)
        if np.ptp(x):
            assert item.discrimination == pytest.approx(stats.pointbiserialr(x, rest).statistic, abs=1e-9)
        assert item.median_seconds == pytest.approx(float(np.median(entry["seconds"])), abs=1e-9)
        for option in item.options:
            assert option.rate == pytest.approx(
                entry["picks"][option.option_id] / entry["answered"], abs=1e-9
            )
    k = matrix.shape[1]
    totals = matrix.sum(axis=1)
    covariance = np.cov(matrix, rowvar=False)
    alpha = k / (k - 1) * (1 - np.trace(covariance) / covariance.sum())
    assert result.reliability == pytest.approx(alpha, abs=1e-9)
    if np.isin(matrix, (0, 1)).all():  # KR-20, with the population variances of 0/1 scores
        p = matrix.mean(axis=0)
        kr20 = k / (k - 1) * (1 - (p * (1 - p)).sum() / totals.var())
        assert result.reliability_name == "KR-20" and result.reliability == pytest.approx(kr20, abs=1e-9)
    percents = totals / k * 100
    assert result.mean_percent == pytest.approx(percents.mean(), abs=1e-9)
    assert [count for _, _, count in result.histogram] == np.histogram(percents, bins=10, range=(0, 100))[
        0
    ].tolist()


def test_flags_mark_the_questions_made_too_easy_and_too_hard(five_hundred):
    items = {item.slug: item for item in exam_statistics(five_hundred).items}
    assert "too easy" in items["trace"].flags
    assert "too hard" in items["determinant"].flags
    flagged = {slug for slug, item in items.items() if {"too easy", "too hard"} & set(item.flags)}
    assert flagged == {"trace", "determinant"}
    assert all(item.discrimination > 0 for slug, item in items.items() if slug not in flagged)


def test_expression_mistakes_are_grouped_by_the_engines_reading_and_diagnosis(five_hundred):
    [item] = question_statistics(Question.objects.get(slug="quadratic-form"))
    assert item.wrong_answers
    assert sum(w.count for w in item.wrong_answers) <= item.answered
    assert len({(w.reading, w.diagnosis) for w in item.wrong_answers}) == len(item.wrong_answers)
    assert item.wrong_answers == tuple(sorted(item.wrong_answers, key=lambda w: -w.count))


def test_the_overview_sorts_and_exports_csv(five_hundred):
    items = exam_statistics(five_hundred).items
    by_facility = sorted_items(items, "-facility")
    assert by_facility[0].slug == "trace" and by_facility[-1].slug == "determinant"
    lines = to_csv(items).splitlines()
    assert lines[0].startswith("slug,version,title") and len(lines) == 1 + len(items)


def test_the_overview_page_sorts_and_switches_and_the_csv_downloads(client, author, five_hundred):
    client.force_login(author)
    page = client.get("/author/statistics/?exam=simulated&attempts=all&sort=-facility").content.decode()
    assert page.index("trace") < page.index("determinant")
    assert "KR-20" in page or "Cronbach" in page
    assert "attempts=first" in page
    export = client.get("/author/statistics/export.csv?exam=simulated&attempts=first")
    assert export["Content-Type"] == "text/csv"
    assert "simulated-first-attempts" in export["Content-Disposition"]
    assert export.content.decode().count("\n") == 7


def test_the_question_author_page_shows_its_statistics(client, author, five_hundred):
    client.force_login(author)
    page = client.get("/author/questions/easy-choice/").content.decode()
    assert "Statistics" in page and "facility" in page and "(key)" in page
    assert "too hard" in client.get("/author/questions/determinant/?attempts=first").content.decode()
