"""Practice mode in the browser: a domain drill with hints one at a time, instant feedback with the engine's
diagnosis, and the worked solution after checking or on request."""

import re

import pytest
from playwright.sync_api import expect

from exams.models import Attempt, Domain, Exam, Response

pytestmark = pytest.mark.django_db(transaction=True)

HINTS = (
    "Write $\\operatorname{tr}(AX) = \\sum_{i,j} A_{ij} X_{ji}$.",
    "Differentiate with respect to one entry $X_{kl}$.",
)


@pytest.fixture
def drill(make_question):
    """A practice drill on domain 4: an expression question with two hints and a choice question."""
    make_question(
        "expression",
        domain=Domain.objects.get(number=4),
        title="Gradient of a trace",
        stem="Let $A, X \\in \\mathbb{R}^{n\\times n}$. Find $\\nabla_X \\operatorname{tr}(AX)$.",
        answer="A^T",
        symbols={"A": {"shape": ["n", "n"]}, "X": {"shape": ["n", "n"]}},
        function="tr(A X)",
        wrt="X",
        hints=HINTS,
        solution="Only the terms with $X_{kl}$ survive: $\\partial/\\partial X_{kl} = A_{lk}$, so the "
        "gradient is TRACE-SOLUTION $A^\\top$.",
    )
    make_question(
        "single_choice",
        domain=Domain.objects.get(number=4),
        title="The chain rule",
        stem="For $f(g(x))$ with scalar $f$ and vector $g$, which factor comes first in denominator layout?",
        options=[("the Jacobian of g, transposed", True), ("the gradient of f", False)],
        solution="CHAIN-SOLUTION $\\nabla_x f = J_g^\\top \\nabla_g f$.",
    )
    return Exam.objects.create(
        slug="trace-drill",
        title="Drill: traces and chains",
        description="Two practice questions on the calculus rules, with hints and instant feedback.",
        mode=Exam.Mode.PRACTICE,
        blueprint=[{"domain": 4, "count": 2}],
        time_limit_minutes=None,
    )


def start_drill(page, live_server):
    page.goto(f"{live_server.url}/exams/")
    card = page.locator("article.exam-card").filter(has_text="Drill: traces and chains")
    expect(card).to_contain_text("Untimed")
    expect(card).to_contain_text("Instant feedback")
    card.get_by_role("button", name="Start practising").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Question 1 of 2"))
    return Attempt.objects.get(exam__slug="trace-drill")


