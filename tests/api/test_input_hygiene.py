"""Hostile input gets a clear 4xx in the one error shape, never a 500 or a redirect: control characters in
paths, query strings and JSON bodies, JSON nested without end, oversize bodies, slash-less API addresses."""

import json

import pytest

pytestmark = pytest.mark.django_db

NUL_ADDRESSES = [
    "/verify/x%00y",
    "/api/v1/certificates/verify/x%00y",
    "/api/v1/learners/a%00b/",
    "/api/v1/exams/x%00/",
    "/exams/x%00/start/",
    "/api/v1/results/?exam=a%00b",
    "/?q=%01",
]


def assert_api_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"error"}
    assert set(response.json()["error"]) == {"code", "message", "details"}
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize("address", NUL_ADDRESSES)
def test_a_control_character_in_an_address_is_a_400(client, address):
    response = client.get(address)
    assert response.status_code == 400
    if address.startswith("/api/"):
        assert_api_error(response, 400, "invalid_characters")
    else:
        assert b"control characters" in response.content


def test_a_nul_in_a_json_body_is_a_400_naming_the_field(api, started):
    url = f"/api/v1/attempts/{started['id']}/answers/1/"
    response = api.put(url, {"answer": "x\x00y"}, format="json")
    assert_api_error(response, 400, "invalid")
    assert "answer" in response.json()["error"]["details"]


def test_a_nul_in_a_page_form_answer_is_refused_not_a_500(client, learner, make_question, make_exam):
    make_question("numeric")
    attempt = make_exam("nul", count=1).start_attempt(learner)
    client.force_login(learner)
    response = client.post(f"/attempts/{attempt.pk}/questions/1/answer", {"answer": "4\x002"})
    assert response.status_code == 302
    assert not hasattr(attempt.questions.get(), "response")


def test_deeply_nested_json_is_a_400(api):
    body = "[" * 100_000 + "]" * 100_000
    response = api.generic("POST", "/api/v1/learners/", body, content_type="application/json")
    assert_api_error(response, 400, "invalid")


def test_an_oversize_body_under_the_api_is_a_json_413(api, settings):
    body = json.dumps(
        {"external_id": "big", "display_name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    )
    response = api.generic("POST", "/api/v1/learners/", body, content_type="application/json")
    assert_api_error(response, 413, "too_large")


def test_an_api_address_without_its_slash_is_served_not_redirected(api):
    response = api.post("/api/v1/learners", {"external_id": "s-1", "display_name": "Slash"}, format="json")
    assert response.status_code == 201
    assert api.get("/api/v1/learners/s-1").json()["external_id"] == "s-1"


def test_an_unknown_api_address_is_a_json_404(api):
    assert_api_error(api.get("/api/v1/no-such-thing"), 404, "not_found")


def test_an_unknown_certificate_is_the_one_error_shape(client):
    assert_api_error(client.get("/api/v1/certificates/verify/unknown"), 404, "not_found")


def test_a_pages_script_gets_its_refusal_as_json(client, learner, make_question, make_exam):
    make_question("numeric")
    attempt = make_exam("script", count=1).start_attempt(learner)
    client.force_login(learner)
    body = json.dumps({"answer": "4\x002"})
    response = client.post(
        f"/attempts/{attempt.pk}/questions/1/answer", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "error": "Text may not contain control characters (such as NUL) or unpaired surrogates.",
    }


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "a\\udc00b"])
def test_an_unpaired_surrogate_in_a_json_answer_is_a_400_not_a_500(
    client, learner, make_question, make_exam, escape
):
    """A JSON escape can name half of a UTF-16 pair, which is no character: PostgreSQL refuses to store it."""
    make_question("expression")
    attempt = make_exam("surrogate", count=1).start_attempt(learner)
    client.force_login(learner)
    body = '{"answer": "' + escape + '"}'
    response = client.post(
        f"/attempts/{attempt.pk}/questions/1/answer", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "unpaired surrogates" in response.json()["error"]
    assert not hasattr(attempt.questions.get(), "response")


def test_an_unpaired_surrogate_in_an_api_answer_is_a_400(api, started):
    url = f"/api/v1/attempts/{started['id']}/answers/1/"
    response = api.put(url, '{"answer": "x\\ud800"}', content_type="application/json")
    assert_api_error(response, 400, "invalid")
    assert "answer" in response.json()["error"]["details"]
