"""The learner's experience in Chromium (issue 15): keyboard and phone first, practice that teaches, saving
that survives a lost connection or an expired session, and every learner page without a serious or
critical accessibility violation (axe-core) at desktop and phone sizes, each screenshot kept."""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from exams.models import Attempt, Domain, Exam, Response

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SIGNED_OUT = "You are signed out — sign in again to save; your answers are kept on this device."


def start_exam(page, live_server, slug):
    """Open the exam's start page and press "Start now"; the attempt opens at its first question."""
    page.goto(f"{live_server.url}/exams/{slug}/start/")
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Question 1 of"))
    return Attempt.objects.get(exam__slug=slug, status=Attempt.Status.OPEN)


def question_url(live_server, attempt, position):
    return f"{live_server.url}/attempts/{attempt.pk}/questions/{position}/"


def saved(page):
    expect(page.locator("#save-state")).to_have_text("Saved", timeout=10_000)


def stored_answer(attempt, position):
    response = Response.objects.filter(attempt_question__attempt=attempt, attempt_question__position=position)
    return response.first().answer if response.exists() else None


# --- Keyboard ----------------------------------------------------------------------------------------------


def test_enter_in_an_answer_saves_it_and_goes_to_the_next_question_then_to_the_review(
    page, live_server, learner, sign_in, three_question_exam, position_of
):
    sign_in(page.context, learner)
    attempt = start_exam(page, live_server, "three-questions")
    numeric = position_of(attempt, "numeric")
    page.goto(question_url(live_server, attempt, numeric))
    answer = page.get_by_label("Your answer")
    expect(answer).to_be_focused()  # the answer has the focus when the question opens
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    if numeric < 3:
        expect(page).to_have_url(question_url(live_server, attempt, numeric + 1))
    else:
        expect(page).to_have_url(f"{live_server.url}/attempts/{attempt.pk}/submit/")
    assert stored_answer(attempt, numeric) == "3"

    page.goto(question_url(live_server, attempt, 3))
    if position_of(attempt, "single_choice") == 3:
        page.keyboard.press("Space")  # the first option has the focus
    else:
        page.keyboard.type("1")
    page.keyboard.press("Enter")  # on the last question, Enter goes to the review page
    expect(page).to_have_url(f"{live_server.url}/attempts/{attempt.pk}/submit/")
    expect(page.get_by_role("heading", name="Review and submit")).to_be_visible()
    assert stored_answer(attempt, 3) is not None


def test_the_answer_is_at_most_five_tab_presses_from_the_top_of_the_page(
    page, live_server, learner, sign_in, three_question_exam, position_of
):
    sign_in(page.context, learner)
    attempt = start_exam(page, live_server, "three-questions")
    for kind in ("expression", "single_choice"):
        page.goto(question_url(live_server, attempt, position_of(attempt, kind)))
        answer = page.locator("#answer-input" if kind == "expression" else "input[name=option]").first
        expect(answer).to_be_focused()
        # Start again from the top, as a keyboard user who has just loaded the page without autofocus.
        page.evaluate("document.activeElement.blur()")
        page.locator(".skip-link").first.focus()
        presses = 1  # reaching the first Tab stop is one press
        while not answer.evaluate("element => element === document.activeElement"):
            page.keyboard.press("Tab")
            presses += 1
            assert presses <= 5, f"{kind}: the answer is more than five Tab presses away"
    # The shortcuts are documented on the page, and the first skip link jumps to the answer.
    page.get_by_text("Keyboard shortcuts").click()
    expect(page.locator(".shortcuts")).to_contain_text("Enter")
    expect(page.get_by_role("link", name="Skip to your answer")).to_have_attribute("href", "#answer")
    expect(page.get_by_role("link", name="Skip to the question list")).to_have_attribute(
        "href", "#question-list"
    )


# --- Phone -------------------------------------------------------------------------------------------------


