"""config.rows reads a model instance by one precompiled statement: the same instance the ORM reads."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.rows import fetch, save_fields
from exams.models import Attempt, AttemptQuestion, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(make_question, make_exam, learner):
    make_question("expression")
    make_question("single_choice")
    return make_exam("rows", count=2, time_limit_minutes=30).start_attempt(learner)


def fields_of(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_it_reads_what_the_orm_reads_column_for_column(attempt):
    """UUIDs, datetimes with their zone, JSON, foreign keys and nulls come back as the ORM gives them."""
    item = attempt.questions.get(position=2)
    Response.objects.create(
        attempt_question=item,
        answer=["a", {"x": [1, 2.5]}],
        saved_at=timezone.now(),
        received_at=timezone.now(),
    )
    for model, orm in [
        (Attempt, Attempt.objects.get(pk=attempt.pk)),
        (AttemptQuestion, item),
        (Response, Response.objects.get(attempt_question=item)),
    ]:
        read = fetch(model, pk=orm.pk)
        assert type(read) is model
        assert fields_of(read) == fields_of(orm)
        assert not read._state.adding and read._state.db == "default"


def test_it_filters_on_every_given_column_and_foreign_keys_by_instance_or_id(
    attempt, learner, django_user_model
):
    other = django_user_model.objects.create_user("eve@example.com", "x" * 12, display_name="Eve")
    assert fetch(Attempt, pk=attempt.pk, learner=learner).pk == attempt.pk
    assert fetch(Attempt, pk=attempt.pk, learner_id=learner.pk).pk == attempt.pk
    assert fetch(Attempt, pk=attempt.pk, learner=other.pk) is None
    assert fetch(AttemptQuestion, attempt=attempt.pk, position=2).position == 2
    assert fetch(AttemptQuestion, attempt=attempt.pk, position=3) is None


def test_a_number_no_column_can_hold_matches_nothing_rather_than_failing(attempt):
    assert fetch(AttemptQuestion, attempt=attempt.pk, position=99_999_999_999) is None
    assert fetch(AttemptQuestion, attempt=attempt.pk, position=-1) is None


def test_more_than_one_match_is_an_error_as_with_get(attempt):
    with pytest.raises(AttemptQuestion.MultipleObjectsReturned):
        fetch(AttemptQuestion, attempt=attempt.pk)


def test_an_unknown_column_is_refused(attempt):
    with pytest.raises(ValueError, match="no column"):
        fetch(Attempt, colour="blue")


def test_the_statement_is_compiled_once_and_reads_one_row(attempt):
    fetch(Attempt, pk=attempt.pk)
    with CaptureQueriesContext(connection) as captured:
        fetch(Attempt, pk=attempt.pk)
    [query] = captured.captured_queries
    assert query["sql"].startswith("SELECT ") and "JOIN" not in query["sql"]


@pytest.mark.django_db(transaction=True)
def test_a_locked_read_waits_for_another_transactions_lock(attempt):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks: its writers are serialized by the database lock")
    locked, finished = threading.Event(), []

    def hold_the_lock():
        with transaction.atomic():
            Attempt.objects.select_for_update().get(pk=attempt.pk)
            locked.set()
            threading.Event().wait(0.5)
            finished.append("holder")
        connections.close_all()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert locked.wait(10)
    with transaction.atomic():
        fetch(Attempt, lock=True, pk=attempt.pk)
        finished.append("reader")
    holder.join(10)
    assert finished == ["holder", "reader"]


def test_save_fields_writes_only_the_given_fields(attempt):
    item = attempt.questions.get(position=1)
    response = Response.objects.create(
        attempt_question=item, answer="x", saved_at=timezone.now(), received_at=timezone.now()
    )
    Response.objects.filter(pk=response.pk).update(message="written elsewhere")
    response.answer = {"rows": [[1, 2]]}
    response.message = "stale, not to be written"
    save_fields(response, ["answer"])
    stored = Response.objects.get(pk=response.pk)
    assert stored.answer == {"rows": [[1, 2]]}
    assert stored.message == "written elsewhere"


def test_null_is_refused_rather_than_matching_nothing(attempt):
    with pytest.raises(ValueError, match="isnull"):
        fetch(Attempt, pk=attempt.pk, deadline=None)


def test_save_fields_on_a_row_that_is_gone_is_an_error_as_with_save(attempt):
    item = attempt.questions.get(position=1)
    response = Response.objects.create(
        attempt_question=item, answer="x", saved_at=timezone.now(), received_at=timezone.now()
    )
    Response.objects.filter(pk=response.pk).delete()
    response.answer = "y"
    with pytest.raises(DatabaseError, match="gone"):
        save_fields(response, ["answer"])


def test_related_rows_come_in_the_same_statement_cached_as_select_related_caches_them(attempt):
    item = attempt.questions.get(position=2)
    now = timezone.now()
    Response.objects.create(attempt_question=item, answer="b", saved_at=now, received_at=now)
    fetch(AttemptQuestion, related=("version", "response"), pk=item.pk)
    with CaptureQueriesContext(connection) as captured:
        read = fetch(AttemptQuestion, related=("version", "response"), pk=item.pk)
        orm = AttemptQuestion.objects.select_related("version", "response").get(pk=item.pk)
        assert fields_of(read) == fields_of(orm)
        assert fields_of(read.version) == fields_of(orm.version)
        assert fields_of(read.response) == fields_of(orm.response)
        assert read.response.attempt_question is read  # both ways, as select_related
    assert len(captured.captured_queries) == 2 and "JOIN" in captured.captured_queries[0]["sql"]


def test_a_missing_one_to_one_row_is_cached_as_missing(attempt):
    item = attempt.questions.get(position=1)
    read = fetch(AttemptQuestion, related=("response",), pk=item.pk)
    with CaptureQueriesContext(connection) as captured:
        assert getattr(read, "response", None) is None
    assert captured.captured_queries == []


def test_a_null_foreign_key_loses_no_row_and_reads_as_none(attempt, author):
    from analytics.models import Regrade

    question = attempt.questions.get(position=1).question
    unowned = Regrade.objects.create(question=question, reason="key fix", created_at=timezone.now())
    owned = Regrade.objects.create(
        question=question, reason="key fix", requested_by=author, created_at=timezone.now()
    )
    assert fetch(Regrade, related=("requested_by",), pk=unowned.pk).requested_by is None
    assert fetch(Regrade, related=("requested_by",), pk=owned.pk).requested_by == author
    assert fetch(Attempt, related=("exam",), pk=attempt.pk).exam == attempt.exam


def test_joins_it_cannot_make_are_refused(attempt):
    with pytest.raises(ValueError, match="locks one table"):
        fetch(Attempt, lock=True, related=("exam",), pk=attempt.pk)
    with pytest.raises(ValueError, match="not exams.Attempt.seed"):
        fetch(Attempt, related=("seed",), pk=attempt.pk)
