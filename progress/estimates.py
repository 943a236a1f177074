"""Mastery and readiness estimates from a learner's graded results: plain Python, no Django.

Mastery of a domain is an exponentially weighted mean of the learner's results in it, newest first: the
result of the k-th most recent attempt that had the domain's questions weighs DECAY**k (a half-life of
HALF_LIFE attempts), times its number of marks. Each mark counts as a trial, so the uncertainty follows from
the effective number of trials n_eff = (Σw)² / Σw² (Kish): with one Laplace pseudo-success and pseudo-failure
(so that a perfect or empty record is never certain), p̂ = (Σ w·x + 1) / (Σw + 2) and its standard error
√(p̂(1 − p̂) / (n_eff + 2)). The bounds are p̂ ± Z·se, clipped to [0, 1]: a one-sided 95 % bound each.

Readiness for a certifying exam combines the domains as its blueprint weighs them: the expected score is
Σ share·p̂, its standard error √(Σ share²·se²); "likely to pass" once the lower bound clears the pass mark.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HALF_LIFE = 3.0  # attempts
DECAY = 0.5 ** (1 / HALF_LIFE)
Z = 1.645  # one-sided 95 %
MIN_EVIDENCE = 3.0  # effective marks before a domain's estimate is used for advice


@dataclass(frozen=True)
class Result:
    """One attempt's marks in one domain."""

    earned: float
    possible: float


@dataclass(frozen=True)
class Estimate:
    mean: float  # 0 to 1
    stderr: float
    evidence: float  # effective number of marks (n_eff)

    @property
    def low(self) -> float:
        return max(0.0, self.mean - Z * self.stderr)

    @property
    def high(self) -> float:
        return min(1.0, self.mean + Z * self.stderr)

    @property
    def enough(self) -> bool:
        return self.evidence >= MIN_EVIDENCE


def mastery(results_oldest_first: Iterable[Result]) -> Estimate | None:
    """The exponentially weighted estimate of one domain; None without any marks."""
    results = [result for result in results_oldest_first if result.possible > 0]
    if not results:
        return None
    weight_sum = weighted_score = weight_squares = 0.0
    for age, result in enumerate(reversed(results)):
        weight = DECAY**age
        weight_sum += weight * result.possible
        weighted_score += weight * result.earned
        weight_squares += weight**2 * result.possible
    evidence = weight_sum**2 / weight_squares
    mean = (weighted_score + 1) / (weight_sum + 2)
    return Estimate(mean=mean, stderr=math.sqrt(mean * (1 - mean) / (evidence + 2)), evidence=evidence)


@dataclass(frozen=True)
class Readiness:
    estimate: Estimate | None  # None until every domain of the blueprint has enough evidence
    missing: tuple[int, ...]  # domains without enough evidence yet
    pass_mark: float  # 0 to 1

    @property
    def likely_to_pass(self) -> bool:
        return self.estimate is not None and self.estimate.low >= self.pass_mark

    @property
    def verdict(self) -> str:
        if self.estimate is None:
            return "not enough evidence yet"
        if self.likely_to_pass:
            return "likely to pass"
        if self.estimate.mean >= self.pass_mark:
            return "borderline"
        return "not ready yet"


def readiness(shares: Mapping[int, float], domains: Mapping[int, Estimate], pass_mark: float) -> Readiness:
    """The expected score on an exam whose blueprint gives each domain `shares[d]` of the marks."""
    missing = tuple(sorted(d for d in shares if d not in domains or not domains[d].enough))
    if missing or not shares:
        return Readiness(estimate=None, missing=missing, pass_mark=pass_mark)
    total = sum(shares.values())
    mean = sum(share * domains[d].mean for d, share in shares.items()) / total
    stderr = math.sqrt(sum((share / total) ** 2 * domains[d].stderr ** 2 for d, share in shares.items()))
    evidence = sum(domains[d].evidence for d in shares)
    return Readiness(estimate=Estimate(mean, stderr, evidence), missing=(), pass_mark=pass_mark)


def weakest(domains: Mapping[int, Estimate]) -> int | None:
    """The domain to practise next: the lowest estimate among those with enough evidence."""
    candidates = [(estimate.mean, number) for number, estimate in domains.items() if estimate.enough]
    return min(candidates)[1] if candidates else None
