"""Migrating existing data for issue 11: saved choice answers move to opaque per-attempt ids (and back), the
old review field becomes review policies, and the certifying exam gets its blueprint and policy."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from exams.models import Attempt, AttemptQuestion, Exam, Response

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("exams", "0004_shipped_exams")]


def migrate(targets):
    """Migrate the exams app to `targets`; the models as they are then, every other app at its latest."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # reload what is applied now
    migrated = {app for app, _ in targets}
    others = [
        node for node in latest() if node[0] not in migrated and node in executor.loader.applied_migrations
    ]
    return executor.loader.project_state(targets + others).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_state():
    """The database as it was before issue 11; migrated to the latest state again afterwards."""
    apps = migrate(BEFORE)
    yield apps
    migrate(latest())


def old_attempt(apps):
    """A submitted-but-ungraded attempt in the old format: option_order and answers in the version's ids."""
    Domain, Question, QuestionVersion = (
        apps.get_model("exams", name) for name in ("Domain", "Question", "QuestionVersion")
    )
    Exam, Attempt, AttemptQuestion, Response = (
        apps.get_model("exams", name) for name in ("Exam", "Attempt", "AttemptQuestion", "Response")
    )
    User = apps.get_model("accounts", "User")
    learner = User.objects.create(email="old@example.com", password="!")
    exam = Exam.objects.create(
        slug="old-exam", title="Old", description="Old.", blueprint=[{"count": 3}], time_limit_minutes=10,
        review="score_only",
    )  # fmt: skip
    now = timezone.now()
    attempt = Attempt.objects.create(exam=exam, learner=learner, seed=1, started_at=now, status="open")

    def question(slug, kind, options, answer_text=""):
        q = Question.objects.create(
            slug=slug, domain=Domain.objects.get(number=1), type=kind, title=slug, stem="S", solution="Sol.",
            status="published", answer=answer_text, abs_tolerance=1e-9 if kind == "numeric" else None,
        )  # fmt: skip
        content = {
            "slug": slug, "domain": 1, "type": kind, "title": slug, "stem": "S", "difficulty": 1, "tags": [],
            "hints": [], "solution": "Sol.", "answer": answer_text, "symbols": {}, "function": "", "wrt": "",
            "abs_tolerance": 1e-9 if kind == "numeric" else None, "rel_tolerance": None, "parameters": {},
            "options": [
                {"id": option_id, "text": f"option {option_id}", "correct": correct, "feedback": ""}
                for option_id, correct in options
            ],
        }  # fmt: skip
        version = QuestionVersion.objects.create(question=q, number=1, content=content)
        Question.objects.filter(pk=q.pk).update(current_version=version)
        return q, version

    rows = {}
    for position, (slug, kind, options, order, answer) in enumerate(
        [
            ("single", "single_choice", [("a", True), ("b", False), ("c", False)], ["c", "a", "b"], ["a"]),
            (
                "multiple",
                "multiple_choice",
                [("a", True), ("b", True), ("c", False)],
                ["b", "c", "a"],
                ["a", "b"],
            ),
            ("number", "numeric", [], [], "2"),
        ],
        start=1,
    ):
        q, version = question(slug, kind, options, "2" if kind == "numeric" else "")
        item = AttemptQuestion.objects.create(
            attempt=attempt, position=position, question=q, version=version, domain_number=1, variant_seed=0,
            option_order=order,
        )  # fmt: skip
        Response.objects.create(attempt_question=item, answer=answer, saved_at=now, received_at=now)
        rows[slug] = item.pk
    return attempt.pk, rows


def test_saved_choice_answers_are_rewritten_with_opaque_ids_and_still_grade(old_state, committed):
    attempt_id, rows = old_attempt(old_state)

    migrate(latest())

    single = AttemptQuestion.objects.get(pk=rows["single"])
    assert [shown["option"] for shown in single.shown_options] == ["c", "a", "b"]  # the same order
    ids = [shown["id"] for shown in single.shown_options]
    assert len(set(ids)) == 3 and not set(ids) & set("abc")
    assert single.response.answer == [ids[1]]  # what was "a"
    assert [option["text"] for option in single.view["options"]] == ["option c", "option a", "option b"]
    multiple = AttemptQuestion.objects.get(pk=rows["multiple"])
    chosen = {shown["option"] for shown in multiple.shown_options if shown["id"] in multiple.response.answer}
    assert chosen == {"a", "b"}
    assert AttemptQuestion.objects.get(pk=rows["number"]).response.answer == "2"

    attempt = Attempt.objects.get(pk=attempt_id)
    committed(attempt.submit)
    verdicts = dict(Response.objects.values_list("attempt_question__question__slug", "verdict"))
    assert verdicts == {"single": "correct", "multiple": "correct", "number": "correct"}


def test_the_migration_can_be_reversed(old_state):
    attempt_id, rows = old_attempt(old_state)
    migrate(latest())

    apps = migrate(BEFORE)

    item = apps.get_model("exams", "AttemptQuestion").objects.get(pk=rows["multiple"])
    assert item.option_order == ["b", "c", "a"]
    assert apps.get_model("exams", "Response").objects.get(attempt_question=item).answer == ["a", "b"]
    assert apps.get_model("exams", "Exam").objects.get(slug="old-exam").review == "score_only"


def test_review_options_become_policies_and_the_certifying_exam_gets_its_blueprint(old_state):
    old_attempt(old_state)
    old_state.get_model("exams", "Exam").objects.filter(slug="quick-quiz").update(review="full")

    migrate(latest())

    old = Exam.objects.get(slug="old-exam")
    assert old.review_after_submission == old.review_after_close == ["score", "domains"]
    quiz = Exam.objects.get(slug="quick-quiz")
    assert quiz.review_after_submission == ["score", "domains", "correctness", "feedback", "key", "solution"]
    certifying = Exam.objects.get(slug="full-practice-exam")
    assert certifying.review_after_submission == ["score", "domains", "correctness", "feedback"]
    assert certifying.blueprint[:3] == [
        {"domain": 1, "difficulty": 1, "count": 1},
        {"domain": 1, "difficulty": 2, "count": 3},
        {"domain": 1, "difficulty": 3, "count": 1},
    ]
    assert certifying.question_count == 40
