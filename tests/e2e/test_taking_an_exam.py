"""Taking a timed exam in the browser: start, answer with autosave and live preview, survive reloads,
network drops and the deadline, submit, and read the results."""

import io
import json
import re
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from exams.models import Attempt, Response
from exams.question_types import interpret

pytestmark = pytest.mark.django_db(transaction=True)

OFFLINE_MESSAGE = (
    "Offline — your answer is kept on this device and will be saved when the connection returns."
)


@pytest.fixture
def shipped_bank():
    call_command("import_bank", str(settings.BASE_DIR / "exams" / "bank"), stdout=io.StringIO())


def start_from_catalogue(page, live_server, title):
    page.goto(f"{live_server.url}/exams/")
    card = page.locator("article.exam-card").filter(has=page.get_by_role("heading", name=title, exact=True))
    card.get_by_role("link", name="Start the exam").click()  # the start page says what is ahead
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Question")
    return Attempt.objects.get(exam__title=title, status=Attempt.Status.OPEN)


def question_url(live_server, attempt, position):
    return f"{live_server.url}/attempts/{attempt.pk}/questions/{position}/"


def side_link(page, position):
    """The side list's link to a question; its accessible name says answered/unanswered/flagged."""
    nav = page.get_by_role("navigation", name="Questions")
    return nav.get_by_role("link", name=re.compile(rf"^Question {position},"))


def open_question(page, position):
    """Go to a question through the side list, and wait until its page is the one shown."""
    url = re.compile(rf"/questions/{position}/$")
    if not url.search(page.url):
        side_link(page, position).click()
        expect(page).to_have_url(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Question {position} of"))


def saved(page):
    expect(page.locator("#save-state")).to_have_text("Saved", timeout=10_000)


def test_a_new_learner_signs_up_and_takes_the_full_practice_exam(page, live_server, shipped_bank, screenshot):
    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("E-mail address").fill("grace@example.com")
    page.get_by_label("Display name").fill("Grace Hopper")
    page.get_by_label("Password", exact=True).fill("nanoseconds are 30 cm long")
    page.get_by_label("Password confirmation").fill("nanoseconds are 30 cm long")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("link", name="Grace Hopper")).to_be_visible()

    page.get_by_role("link", name="Exams", exact=True).click()
    expect(page.get_by_role("heading", name="Full practice exam")).to_be_visible()
    screenshot(page, "catalogue")
    card = page.locator("article.exam-card").filter(has_text="Full practice exam")
    card.get_by_role("link", name="Start the exam").click()
    expect(page.get_by_text("40 questions, one per page")).to_be_visible()
    screenshot(page, "start-page")
    page.get_by_role("button", name="Start now").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 40")
    expect(page.get_by_role("navigation", name="Questions").get_by_role("listitem")).to_have_count(40)
    expect(page.locator("#timer")).to_have_text(re.compile(r"^(60:00|59:[0-5]\d)$"))
    attempt = Attempt.objects.get(learner__email="grace@example.com", exam__slug="full-practice-exam")
    items = list(attempt.questions.select_related("version"))
    assert Counter(item.domain_number for item in items) == {domain: 5 for domain in range(1, 9)}

    # Answer a choice question, a typed-value question and an expression question with their keys.
    choice = next(item for item in items if item.is_choice)
    typed = next(item for item in items if item.content["type"] in ("numeric", "matrix", "shape"))
    expression = next(item for item in items if item.content["type"] == "expression")

    open_question(page, choice.position)
    for option_id in choice.key():  # the attempt's opaque ids of the correct options
        page.locator(f"input[name=option][value='{option_id}']").check()
    saved(page)

    open_question(page, typed.position)
    page.get_by_label("Your answer").fill(typed.content["answer"])
    saved(page)

    open_question(page, expression.position)
    expect(page.locator(".symbols")).to_contain_text("Symbols:")
    page.get_by_label("Your answer").fill(expression.content["answer"])
    reading = interpret(expression.content, expression.content["answer"])
    expect(page.locator("#preview .preview-label")).to_be_visible()
    expect(page.locator("#preview-shape")).to_have_text(f"({reading.shape})")
    expect(page.locator("#preview-math annotation")).to_have_text(reading.latex)
    saved(page)
    screenshot(page, "question-with-preview")

    for item in (choice, typed, expression):
        expect(side_link(page, item.position)).to_have_class(re.compile(r"\bqnav-answered\b"))
    page.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_text("40 questions · 37 unanswered · 0 flagged.")).to_be_visible()
    screenshot(page, "submit")
    page.get_by_label("I am ready to submit").check()
    page.get_by_role("button", name="Submit the attempt").click()

    expect(page.get_by_role("heading", name="Score: 7.5%")).to_be_visible()
    expect(page.get_by_text("Not passed — the pass mark is 70%.")).to_be_visible()
    expect(page.locator(".domain-table tbody tr")).to_have_count(8)
    expect(page.locator(".review-item")).to_have_count(40)
    expect(page.locator(".review-item .verdict-correct")).to_have_count(3)
    # The certifying exam shows which answers were right, but never a key or a worked solution.
    expect(page.locator(".key-mark")).to_have_count(0)
    expect(page.locator("details.solution")).to_have_count(0)
    expect(page.get_by_text("Expected:")).to_have_count(0)
    screenshot(page, "results-full-exam")

    # The dashboard lists the attempt and suggests a drill for a weak domain; it starts with real questions.
    page.get_by_role("link", name="Your dashboard").click()
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    attempts = page.get_by_role("table").get_by_role("row")
    expect(attempts.filter(has_text="Full practice exam")).to_contain_text("7.5%")
    expect(page.get_by_role("heading", name="What to practise next")).to_be_visible()
    screenshot(page, "dashboard")
    page.get_by_role("button", name="Practise this domain").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question 1 of 10")
    expect(page.get_by_text(re.compile(r"^Domain drill: .* · practice$"))).to_be_visible()
    expect(page.get_by_role("button", name="Check answer")).to_be_visible()


