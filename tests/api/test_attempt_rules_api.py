"""How the API answers the attempt rules: 201 only for a new attempt, typed refusals, an expired attempt
submitted through the API is finalized as of its deadline, stale saves are answered saved: false."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exams.models import Attempt

pytestmark = pytest.mark.django_db


def expire(attempt_id):
    deadline = timezone.now() - timedelta(hours=3)
    Attempt.objects.filter(pk=attempt_id).update(
        deadline=deadline, started_at=deadline - timedelta(minutes=10)
    )
    return deadline


def test_a_new_attempt_after_an_expired_one_is_201(api, started):
    expire(started["id"])
    again = api.post("/api/v1/attempts/", {"exam": "api-exam", "learner": "u-1"}, format="json")
    assert again.status_code == 201
    assert again.json()["id"] != started["id"]


def test_submitting_an_expired_attempt_records_the_deadline_not_the_learner(api, started):
    deadline = expire(started["id"])
    response = api.post(f"/api/v1/attempts/{started['id']}/submit/")
    assert response.status_code == 202
    attempt = Attempt.objects.get(pk=started["id"])
    assert attempt.submitted_at == deadline
    assert attempt.finalized_by == Attempt.FinalizedBy.ACCESS


def test_a_stale_save_is_answered_saved_false(api, started):
    numeric = next(question for question in started["questions"] if question["type"] == "numeric")
    url = f"/api/v1/attempts/{started['id']}/answers/{numeric['position']}/"
    now = timezone.now()
    assert api.put(url, {"answer": "2", "saved_at": now.isoformat()}, format="json").json()["saved"] is True
    older = (now - timedelta(seconds=3)).isoformat()
    stale = api.put(url, {"answer": "1", "saved_at": older}, format="json")
    assert stale.status_code == 200
    assert stale.json()["saved"] is False
    questions = api.get(f"/api/v1/attempts/{started['id']}/").json()["questions"]
    assert questions[numeric["position"] - 1]["answer"] == "2"


def test_a_saved_at_outside_the_attempt_is_invalid(api, started):
    url = f"/api/v1/attempts/{started['id']}/answers/1/"
    response = api.put(url, {"answer": "2", "saved_at": "0001-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_answer"
    assert "saved_at" in response.json()["error"]["details"]


def test_saving_to_a_submitted_attempt_is_attempt_closed(api, started):
    api.post(f"/api/v1/attempts/{started['id']}/submit/")
    response = api.put(f"/api/v1/attempts/{started['id']}/answers/1/", {"answer": "2"}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "attempt_closed")


def test_times_end_in_z_and_the_etag_is_stable(api, started):
    url = f"/api/v1/attempts/{started['id']}/"
    first = api.get(url)
    assert first.json()["server_now"].endswith("Z")
    assert first.json()["deadline"].endswith("Z")
    assert api.get(url)["ETag"] == first["ETag"]
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
