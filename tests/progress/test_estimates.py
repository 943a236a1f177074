"""The mastery and readiness estimates (progress/estimates.py): plain functions, no database."""

import pytest

from progress.estimates import DECAY, MIN_EVIDENCE, Estimate, Result, mastery, readiness, weakest


def test_no_marks_gives_no_estimate():
    assert mastery([]) is None
    assert mastery([Result(0, 0)]) is None


def test_recent_results_count_more_than_old_ones():
    improving = mastery([Result(0, 5), Result(0, 5), Result(5, 5), Result(5, 5)])
    declining = mastery([Result(5, 5), Result(5, 5), Result(0, 5), Result(0, 5)])
    assert improving.mean > 0.5 > declining.mean
    assert improving.mean == pytest.approx(1 - declining.mean)


def test_the_weights_halve_every_three_attempts():
    assert DECAY**3 == pytest.approx(0.5)


def test_more_evidence_narrows_the_range_and_a_perfect_record_is_never_certain():
    one = mastery([Result(1, 1)])
    many = mastery([Result(5, 5)] * 6)
    assert one.high - one.low > many.high - many.low
    assert many.mean < 1 and many.low < many.mean
    assert not one.enough and many.enough
    assert one.evidence == pytest.approx(1)


def test_the_effective_number_of_marks_discounts_old_attempts():
    estimate = mastery([Result(3, 5), Result(3, 5)])
    weights = [DECAY, 1.0]
    expected = sum(5 * w for w in weights) ** 2 / sum(5 * w**2 for w in weights)
    assert estimate.evidence == pytest.approx(expected)
    assert estimate.evidence < 10


def test_what_to_practise_next_is_the_weakest_domain_with_enough_evidence():
    domains = {
        1: Estimate(mean=0.9, stderr=0.05, evidence=10),
        2: Estimate(mean=0.4, stderr=0.1, evidence=8),
        3: Estimate(mean=0.1, stderr=0.3, evidence=MIN_EVIDENCE - 1),  # weaker, but too little evidence
    }
    assert weakest(domains) == 2
    assert weakest({3: domains[3]}) is None


def test_readiness_says_likely_to_pass_only_once_the_lower_bound_clears_the_pass_mark():
    strong = {d: Estimate(mean=0.9, stderr=0.03, evidence=20) for d in (1, 2)}
    assert readiness({1: 5, 2: 5}, strong, 0.7).verdict == "likely to pass"
    close = {d: Estimate(mean=0.75, stderr=0.1, evidence=5) for d in (1, 2)}
    result = readiness({1: 5, 2: 5}, close, 0.7)
    assert result.estimate.mean >= 0.7 > result.estimate.low
    assert (result.likely_to_pass, result.verdict) == (False, "borderline")
    assert (
        readiness({1: 5, 2: 5}, {d: Estimate(0.4, 0.05, 20) for d in (1, 2)}, 0.7).verdict == "not ready yet"
    )


def test_readiness_waits_for_evidence_in_every_domain_of_the_blueprint():
    result = readiness({1: 5, 2: 5}, {1: Estimate(0.9, 0.03, 20)}, 0.7)
    assert (result.estimate, result.missing, result.verdict) == (None, (2,), "not enough evidence yet")


def test_readiness_weighs_domains_as_the_blueprint_does():
    domains = {1: Estimate(1.0, 0.0, 20), 2: Estimate(0.0, 0.0, 20)}
    assert readiness({1: 3, 2: 1}, domains, 0.7).estimate.mean == pytest.approx(0.75)