def test_the_live_preview_shows_how_the_answer_is_read_and_the_exact_error(
    page, live_server, learner, sign_in, three_question_exam, position_of, screenshot
):
    sign_in(page.context, learner)
    attempt = start_from_catalogue(page, live_server, "Three questions")
    open_question(page, position_of(attempt, "expression"))
    expect(page.locator(".symbols")).to_have_text("Symbols: A (n×n); x (n×1)")
    expect(page.locator("#save-state")).to_have_text("Not answered yet")

    answer = page.get_by_label("Your answer")
    answer.press_sequentially("(A + A^T x")
    expect(page.locator("#preview-error")).to_have_text("The expression ends early: a closing ')' is missing")
    expect(page.locator("#preview .preview-label")).to_be_hidden()

    answer.fill("(A + A^T) x")
    expect(page.locator("#preview-error")).to_have_text("")
    expect(page.locator("#preview")).to_contain_text("Interpreted as")
    expect(page.locator("#preview-shape")).to_have_text("(n×1)")
    expect(page.locator("#preview-math math")).to_be_visible()  # typeset by the bundled KaTeX
    expect(page.locator("#preview-math annotation")).to_have_text(r"\left(A + A^{\top}\right) x")
    saved(page)
    screenshot(page, "question-expression-preview")
    item = attempt.questions.get(position=position_of(attempt, "expression"))
    assert Response.objects.get(attempt_question=item).answer == "(A + A^T) x"


def test_the_preview_asks_the_server_once_per_text(
    page, live_server, learner, sign_in, three_question_exam, position_of
):
    sign_in(page.context, learner)
    attempt = start_from_catalogue(page, live_server, "Three questions")
    open_question(page, position_of(attempt, "expression"))
    asked = []

    def is_preview(url):
        return urlsplit(url).path.endswith("/preview")

    page.on("request", lambda request: asked.append(request.url) if is_preview(request.url) else None)
    answer = page.get_by_label("Your answer")

    answer.fill("(A + A^T) x")
    expect(page.locator("#preview-shape")).to_have_text("(n×1)")
    answer.fill("(A + A^T x")
    expect(page.locator("#preview-error")).to_contain_text("a closing ')' is missing")
    # Back to a text already read: shown again from what the page kept, without asking the server.
    answer.fill("(A + A^T) x")
    expect(page.locator("#preview-shape")).to_have_text("(n×1)")
    expect(page.locator("#preview-error")).to_have_text("")
    assert len(asked) == 2
    # Through the page's signed reading: the server reads no attempt, question or version for them.
    assert all("?reading=" in url for url in asked)


