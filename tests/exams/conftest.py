import pytest

from exams.models import Domain, Exam, Hint, Option, Question


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


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Call an action and run what it enqueued for after the commit (grading), as a real request would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def make_exam(db):
    """An exam drawing `count` questions from the whole bank (timed unless practice), overriding any field."""

    def make(slug="one", count=1, **fields):
        defaults = {"title": slug.title(), "description": "An exam.", "blueprint": [{"count": count}]}
        if fields.get("mode") != Exam.Mode.PRACTICE:
            defaults["time_limit_minutes"] = 5
        return Exam.objects.create(slug=slug, **{**defaults, **fields})

    return make
