import pytest

from exams.models import Domain, Question, Topic

pytestmark = pytest.mark.django_db

ENTRY = {
    "slug": "api-linear-form",
    "type": "expression",
    "title": "Gradient of a linear form",
    "difficulty": 1,
    "status": "published",
    "stem": "Convention: gradients have the shape of the variable. Find the gradient of $a^T x$.",
    "symbols": {"a": {"shape": ["n", 1]}, "x": {"shape": ["n", 1]}},
    "answer": "a",
    "function": "a^T x",
    "wrt": "x",
    "hints": ["Write it as a sum."],
    "solution": "It is $a$.",
}


def test_questions_can_be_created_read_and_updated_with_validation(api):
    created = api.post("/api/v1/questions/", {"domain": 3, "entry": ENTRY}, format="json")
    assert created.status_code == 201, created.json()
    question = Question.objects.get(slug="api-linear-form")
    assert question.current_version.number == 1
    wrong = {**ENTRY, "answer": "a^T"}
    refused = api.put("/api/v1/questions/api-linear-form/", {"domain": 3, "entry": wrong}, format="json")
    assert refused.status_code == 400
    assert "answer" in refused.json()["error"]["details"]
    better = {**ENTRY, "stem": ENTRY["stem"] + " Show your steps."}
    assert (
        api.put(
            "/api/v1/questions/api-linear-form/", {"domain": 3, "entry": better}, format="json"
        ).status_code
        == 200
    )
    question.refresh_from_db()
    assert question.current_version.number == 2
    assert api.get("/api/v1/questions/api-linear-form/").json()["entry"]["stem"].endswith("Show your steps.")


def test_the_bank_exports_and_imports_yaml_all_or_nothing(api):
    api.post("/api/v1/questions/", {"domain": 3, "entry": ENTRY}, format="json")
    files = api.get("/api/v1/bank/export/").json()["files"]
    assert [file["name"] for file in files] == ["03-derivatives-basics.yaml"]
    broken = files[0]["text"].replace("answer: a\n", "answer: a^T\n")
    response = api.post(
        "/api/v1/bank/import/", {"files": [{"name": "03-x.yaml", "text": broken}]}, format="json"
    )
    assert response.status_code == 422
    problem = response.json()["error"]["details"]["problems"][0]
    assert (problem["file"], problem["slug"], problem["field"]) == ("03-x.yaml", "api-linear-form", "answer")
    same = api.post("/api/v1/bank/import/", {"files": files}, format="json").json()
    assert same == {"created": 0, "updated": 0, "unchanged": 1}


@pytest.mark.parametrize("escape", ["\\0", "\\x07", "\\e"])
def test_a_control_character_written_as_a_yaml_escape_is_refused_by_field(api, escape):
    """A NUL in a JSON body is refused at the door; a YAML escape becomes one only when the file is read."""
    api.post("/api/v1/questions/", {"domain": 3, "entry": ENTRY}, format="json")
    [file] = api.get("/api/v1/bank/export/").json()["files"]
    hostile = file["text"].replace("title: Gradient of a linear form", f'title: "Gradient{escape}of it"')
    assert hostile != file["text"]
    response = api.post(
        "/api/v1/bank/import/", {"files": [{"name": "03-x.yaml", "text": hostile}]}, format="json"
    )
    assert response.status_code == 422
    [problem] = response.json()["error"]["details"]["problems"]
    assert (problem["slug"], problem["field"]) == ("api-linear-form", "title")
    assert "Control characters" in problem["message"]
    assert Question.objects.get(slug="api-linear-form").current_version.content["title"] == ENTRY["title"]


def _bank_file(count: int) -> dict:
    questions = "".join(
        f"""  - slug: numeric-{index}
    type: numeric
    title: Question {index}
    difficulty: 1
    stem: What is {index}?
    answer: '{index}'
    tolerance: {{abs: 1.0e-9}}
    solution: It is {index}.
"""
        for index in range(count)
    )
    return {"name": "03-many.yaml", "text": f"domain: 3\nquestions:\n{questions}"}