def answer_all_three(page, attempt, position_of):
    open_question(page, position_of(attempt, "single_choice"))
    page.get_by_role("radio", name="a column, n×1").check()
    saved(page)
    open_question(page, position_of(attempt, "numeric"))
    page.get_by_label("Your answer").fill("3")
    saved(page)
    open_question(page, position_of(attempt, "expression"))
    page.get_by_label("Your answer").fill("A x + A' x")
    saved(page)


def expect_all_three_answers(page, live_server, attempt, position_of):
    page.goto(question_url(live_server, attempt, position_of(attempt, "single_choice")))
    expect(page.get_by_role("radio", name="a column, n×1")).to_be_checked()
    expect(page.locator("#save-state")).to_have_text("Saved")
    page.goto(question_url(live_server, attempt, position_of(attempt, "numeric")))
    expect(page.get_by_label("Your answer")).to_have_value("3")
    page.goto(question_url(live_server, attempt, position_of(attempt, "expression")))
    expect(page.get_by_label("Your answer")).to_have_value("A x + A' x")
    expect(page.locator("#preview-shape")).to_have_text("(n×1)")  # the preview is shown again on load
    for position in (1, 2, 3):
        expect(side_link(page, position)).to_have_accessible_name(f"Question {position}, answered")


def test_every_answer_is_still_there_after_a_reload_and_on_another_device(
    page, browser, live_server, learner, sign_in, three_question_exam, position_of
):
    sign_in(page.context, learner)
    attempt = start_from_catalogue(page, live_server, "Three questions")
    answer_all_three(page, attempt, position_of)

    page.reload()
    expect(page.get_by_label("Your answer")).to_have_value("A x + A' x")
    expect_all_three_answers(page, live_server, attempt, position_of)

    # Switching device: a new browser (no shared storage) signed in as the same learner resumes the attempt.
    other_device = browser.new_context()
    try:
        sign_in(other_device, learner)
        other = other_device.new_page()
        other.goto(f"{live_server.url}/exams/")
        card = other.locator("article.exam-card").filter(has_text="Three questions")
        card.get_by_role("button", name="Resume").click()
        expect(other.get_by_role("heading", level=1)).to_have_text("Question 1 of 3")
        assert other.evaluate("window.localStorage.length") == 0
        expect_all_three_answers(other, live_server, attempt, position_of)
    finally:
        other_device.close()
    assert Attempt.objects.filter(learner=learner).count() == 1


def test_an_answer_typed_just_before_closing_the_tab_reaches_the_server(
    browser, live_server, learner, sign_in, three_question_exam, position_of
):
    first_device, second_device = browser.new_context(), browser.new_context()
    try:
        sign_in(first_device, learner)
        sign_in(second_device, learner)
        page = first_device.new_page()
        attempt = start_from_catalogue(page, live_server, "Three questions")
        position = position_of(attempt, "numeric")
        page.goto(question_url(live_server, attempt, position))
        page.get_by_label("Your answer").fill("3")
        page.close(run_before_unload=True)  # within the autosave delay: the page sends its journal as it goes

        other = second_device.new_page()
        give_up = time.monotonic() + 10
        while True:  # the save may still be on its way: look again until it is there (or give up)
            other.goto(question_url(live_server, attempt, position))
            if other.get_by_label("Your answer").input_value() == "3" or time.monotonic() > give_up:
                break
        expect(other.get_by_label("Your answer")).to_have_value("3")
        item = attempt.questions.get(position=position)
        assert Response.objects.get(attempt_question=item).answer == "3"
    finally:
        second_device.close()
        first_device.close()


