"""Randomized questions through the bank API: hostile or malformed variant declarations are clear 400s."""

import pytest

from exams.models import Question

pytestmark = pytest.mark.django_db

CHOICE = {
    "slug": "api-broadcast-shape",
    "type": "single_choice",
    "title": "Shape of a broadcast sum",
    "difficulty": 1,
    "status": "published",
    "stem": "Convention: NumPy broadcasting. Shapes `({{p}}, 1)` and `(1, {{q}})` give which shape?",
    "options": [
        {"text": "`({{p}}, {{q}})`", "correct": True},
        {"text": "`({{q}}, {{p}})`"},
        {"text": "`({{p}}, 1)`"},
        {"text": "An error", "always": True},
    ],
    "pool": {"show": 3},
    "parameters": {"p": {"int": [2, 6]}, "q": {"int": [2, 6]}},
    "where": ["p != q"],
    "hints": ["Align from the right."],
    "solution": "Sizes of 1 stretch.",
}


def post(api, entry):
    return api.post("/api/v1/questions/", {"domain": 7, "entry": entry}, format="json")


def test_a_pooled_question_with_conditions_round_trips_through_the_api(api):
    assert post(api, CHOICE).status_code == 201
    entry = api.get("/api/v1/questions/api-broadcast-shape/").json()["entry"]
    assert (entry["pool"], entry["where"], entry["options"][3]["always"]) == ({"show": 3}, ["p != q"], True)
    assert Question.objects.get().current_version.content["pool"] == {"show": 3}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"where": ["p != q\x00"]}, "where"),
        ({"where": ["(" * 400 + "p" + ")" * 400]}, "where"),
        ({"where": ["p != q"] * 50}, "where"),
        ({"where": "p != q"}, "where"),
        ({"where": [{"p": 1}]}, "where"),
        ({"where": ["[[p]] * 10 ** 9 > 0"]}, "where"),
        ({"pool": {"show": 10**30}}, "options"),
        ({"pool": {"show": 3, "correct": [1, 2]}}, "options"),
        ({"pool": "4"}, "pool"),
        ({"options": [{"text": "a", "correct": True}, {"text": "b", "always": "yes"}]}, "options"),
        ({"options": [{"text": "a", "correct_if": 3}, {"text": "b"}]}, "options"),
        ({"options": [{"text": "a", "correct_if": "p > q"}, {"text": "b", "correct_if": "p <"}]}, "options"),
        ({"parameters": {"p": {"expr": "9 ** 9 ** 9"}, "q": {"int": [1, 2]}}}, "parameters"),
        ({"parameters": {"p": {"expr": "-" * 100_000 + "1"}, "q": {"int": [1, 2]}}}, "parameters"),
        ({"parameters": {"p": {"expr": "-" * 499 + "1"}, "q": {"int": [1, 2]}}}, "parameters"),
        ({"parameters": {"p": {"int": [1, 10**12]}, "q": {"int": [1, 2]}}}, "parameters"),
        ({"stem": "{{nope}}"}, "stem"),
    ],
)
def test_malformed_variant_declarations_are_refused_with_a_clear_error(api, change, field):
    response = post(api, {**CHOICE, **change})
    assert response.status_code == 400, response.content
    details = response.json()["error"]["details"]
    assert field in details, details
    assert not Question.objects.exists()
