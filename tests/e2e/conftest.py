"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest

from tests.lti_platform import lms, registration  # noqa: F401  (the LTI platform, for test_lti_in_browser)

# Playwright's sync API runs an event loop in the test thread; the ORM calls in these tests are still
# synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_FLAGS}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


# --- Taking exams ------------------------------------------------------------------------------------------

# Not under test-results/: pytest-playwright empties that folder at the start of every run.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def screenshot():
    """Save a full-page screenshot as a test artifact: test-artifacts/screenshots/<name>.png."""

    def take(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return take


@pytest.fixture
def sign_in(live_server):
    """Give a browser context a fresh session of `user`, as if they had signed in on that device."""
    from django.conf import settings
    from django.test import Client

    def sign_in(context, user):
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )

    return sign_in


GRADIENT_SYMBOLS = {"A": {"shape": ["n", "n"]}, "x": {"shape": ["n", 1]}}


@pytest.fixture
def three_question_exam(make_question):
    """A timed exam of one choice, one numeric and one expression question, each from its own domain."""
    from exams.models import Domain, Exam

    make_question(
        "single_choice",
        domain=Domain.objects.get(number=1),
        title="Shape of a gradient",
        stem="A scalar function $f$ of $x \\in \\mathbb{R}^n$: what shape is its gradient?",
        options=[("a column, n×1", True), ("a row, 1×n", False), ("a square matrix, n×n", False)],
        solution="The gradient has the shape of the variable: $n\\times 1$.",
    )
    make_question(
        "numeric",
        domain=Domain.objects.get(number=2),
        title="Trace of the identity",
        stem="What is $\\operatorname{tr}(I_3)$?",
        answer="3",
        abs_tolerance=1e-9,
        solution="The trace sums the diagonal: $1 + 1 + 1 = 3$.",
    )
    make_question(
        "expression",
        domain=Domain.objects.get(number=3),
        title="Gradient of a quadratic form",
        stem="Let $A \\in \\mathbb{R}^{n\\times n}$. Find $\\nabla_x\\, x^\\top A x$.",
        answer="(A + A^T) x",
        symbols=GRADIENT_SYMBOLS,
        function="x^T A x",
        wrt="x",
        solution="$$\\nabla_x\\, x^\\top A x = (A + A^\\top)\\,x.$$",
    )
    return Exam.objects.create(
        slug="three-questions",
        title="Three questions",
        description="One choice, one numeric and one expression question in ten minutes.",
        blueprint=[{"count": 3}],
        time_limit_minutes=10,
        pass_mark=70,
    )


@pytest.fixture
def position_of():
    """The position of the attempt's first question of a type (types: the question types' names)."""

    def find(attempt, *kinds):
        return next(item.position for item in attempt.questions.all() if item.content["type"] in kinds)

    return find