def test_an_import_holds_at_most_the_configured_number_of_questions(api, settings):
    settings.BANK_IMPORT_MAX_QUESTIONS = 3
    refused = api.post("/api/v1/bank/import/", {"files": [_bank_file(4)]}, format="json")
    assert refused.status_code == 413
    error = refused.json()["error"]
    assert (error["code"], error["details"]) == ("bank_too_large", {"questions": 4, "limit": 3})
    assert not Question.objects.exists()
    imported = api.post("/api/v1/bank/import/", {"files": [_bank_file(3)]}, format="json")
    assert imported.json() == {"created": 3, "updated": 0, "unchanged": 0}


def test_the_shipped_bank_fits_in_one_import():
    from django.conf import settings

    from exams.bank import read_bank

    assert len(read_bank("exams/bank", validate=False).questions) <= settings.BANK_IMPORT_MAX_QUESTIONS


def test_a_duplicated_key_is_a_clear_error_naming_file_question_and_key(api):
    text = _bank_file(1)["text"].replace("    solution:", "    answer: '2'\n    solution:")
    response = api.post(
        "/api/v1/bank/import/", {"files": [{"name": "03-x.yaml", "text": text}]}, format="json"
    )
    assert response.status_code == 422
    problem = response.json()["error"]["details"]["problems"][0]
    assert (problem["file"], problem["slug"], problem["field"]) == ("03-x.yaml", "numeric-0", "answer")


def test_learners_and_keys_without_the_bank_scope_cannot_touch_the_bank(
    client, learner, integration, key_client
):
    client.force_login(learner)
    assert client.get("/api/v1/questions/").status_code == 403
    assert key_client(integration, ["attempts"]).get("/api/v1/bank/export/").status_code == 403


def test_authors_use_the_bank_api_with_their_session(client, author):
    client.force_login(author)
    assert client.get("/api/v1/questions/").status_code == 200


def test_preview_interprets_an_expression(api):
    body = api.post(
        "/api/v1/preview/",
        {"symbols": {"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}}, "answer": "A x + A' x"},
        format="json",
    ).json()
    assert body["ok"] is True
    assert body["shape"] == "n×1"
    bad = api.post(
        "/api/v1/preview/", {"symbols": {"A": {"shape": ["n", "n"]}}, "answer": "A +"}, format="json"
    ).json()
    assert bad["ok"] is False and bad["error"]
    broken_symbols = api.post(
        "/api/v1/preview/", {"symbols": {"A": {"shape": "big"}}, "answer": "A"}, format="json"
    )
    assert broken_symbols.status_code == 400


def test_a_question_names_one_of_its_domains_topics_in_the_entry(api):
    Topic.objects.create(domain=Domain.objects.get(number=3), slug="linear-forms", title="Linear forms")
    unknown = api.post(
        "/api/v1/questions/", {"domain": 3, "entry": {**ENTRY, "topic": "quadratic-forms"}}, format="json"
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"]["details"]["topic"] == [
        "'quadratic-forms' is not a topic of domain 3 (its topics: linear-forms)."
    ]
    created = api.post(
        "/api/v1/questions/", {"domain": 3, "entry": {**ENTRY, "topic": "linear-forms"}}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["entry"]["topic"] == "linear-forms"
    assert Question.objects.get(slug="api-linear-form").topic == "linear-forms"
    moved = api.put(
        "/api/v1/questions/api-linear-form/", {"domain": 3, "entry": {**ENTRY, "topic": ""}}, format="json"
    )
    assert moved.status_code == 200
    assert "topic" not in moved.json()["entry"]
    assert Question.objects.get(slug="api-linear-form").current_version.number == 1


@pytest.mark.parametrize("topic", ["bad\x00topic", "x" * 101, "Not A Slug", 7])
def test_a_malformed_topic_is_a_clear_error(api, topic):
    response = api.post(
        "/api/v1/questions/", {"domain": 3, "entry": {**ENTRY, "topic": topic}}, format="json"
    )
    assert response.status_code == 400
    assert "topic" in response.json()["error"]["details"]
