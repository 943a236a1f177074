"""The end checks, read from the database: nothing a learner was told was saved is missing, every submitted
attempt is graded exactly once, and no certificate or webhook is duplicated or missing."""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from benchmarks.load.learner import Ledger


@dataclass
class Check:
    name: str
    passed: bool
    detail: str = ""
    problems: list[str] = field(default_factory=list)


def _normal(answer):
    return sorted(set(answer)) if isinstance(answer, list) else answer


def _same_moment(stored: datetime, text: str | None) -> bool:
    if text is None:
        return False
    return abs((stored - datetime.fromisoformat(text.replace("Z", "+00:00"))).total_seconds()) < 1e-6


def check_answers(ledger: Ledger) -> Check:
    """Each question a learner was told was saved holds the learner's latest confirmed answer, with the stamp
    the server confirmed (a later form save may only move the stamp forward, with the same answer)."""
    from exams.models import Response

    confirmed_positions = {
        key: records
        for key, records in ledger.records.items()
        if any(r.outcome == "confirmed" for r in records)
    }
    stored = {
        (str(attempt), position): response
        for attempt, position, response in (
            (r.attempt_question.attempt_id, r.attempt_question.position, r)
            for r in Response.objects.filter(
                attempt_question__attempt_id__in={attempt for attempt, _ in confirmed_positions}
            ).select_related("attempt_question")
        )
    }
    problems, unconfirmed_newer, confirmations = [], 0, 0
    for key, records in confirmed_positions.items():
        confirmed = [r for r in records if r.outcome == "confirmed"]
        confirmations += len(confirmed)
        latest = max(confirmed, key=lambda r: (r.seq, r.via == "form"))
        response = stored.get(key)
        label = f"attempt {key[0]} question {key[1]}"
        if response is None:
            problems.append(f"{label}: confirmed {latest.answer!r} but nothing is stored")
            continue
        if _normal(response.answer) != _normal(latest.answer):
            newer = [
                r for r in records if r.seq > latest.seq and _normal(r.answer) == _normal(response.answer)
            ]
            if newer:  # sent later, stored, but its answer never reached the learner: not a loss
                unconfirmed_newer += 1
                continue
            problems.append(
                f"{label}: confirmed {latest.answer!r} (change {latest.seq}) "
                f"but {response.answer!r} is stored"
            )
            continue
        json_stamps = [r for r in confirmed if r.via == "json" and r.returned_saved_at]
        newest_stamp = max((datetime.fromisoformat(r.returned_saved_at) for r in json_stamps), default=None)
        if newest_stamp is not None and response.saved_at < newest_stamp:
            problems.append(
                f"{label}: stored stamp {response.saved_at} is older than the confirmed {newest_stamp}"
            )
        elif latest.via == "json" and not any(
            _same_moment(response.saved_at, r.returned_saved_at) for r in json_stamps
        ):
            # A newer stamp on the same answer comes from a save sent at or after the latest confirmed one:
            # a form post (stamped on arrival), or a save whose reply the learner never heard (the tab was
            # closed, the request cut off). Anything else stamped this answer from nowhere.
            same_later = [
                r
                for r in records
                if r.seq >= latest.seq
                and _normal(r.answer) == _normal(response.answer)
                and r is not latest
                and (r.via == "form" or r.outcome != "confirmed")
            ]
            if not same_later:
                problems.append(f"{label}: stored stamp {response.saved_at} is none of the confirmed stamps")
    detail = (
        f"{confirmations} confirmed saves on {len(confirmed_positions)} questions "
        "checked against the database"
        + (
            f"; {unconfirmed_newer} hold a newer answer whose confirmation the learner never heard"
            if unconfirmed_newer
            else ""
        )
    )
    return Check("every confirmed answer is stored (value and stamp)", not problems, detail, problems)


def check_grading(learner_emails: list[str], worker_log: str) -> list[Check]:
    """Every submitted attempt is graded, once: one grading pass (every response stamped with the attempt's
    graded_at), and no attempt left open past its deadline and grace period."""
    from django.conf import settings
    from django.utils import timezone

    from exams.models import Attempt

    attempts = list(
        Attempt.objects.filter(learner__email__in=learner_emails).prefetch_related("questions__response")
    )
    submitted = [a for a in attempts if a.status != Attempt.Status.OPEN]
    ungraded = [a for a in submitted if a.status != Attempt.Status.GRADED]
    problems = [f"attempt {a.pk} is still {a.status} (submitted {a.submitted_at:%H:%M:%S})" for a in ungraded]
    for attempt in submitted:
        if attempt.status != Attempt.Status.GRADED:
            continue
        stamps = {
            item.response.graded_at
            for item in attempt.questions.all()
            if hasattr(item, "response") and item.response.graded_at is not None
        }
        if stamps - {attempt.graded_at} or attempt.score is None:
            problems.append(
                f"attempt {attempt.pk}: responses graded at {sorted(stamps)}, attempt at {attempt.graded_at}"
            )
    grace = settings.EXAM_GRACE_SECONDS
    now = timezone.now()
    overdue = [
        a
        for a in attempts
        if a.status == Attempt.Status.OPEN and a.deadline and (now - a.deadline).total_seconds() > grace + 5
    ]
    runs = Counter(re.findall(r"grade_attempt\[[0-9a-f-]+\] received", worker_log))
    task_runs = sum(runs.values())
    checks = [
        Check(
            "every submitted attempt is graded exactly once",
            not problems,
            f"{len(submitted) - len(ungraded)}/{len(submitted)} submitted attempts graded "
            f"({task_runs} grading task runs in the worker log)",
            problems,
        ),
        Check(
            "no attempt left open past its deadline",
            not overdue,
            f"{len(overdue)} open past deadline + {grace} s grace",
            [f"attempt {a.pk}: deadline {a.deadline:%H:%M:%S}" for a in overdue],
        ),
    ]
    return checks


