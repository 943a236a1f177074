"""Issue 11's proof that option ids reveal nothing: answering every choice question of 100 full practice
exams through the API with the option whose id sorts first (the first three for multiple choice) scores at
chance, where the version's own ids (a, b, … with the key first in the shipped bank) scored 96%."""

import statistics

import pytest

from config.ratelimit import KeyThrottle

EXAMS = 100
CHOICE_TYPES = {"single_choice", "multiple_choice"}


@pytest.fixture
def unthrottled(monkeypatch):
    """A thousand requests in a few seconds are this test's point, not abuse."""
    monkeypatch.setattr(KeyThrottle, "allow_request", lambda self, request, view: True)


def take_with_first_ids(api, commit, learner):
    """Start, answer only the choice questions with the first-sorting ids, submit; the graded rows."""
    started = api.post("/api/v1/attempts/", {"exam": "full-practice-exam", "learner": learner}, format="json")
    assert started.status_code == 201, started.content
    attempt = started.json()
    base = f"/api/v1/attempts/{attempt['id']}"
    for question in attempt["questions"]:
        if question["type"] not in CHOICE_TYPES:
            continue
        ids = sorted(option["id"] for option in question["options"])
        assert not set(ids) & set("abcdefghij"), "an option carries a version's own id"
        answer = ids[:1] if question["type"] == "single_choice" else ids[:3]
        saved = api.put(f"{base}/answers/{question['position']}/", {"answer": answer}, format="json")
        assert saved.status_code == 200, saved.content
    with commit(execute=True):
        assert api.post(f"{base}/submit/").status_code == 202
    result = api.get(f"{base}/result/").json()
    assert result["status"] == "graded"
    return [row for row in result["questions"] if row["type"] in CHOICE_TYPES]


@pytest.mark.django_db
def test_the_first_id_strategy_scores_at_chance_on_choice_questions(
    shipped_bank, api, unthrottled, django_capture_on_commit_callbacks
):
    single, multiple = [], []
    for number in range(EXAMS):
        # A new learner each time: a learner's retakes favour questions with variants, which choice
        # questions mostly lack, so one learner would soon see few choice questions.
        learner = {"external_id": f"learner-{number}", "display_name": f"Learner {number}"}
        assert api.post("/api/v1/learners/", learner, format="json").status_code == 201
        for row in take_with_first_ids(api, django_capture_on_commit_callbacks, learner["external_id"]):
            (single if row["type"] == "single_choice" else multiple).append(row["score"])

    single_accuracy = statistics.fmean(single)
    multiple_mean = statistics.fmean(multiple)
    multiple_full = statistics.fmean(score == 1.0 for score in multiple)
    print(
        f"\nfirst-id strategy over {EXAMS} exams: single choice {single_accuracy:.1%} of {len(single)}; "
        f"multiple choice mean score {multiple_mean:.1%}, fully right {multiple_full:.1%} of {len(multiple)}"
    )
    assert len(single) > 5 * EXAMS and len(multiple) > EXAMS  # the exams really had choice questions
    # Four options each: chance is 25%; the issue allows at most 35%.
    assert single_accuracy <= 0.35
    # Three of five options right in most: three picked at random score 30% on average and are fully
    # right one time in ten.
    assert multiple_mean <= 0.40
    assert multiple_full <= 0.15
