"""The learner's dashboard: attempts, best scores, a score chart per exam, mastery per domain, what to
practise next and readiness for the certifying exam (see progress/estimates.py for the estimates).

Each attempt contributes only what its exam's review policy shows the learner: its score to the charts
and best scores, its per-domain marks to the mastery estimates.
"""

from dataclasses import dataclass

from django.utils import timezone

from exams.models import Attempt, Domain, Exam
from exams.results import ReviewItem
from progress import estimates
from progress.charts import ScoreChart, score_chart


@dataclass(frozen=True)
class ExamProgress:
    exam: Exam
    chart: ScoreChart


@dataclass(frozen=True)
class DomainMastery:
    domain: Domain
    estimate: estimates.Estimate | None
    drill: Exam | None

    @property
    def percent(self) -> int | None:
        return None if self.estimate is None else round(100 * self.estimate.mean)

    @property
    def low_percent(self) -> int | None:
        return None if self.estimate is None else round(100 * self.estimate.low)

    @property
    def high_percent(self) -> int | None:
        return None if self.estimate is None else round(100 * self.estimate.high)

    @property
    def range_percent(self) -> int | None:
        return (
            None
            if self.estimate is None
            else round(100 * self.estimate.high) - round(100 * self.estimate.low)
        )


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
    mastery = domain_mastery(by_domain)
    by_number = {entry.domain.number: entry for entry in mastery}
    next_number = estimates.weakest({number: e.estimate for number, e in by_number.items() if e.estimate})
    return {
        "attempts": list(reversed(attempts)),
        "score_shown": {pk for pk, shown in shows.items() if ReviewItem.SCORE in shown},
        "best": sorted(best.values(), key=lambda attempt: attempt.exam.position),
        "exam_charts": exam_charts(scored),
        "mastery": mastery,
        "practise_next": by_number.get(next_number) if next_number is not None else None,
        "readiness": certifying_readiness(by_number),
        "certificates": list(user.certificates.all()),
    }


def exam_charts(scored):
    """One chart per exam the learner has a shown score in, in catalogue order."""
    per_exam: dict[int, list[Attempt]] = {}
    for attempt in scored:
        per_exam.setdefault(attempt.exam_id, []).append(attempt)
    charts = []
    for attempts in per_exam.values():
        exam = attempts[0].exam
        scores = [
            (
                attempt.submitted_at or attempt.started_at,
                attempt.percent,
                None if exam.is_practice else attempt.passed,
            )
            for attempt in attempts
        ]
        charts.append(ExamProgress(exam, score_chart(scores, None if exam.is_practice else exam.pass_mark)))
    return sorted(charts, key=lambda entry: (entry.exam.position, entry.exam.title))


def domain_mastery(graded):
    """Every domain's estimate from the attempts' per-domain marks (oldest first), with its drill."""
    results: dict[int, list[estimates.Result]] = {}
    for attempt in graded:
        for number, entry in attempt.domain_scores.items():
            results.setdefault(int(number), []).append(estimates.Result(entry["earned"], entry["possible"]))
    drills = domain_drills()
    return [
        DomainMastery(domain, estimates.mastery(results.get(domain.number, [])), drills.get(domain.number))
        for domain in Domain.objects.order_by("number")
    ]


def domain_drills():
    """Published practice exams on a single domain, by domain number."""
    return {
        exam.blueprint[0].get("domain"): exam
        for exam in Exam.objects.filter(mode=Exam.Mode.PRACTICE, is_published=True)
        if len(exam.blueprint) == 1
    }


def blueprint_shares(exam):
    """How many of the exam's questions each domain has (parts without a domain are left out)."""
    shares: dict[int, float] = {}
    for part in exam.blueprint:
        if part.get("domain") is not None:
            shares[int(part["domain"])] = shares.get(int(part["domain"]), 0) + part.get("count", 1)
    return shares


def certifying_readiness(by_number):
    """Readiness for the first published certifying exam, or None when there is none."""
    exam = Exam.objects.filter(certifies=True, is_published=True).order_by("position", "pk").first()
    if exam is None:
        return None
    known = {number: entry.estimate for number, entry in by_number.items() if entry.estimate is not None}
    shares = blueprint_shares(exam) or {number: 1.0 for number in by_number}
    estimate = estimates.readiness(shares, known, exam.pass_mark / 100)
    names = [
        f"{number}. {by_number[number].domain.name}" for number in estimate.missing if number in by_number
    ]
    return {"exam": exam, "estimate": estimate, "missing_names": names}
