"""An admin runs an exam programme in the browser: makes an exam in the admin that a learner then takes,
extends a running attempt (the learner's timer shows it at once), reads the statistics and dry-runs a regrade.
Screenshots of the admin pages are saved as test artifacts (test-artifacts/screenshots/admin-*.png)."""

import re

import pytest
from playwright.sync_api import expect

from analytics.simulation import simulate_learners
from exams.models import Attempt, Domain, Exam, Question

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_numeric_questions(make_question):
    make_question("numeric", title="Trace of the identity", stem="What is $\\operatorname{tr}(I_2)$?")
    make_question("numeric", title="Two ones", stem="What is $1 + 1$?")


def answer_and_submit(page, count):
    for position in range(1, count + 1):
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^Question {position} of"))
        page.get_by_label("Your answer").fill("2")
        expect(page.locator("#save-state")).to_have_text("Saved", timeout=10_000)
        if position < count:
            page.get_by_role("navigation", name="Questions").get_by_role(
                "link", name=re.compile(rf"^Question {position + 1},")
            ).click()
    page.get_by_role("link", name="Review and submit").click()
    page.get_by_label("I am ready to submit: my answers can no longer be changed.").check()
    page.get_by_role("button", name="Submit the attempt").click()


def test_an_admin_makes_an_exam_in_the_admin_and_a_learner_takes_it(
    browser, live_server, sign_in, admin_user, learner, two_numeric_questions, screenshot
):
    admin = browser.new_context().new_page()
    sign_in(admin.context, admin_user)
    admin.goto(f"{live_server.url}/admin/exams/exam/add/")
    admin.get_by_label("Title").fill("Trace drill")
    admin.get_by_label("Description").fill("Two quick numeric questions.")
    admin.get_by_label("Slug").fill("trace-drill")
    admin.get_by_label("Time limit minutes").fill("10")
    admin.get_by_label("Pass mark").fill("50")
    admin.get_by_label("domain 2, any").fill("3")  # more than the bank holds: refused, by field
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".errorlist")).to_contain_text("only 2")
    screenshot(admin, "admin-exam-validation")
    admin.get_by_label("domain 2, any").fill("2")
    admin.get_by_role("group", name="Review after submission:").get_by_label("The key").uncheck()
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was added successfully")
    exam = Exam.objects.get(slug="trace-drill")
    assert exam.blueprint == [{"domain": 2, "count": 2}] and exam.is_published
    assert "key" not in exam.review_after_submission and "score" in exam.review_after_submission
    admin.get_by_role("link", name="sample form").first.click()
    expect(admin.locator("#sample-questions tbody tr")).to_have_count(2)
    screenshot(admin, "admin-exam-sample-form")

    page = browser.new_context().new_page()
    sign_in(page.context, learner)
    page.goto(f"{live_server.url}/exams/")
    page.locator("article.exam-card").filter(has_text="Trace drill").get_by_role("link").click()
    page.get_by_role("button", name="Start now").click()  # a timed exam opens on its start page (issue 15)
    answer_and_submit(page, 2)
    expect(page.get_by_role("heading", name="Score: 100.0%")).to_be_visible()
    attempt = Attempt.objects.get(exam=exam, learner=learner)
    admin.goto(f"{live_server.url}/admin/exams/attempt/?exam__id__exact={exam.pk}")
    expect(admin.locator("#result_list tbody tr")).to_have_count(1)
    screenshot(admin, "admin-attempt-list")
    admin.goto(f"{live_server.url}/admin/exams/attempt/{attempt.pk}/change/")
    expect(admin.get_by_text("correct").first).to_be_visible()


def test_an_admin_extends_a_running_attempt_and_the_learners_timer_shows_it(
    browser, live_server, sign_in, admin_user, learner, two_numeric_questions, settings, screenshot
):
    settings.ATTEMPT_STATUS_POLL_SECONDS = 1
    exam = Exam.objects.create(
        slug="sitting",
        title="Extended sitting",
        description="d",
        blueprint=[{"count": 2}],
        time_limit_minutes=10,
    )
    page = browser.new_context().new_page()
    sign_in(page.context, learner)
    page.goto(f"{live_server.url}/exams/")
    page.locator("article.exam-card").filter(has_text="Extended sitting").get_by_role("link").click()
    page.get_by_role("button", name="Start now").click()  # a timed exam opens on its start page (issue 15)
    timer = page.locator("#timer")
    expect(timer).to_have_text(re.compile(r"^(9|10):\d\d$"))
    attempt = Attempt.objects.get(exam=exam, learner=learner)

    admin = browser.new_context().new_page()
    sign_in(admin.context, admin_user)
    admin.goto(f"{live_server.url}/admin/exams/attempt/{attempt.pk}/change/")
    admin.get_by_role("link", name="Extend the time").click()
    admin.get_by_label("Minutes").fill("30")
    admin.get_by_label("Reason").fill("Fire alarm in the exam room")
    screenshot(admin, "admin-attempt-extend")
    admin.get_by_role("button", name="Confirm").click()
    expect(admin.locator(".messagelist")).to_contain_text("Extended by 30 minutes")
    expect(admin.get_by_text("Fire alarm in the exam room")).to_be_visible()
    screenshot(admin, "admin-attempt-with-audit")

    expect(timer).to_have_text(re.compile(r"^(39|40):\d\d$"), timeout=10_000)  # no reload, no save
    screenshot(page, "learner-timer-extended")


def test_an_admin_reads_the_statistics_and_dry_runs_a_regrade(
    browser, live_server, sign_in, admin_user, make_question, screenshot
):
    for number, answer in ((1, "3"), (2, "-2")):
        make_question("numeric", slug=f"q{number}", domain=Domain.objects.get(number=number), answer=answer)
    make_question("single_choice", slug="choice", options=[("$n$", True), ("$1$", False), ("$n^2$", False)])
    exam = Exam.objects.create(slug="sim", title="Simulated", description="d", blueprint=[{"count": 3}],
                               time_limit_minutes=20, certifies=True, pass_mark=60)  # fmt: skip
    simulate_learners(exam, 40, seed=3)
    page = browser.new_context().new_page()
    sign_in(page.context, admin_user)
    page.goto(f"{live_server.url}/author/statistics/?exam=sim&sort=-facility")
    expect(page.locator("#item-table tbody tr")).to_have_count(3)
    expect(page.locator("#reliability")).to_be_visible()
    screenshot(page, "admin-item-statistics")
    page.goto(f"{live_server.url}/author/questions/choice/")
    expect(page.locator("#question-statistics")).to_contain_text("(key)")
    screenshot(page, "admin-question-statistics")

    question = Question.objects.get(slug="q1")
    question.answer = "6"
    question.save()
    question.record_version(admin_user)
    page.goto(f"{live_server.url}/admin/analytics/regrade/question/{question.pk}/")
    page.get_by_label("Reason").fill("The key was the trace of the wrong matrix")
    page.get_by_role("button", name="Dry run").click()
    expect(page.locator("#dry-run-summary")).to_contain_text("attempt(s) would change")
    screenshot(page, "admin-regrade-dry-run")
    page.get_by_role("button", name="Apply this regrade").click()
    expect(page.locator("#regrade-progress")).to_be_visible()
    screenshot(page, "admin-regrade-applied")