def check_certificates_and_webhooks(learner_emails: list[str], received: dict) -> list[Check]:
    """One certificate per learner and exam, issued for every passed attempt of a certifying exam; one
    webhook delivery per event, each received (a receiver may see a delivery twice: at-least-once)."""
    from certificates.models import Certificate
    from exams.models import Attempt
    from integrations.models import WebhookDelivery

    certificates = list(Certificate.objects.filter(learner__email__in=learner_emails))
    per_learner_exam = Counter((c.learner_id, c.exam_id) for c in certificates)
    duplicates = [key for key, count in per_learner_exam.items() if count > 1]
    passed = Attempt.objects.filter(
        learner__email__in=learner_emails, status=Attempt.Status.GRADED, passed=True, exam__certifies=True
    )
    missing = [a for a in passed if (a.learner_id, a.exam_id) not in per_learner_exam]
    certificate_check = Check(
        "no duplicate or missing certificate",
        not duplicates and not missing,
        f"{len(certificates)} certificates for {passed.count()} passing attempts",
        [f"duplicate certificate for {key}" for key in duplicates]
        + [f"attempt {a.pk} passed but has no certificate" for a in missing],
    )

    deliveries = list(WebhookDelivery.objects.filter(endpoint__url__startswith="http://127.0.0.1"))
    per_key = Counter((d.endpoint_id, d.event_key) for d in deliveries)
    graded = Attempt.objects.filter(learner__email__in=learner_emails, status=Attempt.Status.GRADED)
    graded_keys = {f"attempt.graded:{a.pk}" for a in graded}
    certificate_keys = {f"certificate.issued:{c.code}" for c in certificates}
    delivered_keys = {d.event_key for d in deliveries}
    problems = [f"{key} queued {n} times" for (_, key), n in per_key.items() if n > 1]
    problems += [
        f"no delivery queued for {key}" for key in sorted((graded_keys | certificate_keys) - delivered_keys)
    ]
    not_sent = [d for d in deliveries if d.status != WebhookDelivery.Status.SUCCEEDED]
    problems += [f"delivery {d.pk} ({d.event_key}) is {d.status}: {d.last_error}" for d in not_sent]
    received_ids = Counter(received.get("ids", []))
    unreceived = [d for d in deliveries if str(d.pk) not in received_ids and d.status == "succeeded"]
    problems += [f"delivery {d.pk} marked delivered but never received" for d in unreceived]
    bad_signatures = received.get("bad_signatures", 0)
    if bad_signatures:
        problems.append(f"{bad_signatures} deliveries with a bad signature")
    repeats = sum(count - 1 for count in received_ids.values() if count > 1)
    webhook_check = Check(
        "one webhook delivery per event, every one received",
        not problems,
        f"{len(deliveries)} deliveries ({len(graded_keys)} attempt.graded, "
        f"{len(certificate_keys)} certificate.issued);"
        f" {sum(received_ids.values())} POSTs received, {repeats} repeated deliveries",
        problems,
    )
    return [certificate_check, webhook_check]


def deadline_report(learner_emails: list[str]) -> tuple[dict, Check | None]:
    """How attempts closed by their deadline were stamped: issue 18 wants `submitted_at` = the deadline,
    whoever finalizes it (the worker's ETA task, the sweep, or the learner's next visit)."""
    from exams.models import Attempt

    closed = Attempt.objects.filter(
        learner__email__in=learner_emails, deadline__isnull=False, submitted_at__isnull=False
    ).exclude(finalized_by=Attempt.FinalizedBy.LEARNER)
    lags = defaultdict(list)
    for attempt in closed:
        lags[attempt.finalized_by].append((attempt.submitted_at - attempt.deadline).total_seconds())
    if not lags:
        return {}, None
    wrong = sum(1 for values in lags.values() for lag in values if abs(lag) > 1e-3)
    total = sum(len(values) for values in lags.values())
    detail = "; ".join(
        f"{by}: {len(values)} attempts, submitted_at − deadline {min(values):.1f}…{max(values):.1f} s"
        for by, values in sorted(lags.items())
    )
    return dict(lags), Check(
        "deadline finalization records the deadline as submitted_at",
        not wrong,
        f"{total - wrong}/{total} stamped with their deadline — {detail}",
    )


def grading_latencies(learner_emails: list[str], result_seen: dict) -> tuple[list[float], list[float]]:
    """Seconds from submission to graded (by the learner's own submit), and from graded to the moment the
    results page showing the result arrived (after the poll that saw it graded, or at once)."""
    from exams.models import Attempt

    graded = Attempt.objects.filter(
        learner__email__in=learner_emails,
        status=Attempt.Status.GRADED,
        finalized_by=Attempt.FinalizedBy.LEARNER,
    )
    grading, shown = [], []
    for attempt in graded:
        grading.append((attempt.graded_at - attempt.submitted_at).total_seconds())
        seen = result_seen.get(str(attempt.pk))
        if seen is not None:
            shown.append(seen - attempt.graded_at.timestamp())
    return grading, shown


def verdict_counts(learner_emails: list[str]) -> list[tuple[str, int]]:
    """How the graded answers came out (`review`: a grading failure that was not the learner's)."""
    from django.db.models import Count

    from exams.models import Response

    rows = (
        Response.objects.filter(
            attempt_question__attempt__learner__email__in=learner_emails, graded_at__isnull=False
        )
        .values_list("verdict")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return list(rows)


def worker_log(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
