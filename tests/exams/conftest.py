import pytest

from exams.models import Domain, Hint, Option, Question


@pytest.fixture
def make_question(db):
    """Create a valid question of the given type (overriding any field) and record its first version."""

    def make(kind="numeric", options=(), hints=("Think about it.",), **fields):
        defaults = {
            "slug": f"{kind.replace('_', '-')}-{Question.objects.count() + 1}",
            "domain": Domain.objects.get(number=2),
            "type": kind,
            "title": f"A {kind} question",
            "stem": "Compute $1 + 1$.",
            "solution": "It is $2$.",
            "difficulty": 1,
            "status": Question.Status.PUBLISHED,
        }
        defaults.update(TYPE_DEFAULTS.get(kind, {}))
        defaults.update(fields)
        question = Question.objects.create(**defaults)
        for position, (text, correct) in enumerate(options or TYPE_OPTIONS.get(kind, ())):
            Option.objects.create(question=question, position=position, text=text, is_correct=correct)
        for position, text in enumerate(hints):
            Hint.objects.create(question=question, position=position, text=text)
        question.record_version()
        return question

    return make


TYPE_DEFAULTS = {
    "numeric": {"answer": "2", "abs_tolerance": 1e-9},
    "matrix": {"answer": "[[1, 2], [3, 4]]", "abs_tolerance": 1e-9},
    "shape": {"answer": "n×1"},
    "expression": {
        "answer": "(A + A^T) x",
        "symbols": {"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}},
        "function": "x^T A x",
        "wrt": "x",
    },
}
TYPE_OPTIONS = {
    "single_choice": [("$2$", True), ("$3$", False), ("$11$", False)],
    "multiple_choice": [("$2$", True), ("$4/2$", True), ("$3$", False)],
}