def test_on_a_phone_the_answer_is_on_the_first_screen_and_the_timer_stays_in_view(
    browser, live_server, learner, sign_in, three_question_exam, position_of
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        sign_in(context, learner)
        attempt = start_exam(page, live_server, "three-questions")
        page.goto(question_url(live_server, attempt, position_of(attempt, "numeric")))
        answer = page.get_by_label("Your answer")
        box = answer.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
        expect(page.locator("#question-list")).not_to_have_attribute("open", "")  # collapsed behind a button
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        page.get_by_text("Keyboard shortcuts").click()  # make the page longer than the screen
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        assert page.evaluate("window.scrollY") > 0
        timer = page.locator(".timer").bounding_box()
        assert timer is not None and 0 <= timer["y"] and timer["y"] + timer["height"] <= PHONE["height"], (
            timer
        )
        expect(page.locator("#save-state")).to_be_in_viewport()

        page.get_by_text(re.compile(r"^Questions")).click()  # the grid opens on request
        expect(page.get_by_role("navigation", name="Questions").get_by_role("listitem")).to_have_count(3)
    finally:
        context.close()


# --- Practice ----------------------------------------------------------------------------------------------


@pytest.fixture
def randomized_drill(make_question):
    make_question(
        "numeric",
        domain=Domain.objects.get(number=2),
        title="Twice a number",
        stem="What is $2 \\times {{a}}$?",
        answer="{{b}}",
        parameters={"a": {"int": [2, 400]}, "b": {"expr": "2 * a"}},
        hints=("Double it.", "Add the number to itself."),
        solution="WORKED-SOLUTION: add the number to itself.",
    )
    return Exam.objects.create(
        slug="twice", title="Drill: doubling", description="One randomized question.",
        mode=Exam.Mode.PRACTICE, blueprint=[{"count": 1}],
    )  # fmt: skip


def test_practice_checks_retries_hints_one_at_a_time_the_solution_and_a_new_version(
    page, live_server, learner, sign_in, randomized_drill, screenshot
):
    sign_in(page.context, learner)
    attempt = start_exam(page, live_server, "twice")
    item = attempt.questions.get()
    key = item.content["answer"]
    answer, outcome, solution = (
        page.get_by_label("Your answer"),
        page.locator(".outcome"),
        page.locator(".solution"),
    )

    for tries, wrong in enumerate((str(int(key) + 1), str(int(key) + 2)), start=1):
        answer.fill(wrong)
        page.get_by_role("button", name="Check answer").click()
        expect(outcome).to_contain_text("Incorrect")
        expect(outcome).to_contain_text(f"opens after {3 - tries} more wrong check")
        expect(solution).to_have_count(0)
        expect(answer).to_have_value(wrong)  # try again from what was typed

    page.get_by_role("button", name=re.compile(r"^Show a hint")).click()
    expect(page.locator(".hints li")).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile(r"^Show a hint"))).to_contain_text("2 of 2")

    answer.fill("0")
    page.get_by_role("button", name="Check answer").click()  # the third wrong check opens the solution
    expect(solution).to_contain_text("WORKED-SOLUTION")
    expect(page.get_by_role("button", name="Show the solution")).to_have_count(0)
    screenshot(page, "practice-solution-after-three-checks")

    stem = page.locator(".question-stem").inner_text()
    page.get_by_role("button", name="Try a new version").click()
    expect(page.locator(".question-stem")).not_to_have_text(stem)
    expect(solution).to_have_count(0)
    expect(page.locator(".hints li")).to_have_count(0)
    expect(page.get_by_label("Your answer")).to_have_value("")
    item = attempt.questions.get()  # the new version's key
    page.get_by_label("Your answer").fill(item.content["answer"])
    page.get_by_role("button", name="Check answer").click()
    expect(outcome).to_contain_text("Correct")
    item.refresh_from_db()
    assert (item.tries, item.hints_used, item.solution_seen, item.new_versions) == (4, 1, True, 1)


# --- Offline and signed out --------------------------------------------------------------------------------


def journal(page):
    return page.evaluate(
        "Object.fromEntries(Object.keys(localStorage).filter(k => k.startsWith('dxam:'))"
        ".map(k => [k, JSON.parse(localStorage.getItem(k))]))"
    )


def test_an_expired_session_says_signed_out_keeps_the_answer_and_saves_it_after_signing_in(
    page, live_server, learner, sign_in, three_question_exam, position_of
):
    from django.conf import settings

    sign_in(page.context, learner)
    attempt = start_exam(page, live_server, "three-questions")
    numeric = position_of(attempt, "numeric")
    page.goto(question_url(live_server, attempt, numeric))
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # the session has expired

    page.get_by_label("Your answer").fill("3")
    state = page.locator("#save-state")
    expect(state).to_contain_text(SIGNED_OUT)
    link = state.get_by_role("link", name="Sign in again")
    expect(link).to_have_attribute(
        "href", f"/accounts/login/?next=%2Fattempts%2F{attempt.pk}%2Fquestions%2F{numeric}%2F"
    )
    entries = journal(page)
    assert [entry["answer"] for entry in entries.values()] == ["3"]
    assert list(entries) == [f"dxam:{learner.pk}:{attempt.pk}:{numeric}"]  # per learner and attempt
    assert stored_answer(attempt, numeric) is None

    sign_in(page.context, learner)  # signed in again; the link brings the learner back to the question
    page.goto(question_url(live_server, attempt, numeric))
    expect(page.get_by_label("Your answer")).to_have_value("3")
    saved(page)
    assert stored_answer(attempt, numeric) == "3"


