import pytest

from exams.models import Domain, Exam
from tests.conftest import create_question


def create_simulated_exam():
    """A six-question exam (every question on every form): two single choice, a multiple choice, two
    numeric and an expression question, so that forms are comparable position by position."""
    create_question("single_choice", slug="easy-choice", difficulty=1,
                    options=[("$2$", True), ("$3$", False), ("$4$", False), ("$5$", False)])  # fmt: skip
    create_question("single_choice", slug="hard-choice", difficulty=3, domain=Domain.objects.get(number=3),
                    options=[("$n$", True), ("$1$", False), ("$n^2$", False)])  # fmt: skip
    create_question("multiple_choice", slug="both-choices", difficulty=2)
    create_question("numeric", slug="trace", difficulty=1, answer="3")
    create_question("numeric", slug="determinant", difficulty=3, answer="-2")
    create_question("expression", slug="quadratic-form", difficulty=2)
    return Exam.objects.create(
        slug="simulated", title="Simulated", description="For the simulator.", blueprint=[{"count": 6}],
        time_limit_minutes=30, pass_mark=60, certifies=True,
    )  # fmt: skip


@pytest.fixture
def simulated_exam(db):
    return create_simulated_exam()


# The webhook receiver, integration and endpoint of the integrations tests.
from tests.integrations.conftest import endpoint, integration, receiver  # noqa: E402, F401