def test_an_answer_given_while_the_page_is_still_loading_is_saved(
    page, live_server, learner, sign_in, three_question_exam, position_of
):
    sign_in(page.context, learner)
    attempt = start_from_catalogue(page, live_server, "Three questions")
    position = position_of(attempt, "numeric")
    page.route("**/js/attempt.js", lambda route: route.abort())  # the page's script has not arrived yet
    page.goto(question_url(live_server, attempt, position))
    page.get_by_label("Your answer").fill("3")
    expect(page.locator("#save-state")).to_have_text("Not answered yet")

    page.unroute("**/js/attempt.js")
    page.add_script_tag(url=page.locator("script[src$='attempt.js']").get_attribute("src"))  # now it has
    saved(page)
    assert (
        Response.objects.get(attempt_question__attempt=attempt, attempt_question__position=position).answer
        == "3"
    )


def journal_entry(page, attempt, position):
    stored = page.evaluate(
        f"window.localStorage.getItem('dxam:{attempt.learner_id}:{attempt.pk}:{position}')"
    )
    return json.loads(stored) if stored else None


def test_an_answer_made_offline_is_kept_on_the_device_and_saved_when_the_network_returns(
    page, live_server, learner, sign_in, three_question_exam, position_of
):
    sign_in(page.context, learner)
    attempt = start_from_catalogue(page, live_server, "Three questions")
    position = position_of(attempt, "numeric")
    open_question(page, position)
    item = attempt.questions.get(position=position)

    page.context.set_offline(True)
    page.get_by_label("Your answer").fill("3")
    expect(page.locator("#save-state")).to_have_text(OFFLINE_MESSAGE)
    assert journal_entry(page, attempt, position)["answer"] == "3"
    assert not Response.objects.filter(attempt_question=item).exists()

    page.context.set_offline(False)
    saved(page)
    assert journal_entry(page, attempt, position) is None
    assert Response.objects.get(attempt_question=item).answer == "3"


def test_a_failed_save_is_retried_until_the_server_has_it(
    page, live_server, learner, sign_in, three_question_exam, position_of
):
    sign_in(page.context, learner)
    attempt = start_from_catalogue(page, live_server, "Three questions")
    position = position_of(attempt, "expression")
    open_question(page, position)
    item = attempt.questions.get(position=position)

    dropped = []

    def drop_the_first_two(route):
        if len(dropped) < 2:
            dropped.append(route.request.url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(f"**/attempts/{attempt.pk}/questions/{position}/answer", drop_the_first_two)
    page.get_by_label("Your answer").fill("(A + A^T) x")
    expect(page.locator("#save-state")).to_have_text(OFFLINE_MESSAGE)
    assert journal_entry(page, attempt, position)["answer"] == "(A + A^T) x"

    saved(page)  # retried after 2 s, then 4 s, without any help from the learner
    assert len(dropped) == 2
    assert journal_entry(page, attempt, position) is None
    response = Response.objects.get(attempt_question=item)
    assert response.answer == "(A + A^T) x"
    # Stamped with when the learner typed it, not when it finally arrived.
    assert response.received_at - response.saved_at > timedelta(seconds=4)


def test_an_answer_still_waiting_on_the_device_is_saved_before_the_attempt_is_submitted(
    page, live_server, learner, sign_in, three_question_exam, position_of
):
    sign_in(page.context, learner)
    attempt = start_from_catalogue(page, live_server, "Three questions")
    position = position_of(attempt, "numeric")
    open_question(page, position)
    page.route("**/answer", lambda route: route.abort("internetdisconnected"))
    page.get_by_label("Your answer").fill("3")
    expect(page.locator("#save-state")).to_have_text(OFFLINE_MESSAGE)

    page.get_by_role("link", name="Review and submit").click()  # the connection is back as the page opens
    page.unroute("**/answer")
    expect(page.get_by_role("heading", name="Review and submit")).to_be_visible()
    expect(page.get_by_text("3 questions · 2 unanswered · 0 flagged.")).to_be_visible(timeout=10_000)
    page.get_by_label("I am ready to submit").check()
    page.get_by_role("button", name="Submit the attempt").click()
    expect(page.get_by_role("heading", name="Score: 33.3%")).to_be_visible()
    assert journal_entry(page, attempt, position) is None


def move_deadline(attempt, seconds_from_now):
    deadline = timezone.now() + timedelta(seconds=seconds_from_now)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)