def open_question_of_kind(page, attempt, kind):
    position = next(item.position for item in attempt.questions.all() if item.content["type"] == kind)
    page.get_by_role("navigation", name="Questions").get_by_role(
        "link", name=re.compile(rf"^Question {position},")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Question {position} of 2"))
    return attempt.questions.get(position=position)


def outcome(page):
    return page.locator(".outcome")


def test_a_drill_gives_hints_one_at_a_time_instant_feedback_and_the_solution(
    page, live_server, learner, sign_in, drill, screenshot
):
    sign_in(page.context, learner)
    attempt = start_drill(page, live_server)
    item = open_question_of_kind(page, attempt, "expression")
    expect(page.get_by_text("Drill: traces and chains · practice")).to_be_visible()
    expect(page.locator("#timer")).to_have_count(0)  # untimed
    solution = page.locator(".solution")
    expect(solution).to_have_count(0)

    hints = page.locator(".hints li")
    expect(hints).to_have_count(0)
    page.get_by_role("button", name="Show a hint").click()
    expect(hints).to_have_count(1)
    expect(hints.first.locator("math").first).to_be_visible()  # the hint's math is typeset
    page.get_by_role("button", name="Show a hint").click()
    expect(hints).to_have_count(2)
    expect(page.get_by_role("button", name="Show a hint")).to_have_count(0)  # no more hints
    expect(solution).to_have_count(0)  # hints do not give the solution away

    answer = page.get_by_label("Your answer")
    answer.fill("tr(A)")
    expect(page.locator("#preview-shape")).to_have_text("(1×1)")
    page.get_by_role("button", name="Check answer").click()
    expect(outcome(page)).to_contain_text("Incorrect · Shape mismatch")
    expect(outcome(page)).to_contain_text(
        "Your answer is 1×1, the expected result is n×n — check the shape of each factor"
    )
    # A wrong check lets the learner try again: the solution waits (issue 15; it used to show at once).
    expect(solution).to_have_count(0)
    expect(outcome(page)).to_contain_text("The worked solution opens after 2 more wrong checks")

    expect(answer).to_have_value("tr(A)")
    answer.fill("A")
    page.get_by_role("button", name="Check answer").click()
    expect(outcome(page)).to_contain_text("Incorrect · Transpose")
    expect(outcome(page)).to_contain_text(
        "Your answer is the transpose of the expected result — check the order of the factors and your "
        "layout convention"
    )
    expect(hints).to_have_count(2)  # what was revealed stays revealed
    screenshot(page, "practice-feedback")

    answer.fill("A^T")
    page.get_by_role("button", name="Check answer").click()
    expect(outcome(page)).to_contain_text("Correct")
    expect(outcome(page)).to_have_class(re.compile(r"\boutcome-correct\b"))
    response = Response.objects.get(attempt_question=item)
    assert (response.answer, response.verdict) == ("A^T", "correct")


def test_the_solution_can_be_shown_without_answering(page, live_server, learner, sign_in, drill):
    sign_in(page.context, learner)
    attempt = start_drill(page, live_server)
    open_question_of_kind(page, attempt, "single_choice")
    expect(page.locator(".solution")).to_have_count(0)
    page.get_by_role("button", name="Show the solution").click()
    expect(page.locator(".solution")).to_contain_text("CHAIN-SOLUTION")
    expect(page.locator(".outcome")).to_have_count(0)  # nothing was checked

    # Checking afterwards still gives feedback on the chosen option.
    page.get_by_role("radio", name="the gradient of f").check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".outcome")).to_contain_text("Incorrect")
    expect(page.get_by_role("radio", name="the gradient of f")).to_be_checked()
    expect(page.locator("#save-state")).to_have_text("Saved")


def test_a_finished_drill_shows_on_the_dashboard(page, live_server, learner, sign_in, drill, screenshot):
    sign_in(page.context, learner)
    attempt = start_drill(page, live_server)
    open_question_of_kind(page, attempt, "expression")
    page.get_by_label("Your answer").fill("A^T")
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".outcome")).to_contain_text("Correct")

    page.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_text("2 questions · 1 unanswered · 0 flagged.")).to_be_visible()
    page.get_by_label("I am ready to submit").check()
    page.get_by_role("button", name="Submit the attempt").click()
    expect(page.get_by_role("heading", name="Score: 50.0%")).to_be_visible()
    expect(page.get_by_role("row", name="4. Matrix Calculus Rules 1.0 / 2 (50%)", exact=True)).to_be_visible()

    page.get_by_role("link", name="Your dashboard").click()
    expect(page.get_by_role("heading", name="Best scores")).to_be_visible()
    expect(page.locator(".best-list").first).to_contain_text("Drill: traces and chains 50.0%")
    mastery = page.get_by_role("row", name=re.compile(r"^4\. Matrix Calculus Rules 50%"))
    expect(mastery).to_contain_text("2 questions (too few)")
    # Two questions are too little evidence to advise on: no "what to practise next" yet.
    expect(page.get_by_role("heading", name="What to practise next")).to_have_count(0)
    expect(page.get_by_role("img", name="Drill: traces and chains: your scores")).to_be_visible()
    screenshot(page, "dashboard-after-a-drill")


def test_feedback_never_describes_an_answer_the_learner_has_since_changed(
    page, live_server, learner, sign_in, drill
):
    sign_in(page.context, learner)
    attempt = start_drill(page, live_server)
    open_question_of_kind(page, attempt, "expression")
    answer = page.get_by_label("Your answer")
    answer.fill("A^T")
    page.get_by_role("button", name="Check answer").click()
    expect(outcome(page)).to_contain_text("Correct")

    answer.fill("A")  # autosaved, not checked
    expect(page.locator("#save-state")).to_have_text("Saved")
    page.reload()
    expect(answer).to_have_value("A")
    expect(page.locator(".outcome")).to_have_count(0)  # the old check's feedback is gone
