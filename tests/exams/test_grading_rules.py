"""How an answer scores, for each of the six question types."""

import pytest

from exams.question_types import grade

CHOICES = [
    {"id": "a", "text": "right", "correct": True, "feedback": ""},
    {"id": "b", "text": "also right", "correct": True, "feedback": ""},
    {"id": "c", "text": "wrong", "correct": False, "feedback": ""},
    {"id": "d", "text": "wrong too", "correct": False, "feedback": ""},
]
SINGLE = {"type": "single_choice", "options": [dict(CHOICES[0]), dict(CHOICES[2]), dict(CHOICES[3])]}
MULTIPLE = {"type": "multiple_choice", "options": CHOICES}
NUMERIC = {"type": "numeric", "answer": "2.5", "abs_tolerance": 0.01, "rel_tolerance": None}
MATRIX = {"type": "matrix", "answer": "[[1, 2], [3, 4]]", "abs_tolerance": 1e-6, "rel_tolerance": None}
SHAPE = {"type": "shape", "answer": "m×n"}
EXPRESSION = {
    "type": "expression",
    "answer": "(A + A^T) x",
    "symbols": {"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}},
}


@pytest.mark.parametrize(
    ("question", "response", "score", "verdict"),
    [
        (SINGLE, ["a"], 1.0, "correct"),
        (SINGLE, ["c"], 0.0, "incorrect"),
        (SINGLE, [], 0.0, "invalid"),
        (MULTIPLE, ["a", "b"], 1.0, "correct"),
        (MULTIPLE, ["a"], 0.5, "partial"),
        (MULTIPLE, ["a", "b", "c"], 0.5, "partial"),
        (MULTIPLE, ["a", "c"], 0.0, "incorrect"),
        (MULTIPLE, ["c", "d"], 0.0, "incorrect"),
        (NUMERIC, "2.5", 1.0, "correct"),
        (NUMERIC, "5/2", 1.0, "correct"),
        (NUMERIC, "2.505", 1.0, "correct"),
        (NUMERIC, "2.6", 0.0, "incorrect"),
        (NUMERIC, "two and a half", 0.0, "invalid"),
        (MATRIX, "1 2; 3 4", 1.0, "correct"),
        (MATRIX, "[[1, 3], [2, 4]]", 0.0, "incorrect"),
        (MATRIX, "[[1, 2, 3]]", 0.0, "incorrect"),
        (MATRIX, "[[1, 2], [3]]", 0.0, "invalid"),
        (SHAPE, "m x n", 1.0, "correct"),
        (SHAPE, "(m, n)", 1.0, "correct"),
        (SHAPE, "n×m", 0.0, "incorrect"),
        (EXPRESSION, "A x + A' x", 1.0, "correct"),
        (EXPRESSION, "2 A x", 0.0, "incorrect"),
        (EXPRESSION, "A x^T", 0.0, "invalid"),
    ],
)
def test_scores(question, response, score, verdict):
    outcome = grade(question, response)
    assert (outcome.score, outcome.verdict) == (pytest.approx(score), verdict)
    if verdict != "correct":
        assert outcome.message


def test_an_empty_text_answer_is_invalid_not_wrong():
    assert grade(NUMERIC, "   ").verdict == "invalid"


def test_a_choice_answer_of_the_wrong_kind_is_invalid():
    assert grade(SINGLE, "a").verdict == "invalid"


def test_an_expression_diagnosis_is_passed_on():
    outcome = grade(EXPRESSION, "-(A + A^T) x")
    assert outcome.verdict == "incorrect"
    assert "sign" in outcome.diagnosis
    assert outcome.method in ("numeric", "symbolic")


def test_a_transposed_shape_is_explained():
    assert "transpose" in grade(SHAPE, "n x m").message