def test_when_time_runs_out_the_attempt_is_submitted_and_graded_without_clicking_submit(
    page, live_server, learner, sign_in, three_question_exam, position_of, settings
):
    settings.EXAM_GRACE_SECONDS = 1
    sign_in(page.context, learner)
    attempt = start_from_catalogue(page, live_server, "Three questions")
    move_deadline(attempt, 8)
    page.goto(question_url(live_server, attempt, position_of(attempt, "numeric")))
    expect(page.locator("#timer")).to_have_text(re.compile(r"^0:0[0-8]$"))
    page.get_by_label("Your answer").fill("3")
    saved(page)

    expect(page.locator("#timer")).to_have_text("Time is up", timeout=12_000)
    # The grace wait is explained, not left as a silent pause (the timer's "Time left" label is gone).
    expect(page.locator("#save-state")).to_have_text(
        re.compile(r"^Time is up\. Answers made before the deadline are still accepted for up to \d+ seconds")
    )
    expect(page.locator(".timer")).to_have_text("Time is up")
    expect(page).to_have_url(f"{live_server.url}/attempts/{attempt.pk}/result/", timeout=15_000)
    expect(page.get_by_role("heading", name="Score: 33.3%")).to_be_visible()
    expect(page.get_by_text("· Time ran out")).to_be_visible()
    expect(page.get_by_text("finalized on the next visit")).to_have_count(0)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.finalized_by == Attempt.FinalizedBy.ACCESS


def test_a_save_made_offline_before_the_deadline_counts_when_it_arrives_within_the_grace_period(
    page, live_server, learner, sign_in, three_question_exam, position_of, settings
):
    settings.EXAM_GRACE_SECONDS = 8
    sign_in(page.context, learner)
    attempt = start_from_catalogue(page, live_server, "Three questions")
    move_deadline(attempt, 6)
    page.goto(question_url(live_server, attempt, position_of(attempt, "numeric")))
    expect(page.locator("#timer")).to_have_text(re.compile(r"^0:0[0-6]$"))

    page.context.set_offline(True)
    page.get_by_label("Your answer").fill("3")
    expect(page.locator("#save-state")).to_have_text(OFFLINE_MESSAGE)
    expect(page.locator("#timer")).to_have_text("Time is up", timeout=10_000)
    page.context.set_offline(False)  # back within the grace period

    expect(page).to_have_url(f"{live_server.url}/attempts/{attempt.pk}/result/", timeout=20_000)
    expect(page.get_by_role("heading", name="Score: 33.3%")).to_be_visible()
    response = Response.objects.get(attempt_question__attempt=attempt)
    attempt.refresh_from_db()
    assert response.answer == "3"
    assert response.saved_at <= attempt.deadline < response.received_at


