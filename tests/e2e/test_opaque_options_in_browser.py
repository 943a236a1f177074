"""In the browser, the options' values say nothing about the key: always picking the option whose value
sorts first scores at chance, on a bank whose keys all come first (as the shipped bank's do)."""

import re

import pytest
from playwright.sync_api import expect

from exams.models import Attempt, Domain, Exam

pytestmark = pytest.mark.django_db(transaction=True)

SINGLE, MULTIPLE = 20, 4


@pytest.fixture
def key_first_exam(make_question):
    """20 single-choice questions (4 options) and 4 multiple-choice ones (5 options, 3 right), keys first."""
    domain = Domain.objects.get(number=1)
    for number in range(SINGLE):
        options = [(f"S{number} key", True)] + [(f"S{number} wrong {i}", False) for i in range(3)]
        make_question("single_choice", slug=f"single-{number}", domain=domain, options=options)
    for number in range(MULTIPLE):
        options = [(f"M{number} right {i}", True) for i in range(3)] + [
            (f"M{number} wrong {i}", False) for i in range(2)
        ]
        make_question("multiple_choice", slug=f"multiple-{number}", domain=domain, options=options)
    return Exam.objects.create(
        slug="key-first", title="Key first", description="Every key is the bank's first option.",
        blueprint=[{"count": SINGLE + MULTIPLE}], time_limit_minutes=60, pass_mark=70,
    )  # fmt: skip


def test_choosing_the_first_sorting_value_in_the_browser_scores_at_chance(
    page, live_server, learner, sign_in, key_first_exam
):
    sign_in(page.context, learner)
    page.goto(f"{live_server.url}/exams/")
    page.locator("article.exam-card").filter(has_text="Key first").get_by_role(
        "link", name="Start the exam"
    ).click()
    page.get_by_role("button", name="Start now").click()
    attempt = Attempt.objects.get(exam=key_first_exam)
    kinds = {item.position: item.content["type"] for item in attempt.questions.all()}
    values_seen, shown_order = set(), {}

    for position in range(1, SINGLE + MULTIPLE + 1):
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Question {position} of"))
        html = page.content()
        assert not re.search(r'name="option" value="[a-e]"', html)  # never the bank's ids
        inputs = page.locator("input[name=option]")
        values = [inputs.nth(index).get_attribute("value") for index in range(inputs.count())]
        assert len(values) == (4 if kinds[position] == "single_choice" else 5)
        assert not values_seen & set(values)
        values_seen |= set(values)
        shown_order[position] = [page.locator(".option-text").nth(i).inner_text() for i in range(len(values))]
        for value in sorted(values)[: 1 if kinds[position] == "single_choice" else 3]:
            page.locator(f"input[name=option][value='{value}']").check()
        if position < SINGLE + MULTIPLE:
            page.get_by_role("button", name="Save and next →").click()
        else:
            # Let the page's autosave journal empty first: the review page reloads when it flushes one.
            expect(page.locator("#save-state")).to_have_text("Saved", timeout=10_000)
            page.get_by_role("button", name="Save and review").click()

    expect(page.get_by_text(f"{SINGLE + MULTIPLE} questions · 0 unanswered · 0 flagged.")).to_be_visible()
    page.get_by_label("I am ready to submit").check()
    page.get_by_role("button", name="Submit the attempt").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Score: "))).to_be_visible(timeout=10_000)

    right = {kind: 0 for kind in ("single_choice", "multiple_choice")}
    for position, kind in kinds.items():
        row = page.locator(".review-item").filter(has=page.locator(f"#review-{position}"))
        # The results list the options in the order the question page showed them.
        assert row.locator(".review-options li > p:not(.muted)").all_inner_texts() == shown_order[position]
        right[kind] += row.locator(".verdict-correct").count()
    print(f"\nfirst value in the browser: {right} right of {SINGLE} single and {MULTIPLE} multiple choice")
    # Keys first in the bank: with the bank's ids as values this strategy scored 100%. At chance it gets
    # 5 of 20 single-choice questions right on average; 13 or more happens less than once in 5,000 runs.
    assert right["single_choice"] <= 12, right
    # Three of five picked at random are exactly the right three one time in ten: all four, 1 in 10,000.
    assert right["multiple_choice"] <= 3, right
