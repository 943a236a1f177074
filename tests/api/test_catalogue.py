import pytest

pytestmark = pytest.mark.django_db


def test_domains_are_listed_in_order(api):
    body = api.get("/api/v1/domains/").json()
    assert [domain["number"] for domain in body] == list(range(1, 9))


def test_exams_show_blueprint_and_timing_but_no_questions(api):
    exams = {exam["slug"]: exam for exam in api.get("/api/v1/exams/").json()}
    full = exams["full-practice-exam"]
    assert full["question_count"] == 40
    assert full["time_limit_minutes"] == 60
    assert full["blueprint"][0] == {"domain": 1, "difficulty": 1, "count": 1}
    assert "questions" not in full


def test_a_learners_session_can_read_the_catalogue(client, learner):
    client.force_login(learner)
    assert client.get("/api/v1/exams/full-practice-exam/").json()["pass_mark"] == 70