def test_submitting_from_the_review_page_shows_the_score_and_the_feedback(
    page, live_server, learner, sign_in, three_question_exam, position_of, screenshot
):
    sign_in(page.context, learner)
    attempt = start_from_catalogue(page, live_server, "Three questions")
    choice, numeric, expression = (
        position_of(attempt, kind) for kind in ("single_choice", "numeric", "expression")
    )
    open_question(page, choice)
    page.get_by_role("radio", name="a column, n×1").check()
    saved(page)
    open_question(page, expression)
    page.get_by_label("Your answer").fill("x^T (A + A^T)")
    saved(page)
    page.get_by_role("button", name="Flag for review").click()
    expect(page.get_by_role("button", name=re.compile("Flagged for review"))).to_have_attribute(
        "aria-pressed", "true"
    )

    page.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_text("3 questions · 1 unanswered · 1 flagged.")).to_be_visible()
    unanswered = page.locator("h2:has-text('Unanswered') + ul")
    expect(unanswered.get_by_role("link")).to_have_text([f"Question {numeric}"])
    flagged = page.locator("h2:has-text('Flagged for review') + ul")
    expect(flagged.get_by_role("link")).to_have_text([f"Question {expression}"])
    screenshot(page, "submit-page")

    page.get_by_role("button", name="Submit the attempt").click()  # not confirmed: nothing happens
    expect(page).to_have_url(f"{live_server.url}/attempts/{attempt.pk}/submit/")
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.OPEN
    page.get_by_label("I am ready to submit: my answers can no longer be changed.").check()
    page.get_by_role("button", name="Submit the attempt").click()

    expect(page).to_have_url(f"{live_server.url}/attempts/{attempt.pk}/result/")
    expect(page.get_by_role("heading", name="Score: 33.3%")).to_be_visible()
    expect(page.get_by_text("Not passed — the pass mark is 70%.")).to_be_visible()
    table = page.locator(".domain-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    for row in (
        "1. Introduction to Matrix Calculus 1.0 / 1 (100%)",
        "2. Review of Prerequisites 0.0 / 1 (0%)",
        "3. Matrix Derivatives Basics 0.0 / 1 (0%)",
    ):
        expect(table.get_by_role("row", name=row, exact=True)).to_be_visible()

    review = {
        position: page.locator(".review-item").filter(has=page.locator(f"#review-{position}"))
        for position in (choice, numeric, expression)
    }
    expect(review[choice].locator(".verdict")).to_have_text("Correct · 1.00")
    expect(review[choice].locator(".option-chosen")).to_contain_text("Your choice: a column, n×1 (correct)")
    expect(review[numeric].locator(".verdict")).to_have_text("Unanswered")
    expect(review[expression].locator(".verdict")).to_have_text("Incorrect · 0.00")
    # Answers and keys are typeset (issue 15): the typed text is kept beside the learner's own answer.
    expect(review[expression]).to_contain_text("(you typed x^T (A + A^T))")
    expect(review[expression].locator("p", has_text="Your answer:").locator(".katex-html")).to_be_visible()
    expected = review[expression].locator("p", has_text="Expected:")
    expect(expected.locator("annotation")).to_have_text(r"\left(A + A^{\top}\right) x")
    expect(expected.locator(".katex-html")).to_be_visible()
    expect(review[expression].locator(".feedback")).to_have_text(
        "Your answer is the transpose of the expected result (1×n instead of n×1) — check the order of the "
        "factors and your layout convention"
    )
    solution = review[expression].locator("details.solution")
    solution.get_by_text("Worked solution").click()
    expect(solution.locator("math").first).to_be_visible()
    screenshot(page, "results")


