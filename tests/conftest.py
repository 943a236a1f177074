import pytest

from exams.models import Domain, Exam, Hint, Option, Question, Topic


@pytest.fixture(autouse=True)
def course_data(request):
    """Transactional tests (live servers, worker processes) flush every table after each test, which
    takes the data migrations' rows with it: put the domains and shipped exams back before each one."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    restore_course_data()


def restore_course_data():
    """The domains and shipped exams, as the data migrations make them (idempotent)."""
    from importlib import import_module

    from django.apps import apps

    import_module("exams.migrations.0002_domains").create_domains(apps, None)
    import_module("exams.migrations.0004_shipped_exams").create_exams(apps, None)
    import_module("exams.migrations.0006_integrity_data").configure_shipped_exams(apps, None)


@pytest.fixture(autouse=True)
def tasks_run_in_process():
    """Tests run Celery tasks in-process even when CELERY_BROKER_URL points at Redis (as in CI), so they
    see grading happen; the tests of real workers switch this off for themselves."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests create many users and only need correctness.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password():
    return "correct horse battery staple 42"


@pytest.fixture
def learner(django_user_model, password):
    return django_user_model.objects.create_user("ada@example.com", password, display_name="Ada Lovelace")


@pytest.fixture
def author(django_user_model, password):
    return django_user_model.objects.create_user(
        "carl@example.com", password, display_name="Carl Gauss", role="author"
    )


@pytest.fixture
def admin_user(django_user_model, password):
    return django_user_model.objects.create_superuser(
        "emmy@example.com", password, display_name="Emmy Noether"
    )


@pytest.fixture(scope="session")
def redis_url():
    """The Redis to use as a real broker: the configured one, else a local one if it is running.

    A run configured with CELERY_BROKER_URL (CI) must reach it; an embedded run skips what needs Redis
    only when no Redis is running on this machine.
    """
    import os

    import redis

    configured = os.environ.get("CELERY_BROKER_URL", "")
    url = configured or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        if configured:
            raise
        pytest.skip(f"no Redis at {url} (set CELERY_BROKER_URL to run this against a broker)")
    return url


def pytest_collection_modifyitems(items):
    """Tests of the shipped bank run on one xdist worker (make test uses --dist loadgroup), so the bank is
    validated once per run rather than once per worker."""
    for item in items:
        if "validated_shipped_bank" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("shipped-bank"))


@pytest.fixture(scope="session")
def validated_shipped_bank(django_db_setup, django_db_blocker):
    """The shipped bank read and validated once per test session (validation is most of an import's time)."""
    from django.conf import settings

    from exams.bank import read_bank

    with django_db_blocker.unblock():
        restore_course_data()
        return read_bank(settings.BASE_DIR / "exams" / "bank")


@pytest.fixture(scope="module")
def shipped_bank(validated_shipped_bank, django_db_blocker):
    """The shipped bank, stored once for the test module (and removed after it), as import_bank stores it.

    Tests without a database marker run after the transactional ones, whose flush empties every table:
    the course data is put back first.
    """
    from exams.bank import store_bank

    with django_db_blocker.unblock():
        restore_course_data()
        store_bank(validated_shipped_bank)
        yield
        Question.objects.all().delete()
        Topic.objects.all().delete()


def create_question(kind="numeric", options=(), hints=("Think about it.",), **fields):
    """A valid published question of the given type (overriding any field), with its first version."""
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


@pytest.fixture
def make_question(db):
    """Create a valid question of the given type (overriding any field) and record its first version."""
    return create_question


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


@pytest.fixture
def certifying_exam(make_question):
    """A certifying exam of two numeric questions (answer: 2), pass mark 50%."""
    make_question("numeric")
    make_question("numeric")
    return Exam.objects.create(
        slug="cert", title="Certified Matrix Calculus", description="Certifies.", blueprint=[{"count": 2}],
        time_limit_minutes=10, pass_mark=50, certifies=True,
    )  # fmt: skip


@pytest.fixture
def take(committed):
    """Take an exam as a learner, answering `correct` of its questions right, and have it graded."""

    def take(exam, learner, correct):
        attempt = exam.start_attempt(learner)
        for item in attempt.questions.all():
            attempt.save_answer(item.position, "2" if item.position <= correct else "5")
        committed(attempt.submit)
        attempt.refresh_from_db()
        return attempt

    return take


@pytest.fixture
def local_receivers(settings):
    """Outbound requests may reach this machine: the test's receivers (webhooks, the LTI platform) run
    on 127.0.0.1, which the outbound URL policy refuses by default."""
    settings.ALLOW_PRIVATE_OUTBOUND = True
