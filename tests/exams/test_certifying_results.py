"""The shipped certifying exam's results show the score, the domains, which answers were right and the
feedback, but never a key or a worked solution, in the page and in the API; practice results show all."""

import pytest

from exams.models import Exam

pytestmark = pytest.mark.django_db


def take(client, learner, slug, capture):
    """Start the exam, answer each choice question with its key and the rest with its key, submit."""
    client.force_login(learner)
    attempt = Exam.objects.get(slug=slug).start_attempt(learner)
    for item in attempt.questions.select_related("version")[:6]:
        attempt.save_answer(item.position, item.key())
    with capture(execute=True):
        attempt.submit()
    return attempt


def strings(data):
    if isinstance(data, dict):
        return [text for value in data.values() for text in strings(value)]
    if isinstance(data, list):
        return [text for value in data for text in strings(value)]
    return [data] if isinstance(data, str) else []


def test_certifying_results_show_no_key_and_no_solution(
    shipped_bank, client, learner, django_capture_on_commit_callbacks
):
    attempt = take(client, learner, "full-practice-exam", django_capture_on_commit_callbacks)
    items = list(attempt.questions.select_related("version"))

    html = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert "Score: 15.0%" in html and 'class="domain-table"' in html
    assert html.count('class="card review-item"') == 40
    assert html.count("verdict verdict-correct") == 6
    assert "key-mark" not in html and "(correct)" not in html and "Expected:" not in html
    assert "Worked solution" not in html and 'class="solution"' not in html
    assert "This exam does not show its keys or worked solutions here" in html

    result = client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()
    assert result["shows"] == ["correctness", "domains", "feedback", "score"]
    assert result["score_percent"] == 15.0 and result["domain_scores"]
    assert all({"key", "solution"}.isdisjoint(row) for row in result["questions"])
    assert all("correct" not in option for row in result["questions"] for option in row.get("options", []))
    served = set(strings(result))
    assert not served & {item.content["solution"] for item in items}
    typed_keys = {item.content["answer"] for item in items if not item.is_choice}
    answered = {item.content["answer"] for item in items[:6] if not item.is_choice}
    assert not served & (typed_keys - answered)  # keys only where the learner typed them


def test_practice_results_show_keys_and_solutions(
    shipped_bank, client, learner, django_capture_on_commit_callbacks
):
    attempt = take(client, learner, "drill-calculus-rules", django_capture_on_commit_callbacks)
    html = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert html.count("Worked solution") == 10
    assert "(correct)" in html or "Expected:" in html
    result = client.get(f"/api/v1/attempts/{attempt.pk}/result/").json()
    assert len(result["questions"]) == 10
    assert all({"key", "solution"} <= set(row) for row in result["questions"])
