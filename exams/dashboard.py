"""The learner's dashboard: attempts, best scores, scores over time per domain, weakest domains."""

from django.utils import timezone

from exams.models import Attempt, Domain, Exam
from exams.results import ReviewItem

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 560, 200, 24
WEAKEST_COUNT = 3


def learner_summary(user, now=None):
    """Everything on the dashboard, showing of each attempt only what its exam's review policy shows."""
    now = now or timezone.now()
    attempts = list(user.attempts.select_related("exam").order_by("started_at"))
    shows = {attempt.pk: attempt.review_shows(now) for attempt in attempts}
    graded = [attempt for attempt in attempts if attempt.status == Attempt.Status.GRADED]
    scored = [attempt for attempt in graded if ReviewItem.SCORE in shows[attempt.pk]]
    by_domain = [attempt for attempt in graded if ReviewItem.DOMAINS in shows[attempt.pk]]
    best = {}
    for attempt in scored:
        if attempt.exam_id not in best or attempt.score > best[attempt.exam_id].score:
            best[attempt.exam_id] = attempt
    return {
        "attempts": list(reversed(attempts)),
        "score_shown": {pk for pk, shown in shows.items() if ReviewItem.SCORE in shown},
        "best": sorted(best.values(), key=lambda attempt: attempt.exam.position),
        "chart": domain_chart(by_domain),
        "weakest": weakest_domains(by_domain),
        "certificates": list(user.certificates.all()),
    }


def domain_percentages(attempt):
    return {
        int(number): 100 * entry["earned"] / entry["possible"]
        for number, entry in attempt.domain_scores.items()
        if entry["possible"]
    }


def domain_chart(graded):
    """One polyline per domain: the domain's score in each graded attempt that had its questions, in order."""
    if not graded:
        return None
    step = (CHART_WIDTH - 2 * CHART_PAD) / max(1, len(graded) - 1)
    series = {}
    for index, attempt in enumerate(graded):
        x = CHART_PAD + index * step
        for number, percent in domain_percentages(attempt).items():
            y = CHART_HEIGHT - CHART_PAD - percent / 100 * (CHART_HEIGHT - 2 * CHART_PAD)
            series.setdefault(number, []).append((round(x, 1), round(y, 1)))
    names = dict(Domain.objects.values_list("number", "name"))
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "pad": CHART_PAD,
        "series": [
            {
                "number": number,
                "name": names[number],
                "points": " ".join(f"{x},{y}" for x, y in points),
                "dots": points,
            }
            for number, points in sorted(series.items())
        ],
        "gridlines": [
            {
                "percent": percent,
                "y": CHART_HEIGHT - CHART_PAD - percent / 100 * (CHART_HEIGHT - 2 * CHART_PAD),
            }
            for percent in (0, 50, 70, 100)
        ],
    }


def weakest_domains(graded):
    """Domains by average score over the learner's graded attempts, lowest first, with their drill."""
    totals = {}
    for attempt in graded:
        for number, entry in attempt.domain_scores.items():
            earned, possible = totals.get(int(number), (0.0, 0))
            totals[int(number)] = (earned + entry["earned"], possible + entry["possible"])
    averages = sorted(
        (earned / possible, number) for number, (earned, possible) in totals.items() if possible
    )
    domains = {domain.number: domain for domain in Domain.objects.all()}
    drills = {
        exam.blueprint[0].get("domain"): exam
        for exam in Exam.objects.filter(mode=Exam.Mode.PRACTICE, is_published=True)
        if len(exam.blueprint) == 1
    }
    return [
        {"domain": domains[number], "percent": round(100 * average), "drill": drills.get(number)}
        for average, number in averages[:WEAKEST_COUNT]
    ]