def test_another_learners_journal_on_the_same_device_is_never_sent(
    page, live_server, learner, sign_in, three_question_exam, position_of, django_user_model
):
    sign_in(page.context, learner)
    attempt = start_exam(page, live_server, "three-questions")
    numeric = position_of(attempt, "numeric")
    page.goto(question_url(live_server, attempt, numeric))
    # Left by someone else who used this browser: another learner's key, and a key of the old shape.
    foreign = {"url": f"/attempts/{attempt.pk}/questions/{numeric}/answer", "answer": "99", "saved_at": None}
    page.evaluate(
        "entry => { localStorage.setItem('dxam:999:x:1', JSON.stringify(entry));"
        f" localStorage.setItem('dxam:{attempt.pk}:{numeric}', JSON.stringify(entry)); }}",
        foreign,
    )
    page.get_by_label("Your answer").fill("3")
    saved(page)
    assert stored_answer(attempt, numeric) == "3"
    assert "dxam:999:x:1" in journal(page)  # left alone, not sent


def test_save_and_next_while_offline_stays_in_the_exam_and_moves_on_when_back(
    page, live_server, learner, sign_in, three_question_exam, position_of
):
    sign_in(page.context, learner)
    attempt = start_exam(page, live_server, "three-questions")
    page.goto(question_url(live_server, attempt, 1))
    page.context.set_offline(True)
    if position_of(attempt, "single_choice") == 1:
        page.get_by_role("radio").first.check()
    else:
        page.get_by_label("Your answer").fill("7")
    page.get_by_role("button", name="Save and next →").click()
    expect(page.locator("#save-state")).to_contain_text("Offline — your answer is kept on this device")
    expect(page.locator("#save-state")).to_contain_text("The next page opens then.")
    expect(page).to_have_url(question_url(live_server, attempt, 1))  # not the browser's error page
    page.context.set_offline(False)
    expect(page).to_have_url(question_url(live_server, attempt, 2), timeout=15_000)
    assert stored_answer(attempt, 1) is not None


# --- Every learner page: axe-core and screenshots ----------------------------------------------------------


@pytest.fixture
def every_type_exam(make_question):
    """A timed exam with one question of each of the six types."""
    domain = Domain.objects.get(number=5)
    for kind in ("single_choice", "multiple_choice", "numeric", "expression", "matrix", "shape"):
        make_question(kind, domain=domain, title=f"The {kind.replace('_', ' ')} question")
    return Exam.objects.create(
        slug="every-type", title="Every question type", description="One question of each type.",
        blueprint=[{"domain": 5, "count": 6}], time_limit_minutes=30, pass_mark=50,
        review_after_submission=["score", "domains", "correctness", "feedback", "key", "solution"],
    )  # fmt: skip


def serious_violations(page):
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_learner_page_has_no_serious_accessibility_violation(
    browser, live_server, learner, sign_in, every_type_exam, certifying_exam, take, screenshot, size
):
    from certificates.models import Certificate

    certifying_exam.blueprint = [{"domain": 2, "count": 2}]  # its own two questions, not the others
    certifying_exam.save()
    take(certifying_exam, learner, correct=2)
    code = Certificate.objects.get().code
    viewport = PHONE if size == "phone" else DESKTOP
    context = browser.new_context(viewport=viewport, is_mobile=size == "phone", has_touch=size == "phone")
    page = context.new_page()
    found = {}

    def check(name):
        page.wait_for_load_state("networkidle")
        found[name] = serious_violations(page)
        # No sideways scrolling of the page itself (a wide equation scrolls inside its own box).
        if page.evaluate("document.documentElement.scrollWidth") > viewport["width"]:
            wide = page.evaluate(
                """width => [...document.querySelectorAll("main *")]
                    .filter(el => el.getBoundingClientRect().right > width + 1)
                    .slice(0, 3).map(el => el.tagName + "." + el.className)""",
                viewport["width"],
            )
            found[name].append(f"the page scrolls sideways: {wide}")
        screenshot(page, f"{size}-{name}")

    try:
        for name, path in (("home", "/"), ("sign-up", "/accounts/signup/"), ("verify", f"/verify/{code}")):
            page.goto(live_server.url + path)
            check(name)
        sign_in(context, learner)
        for name, path in (("catalogue", "/exams/"), ("start", "/exams/every-type/start/")):
            page.goto(live_server.url + path)
            check(name)
        attempt = start_exam(page, live_server, "every-type")
        for item in attempt.questions.all():
            page.goto(question_url(live_server, attempt, item.position))
            if item.content["type"] == "expression":
                page.get_by_label("Your answer").fill("(A + A^T) x")
                expect(page.locator("#preview-shape")).to_have_text("(n×1)")
            check(f"question-{item.content['type'].replace('_', '-')}")
        page.goto(f"{live_server.url}/attempts/{attempt.pk}/submit/")
        check("review")
        page.get_by_label("I am ready to submit").check()
        page.get_by_role("button", name="Submit the attempt").click()
        expect(page.get_by_role("heading", name=re.compile(r"^Score:"))).to_be_visible()
        check("results")
        for name, path in (("dashboard", "/dashboard/"), ("certificate", f"/certificates/{code}/")):
            page.goto(live_server.url + path)
            check(name)
    finally:
        context.close()
    assert {name: problems for name, problems in found.items() if problems} == {}, json.dumps(found, indent=1)
    assert len(found) == 15  # home, sign-up, verify, catalogue, start, six questions, review, results, …