def test_a_learner_can_take_the_exam_with_the_keyboard_alone(
    page, live_server, learner, sign_in, three_question_exam, position_of
):
    sign_in(page.context, learner)
    attempt = start_from_catalogue(page, live_server, "Three questions")
    choice = position_of(attempt, "single_choice")

    def tab_to(locator, limit=40):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("element => element === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {locator}")

    target = side_link(page, choice)
    tab_to(target)
    expect(target).to_be_focused()
    assert target.evaluate("element => getComputedStyle(element).boxShadow") != "none"  # visible focus
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Question {choice} of 3")

    # Tab into the options and choose with the arrow keys, as in any radio group.
    first_option = page.get_by_role("radio").first
    tab_to(first_option)
    page.keyboard.press("Space")
    expect(first_option).to_be_checked()
    for _ in range(3):
        if page.get_by_role("radio", name="a column, n×1").is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="a column, n×1")).to_be_focused()
    saved(page)
    expect(page.locator("input[name=option]:checked")).to_have_count(1)
    expect(side_link(page, choice)).to_have_accessible_name(f"Question {choice}, answered")

    flag = page.get_by_role("button", name="Flag for review")
    tab_to(flag)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=re.compile("Flagged for review"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(side_link(page, choice)).to_have_accessible_name(f"Question {choice}, answered, flagged")
    expect(side_link(page, choice)).to_have_class(re.compile(r"\bqnav-flagged\b"))
    expect(page.get_by_role("radio", name="a column, n×1")).to_be_checked()

    # "Save and next" moves on; the answered state of the question left behind stays in the list.
    if choice < 3:
        tab_to(page.get_by_role("button", name="Save and next →"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Question {choice + 1} of 3")
    expect(side_link(page, choice)).to_have_accessible_name(f"Question {choice}, answered, flagged")
    assert Response.objects.get(attempt_question__attempt=attempt).answer == (
        attempt.questions.get(position=choice).key()
    )


def test_the_question_page_fits_a_phone_screen(
    phone, live_server, learner, sign_in, three_question_exam, position_of, screenshot
):
    sign_in(phone.context, learner)
    attempt = start_from_catalogue(phone, live_server, "Three questions")
    for kind in ("single_choice", "numeric", "expression"):
        phone.goto(question_url(live_server, attempt, position_of(attempt, kind)))
        expect(phone.get_by_role("heading", name="Question", exact=False).first).to_be_visible()
        if kind == "expression":
            phone.get_by_label("Your answer").fill("(A + A^T) x")
            expect(phone.locator("#preview-shape")).to_have_text("(n×1)")
            saved(phone)
            screenshot(phone, "question-on-a-phone")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, kind


def test_an_answer_made_after_the_deadline_is_refused_with_a_clear_message(
    page, live_server, learner, sign_in, three_question_exam, position_of, settings
):
    settings.EXAM_GRACE_SECONDS = 6
    sign_in(page.context, learner)
    attempt = start_from_catalogue(page, live_server, "Three questions")
    move_deadline(attempt, 3)
    page.goto(question_url(live_server, attempt, position_of(attempt, "numeric")))
    expect(page.locator("#timer")).to_have_text("Time is up", timeout=8_000)

    page.get_by_label("Your answer").fill("3")  # within the grace period, but made after the deadline
    expect(page.locator("#save-state")).to_have_text(
        "The time limit has passed, so this answer was not saved."
    )
    assert journal_entry(page, attempt, position_of(attempt, "numeric")) is None  # not retried forever

    expect(page).to_have_url(f"{live_server.url}/attempts/{attempt.pk}/result/", timeout=15_000)
    expect(page.get_by_role("heading", name="Score: 0.0%")).to_be_visible()
    assert not Response.objects.filter(attempt_question__attempt=attempt).exists()


def test_the_results_page_shows_the_result_by_itself_when_grading_finishes(
    page, live_server, learner, sign_in, three_question_exam, position_of
):
    sign_in(page.context, learner)
    attempt = start_from_catalogue(page, live_server, "Three questions")
    open_question(page, position_of(attempt, "numeric"))
    page.get_by_label("Your answer").fill("3")
    saved(page)
    # Submitted, with the grading still queued (as with a busy or restarting worker).
    Attempt.objects.filter(pk=attempt.pk).update(
        status=Attempt.Status.SUBMITTED, submitted_at=timezone.now(), finalized_by=Attempt.FinalizedBy.LEARNER
    )

    page.goto(f"{live_server.url}/attempts/{attempt.pk}/result/")
    expect(page.locator("#grading-progress")).to_contain_text("Your answers are being graded.")
    attempt.grade()  # the worker gets to it
    expect(page.get_by_role("heading", name="Score: 33.3%")).to_be_visible(timeout=10_000)
    expect(page.locator("#grading-progress")).to_have_count(0)


def test_a_long_equation_does_not_widen_the_page_on_a_phone(
    phone, live_server, learner, sign_in, make_question
):
    from exams.models import Exam

    make_question(
        "numeric",
        title="Logistic loss",
        stem="The loss of one example is\n\n"
        "$$\\ell(w) = -\\Big[y\\log\\sigma(w^\\top x) + (1 - y)"
        "\\log\\big(1 - \\sigma(w^\\top x)\\big)\\Big].$$\n\nWhat is $\\sigma(0)$?",
        answer="0.5",
    )
    Exam.objects.create(
        slug="wide", title="Wide", description="One question.", blueprint=[{"count": 1}], time_limit_minutes=5
    )
    sign_in(phone.context, learner)
    start_from_catalogue(phone, live_server, "Wide")
    expect(phone.locator(".question-stem math").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
