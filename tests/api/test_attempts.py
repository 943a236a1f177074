import json
from datetime import timedelta

import pytest
from django.utils import timezone

from exams.models import Attempt

pytestmark = pytest.mark.django_db


def position_of(attempt, kind):
    return next(q["position"] for q in attempt["questions"] if q["type"] == kind)


def test_starting_shows_questions_as_the_learner_sees_them(started):
    assert started["learner"] == "u-1"
    assert started["status"] == "open"
    assert started["remaining_seconds"] > 590
    assert {"server_now", "deadline"} <= set(started)
    text = json.dumps(started)
    assert "SECRET-SOLUTION" not in text
    assert '"correct"' not in text and '"42"' not in text  # no key of any kind
    choice = next(q for q in started["questions"] if q["type"] == "single_choice")
    assert set(choice["options"][0]) == {"id", "text"}


def test_starting_again_resumes_the_open_attempt(api, started):
    again = api.post("/api/v1/attempts/", {"exam": "api-exam", "learner": "u-1"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == started["id"]


def test_a_learner_of_another_integration_cannot_be_used(
    api, two_question_exam, other_integration, key_client
):
    other = key_client(other_integration)
    other.post("/api/v1/learners/", {"external_id": "c-1", "display_name": "C"}, format="json")
    response = api.post("/api/v1/attempts/", {"exam": "api-exam", "learner": "c-1"}, format="json")
    assert response.status_code == 404


def test_another_integration_cannot_read_the_attempt(started, other_integration, key_client):
    other = key_client(other_integration)
    assert other.get(f"/api/v1/attempts/{started['id']}/").status_code == 404
    assert (
        other.put(f"/api/v1/attempts/{started['id']}/answers/1/", {"answer": "1"}, format="json").status_code
        == 404
    )


def test_save_submit_and_read_the_result(api, started, django_capture_on_commit_callbacks):
    base = f"/api/v1/attempts/{started['id']}"
    saved = api.put(f"{base}/answers/{position_of(started, 'numeric')}/", {"answer": "42"}, format="json")
    assert saved.status_code == 200
    assert saved.json()["saved"] is True
    choice = next(q for q in started["questions"] if q["type"] == "single_choice")
    wrong = next(option["id"] for option in choice["options"] if option["text"] == "$3$")
    answer = {"answer": [wrong]}
    assert api.put(f"{base}/answers/{choice['position']}/", answer, format="json").status_code == 200
    assert api.get(f"{base}/").json()["questions"][0]["answer"] is not None
    assert api.get(f"{base}/result/").status_code == 409  # not submitted yet
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"{base}/submit/").status_code == 202
    result = api.get(f"{base}/result/").json()
    assert result["score_percent"] == 50.0
    assert result["passed"] is True
    assert result["domain_scores"]["2"]["possible"] == 2
    reviewed = {row["verdict"] for row in result["questions"]}
    assert reviewed == {"correct", "incorrect"}
    assert any("SECRET-SOLUTION" in row["solution"] for row in result["questions"])


def test_a_late_save_is_refused_with_the_same_rules_as_the_browser(api, started):
    Attempt.objects.filter(pk=started["id"]).update(deadline=timezone.now() - timedelta(seconds=5))
    response = api.put(
        f"/api/v1/attempts/{started['id']}/answers/1/",
        {"answer": "42", "saved_at": timezone.now().isoformat()},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "time_up"
    assert response.json()["error"]["message"] == "The time limit has passed, so this answer was not saved."


def test_a_bad_answer_is_a_clear_error(api, started):
    base = f"/api/v1/attempts/{started['id']}"
    choice = position_of(started, "single_choice")
    unknown_option = api.put(f"{base}/answers/{choice}/", {"answer": ["zz"]}, format="json")
    assert unknown_option.status_code == 400
    assert unknown_option.json()["error"]["code"] == "invalid_answer"
    assert unknown_option.json()["error"]["message"] == "That is not one of this question's options."
    assert "answer" in unknown_option.json()["error"]["details"]
    missing = api.put(f"{base}/answers/99/", {"answer": "1"}, format="json")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "no_such_question"
    assert api.put(f"{base}/answers/1/", {}, format="json").status_code == 400


def test_a_learners_session_reaches_only_their_own_attempts(client, learner, author, two_question_exam):
    client.force_login(learner)
    mine = client.post("/api/v1/attempts/", {"exam": "api-exam"}, "application/json").json()
    assert client.get(f"/api/v1/attempts/{mine['id']}/").status_code == 200
    client.force_login(author)
    assert client.get(f"/api/v1/attempts/{mine['id']}/").status_code == 404


def test_results_are_listed_filtered_and_paginated(
    api, started, django_capture_on_commit_callbacks, key_client, integration
):
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/attempts/{started['id']}/submit/")
    results = key_client(integration, ["results"])
    body = results.get("/api/v1/results/", {"exam": "api-exam", "learner": "u-1"}).json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == started["id"]
    assert results.get("/api/v1/results/", {"exam": "quick-quiz"}).json()["count"] == 0
    later = (timezone.now() + timedelta(days=1)).isoformat()
    assert results.get("/api/v1/results/", {"since": later}).json()["count"] == 0


def test_learner_certificates_are_listed(
    api, provisioned, certifying_exam, django_capture_on_commit_callbacks
):
    attempt = api.post("/api/v1/attempts/", {"exam": "cert", "learner": "u-1"}, format="json").json()
    for question in attempt["questions"]:
        api.put(
            f"/api/v1/attempts/{attempt['id']}/answers/{question['position']}/",
            {"answer": "2"},
            format="json",
        )
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/attempts/{attempt['id']}/submit/")
    certificates = api.get("/api/v1/learners/u-1/certificates/").json()
    assert len(certificates) == 1
    assert certificates[0]["status"] == "valid"
    verified = api.get(f"/api/v1/certificates/verify/{certificates[0]['code']}").json()
    assert verified["name"] == "Grace Hopper"
