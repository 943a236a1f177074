"""An author settles an answer that could not be graded, on a phone, and the learner's result follows."""

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate
from exams.models import Exam

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_author_marks_an_answer_right_and_the_learner_gets_the_certificate(
    phone, browser, live_server, learner, author, sign_in, make_question, screenshot
):
    make_question("numeric", slug="broken-key")
    exam = Exam.objects.create(
        slug="cert", title="Certified", description="Certifies.", blueprint=[{"count": 1}],
        time_limit_minutes=10, pass_mark=50, certifies=True,
    )  # fmt: skip
    attempt = exam.start_attempt(learner)
    item = attempt.questions.select_related("version").get()
    item.version.content = {**item.version.content, "answer": "two"}  # the key no longer parses
    item.version.save()
    attempt.save_answer(1, "2")
    attempt.submit()  # graded in-process: the answer waits for review

    learner_context = browser.new_context()
    learner_page = learner_context.new_page()
    sign_in(learner_context, learner)
    learner_page.goto(f"{live_server.url}/attempts/{attempt.pk}/result/")
    expect(learner_page.get_by_role("heading", name="Score: 0.0% (provisional)")).to_be_visible()
    expect(learner_page.get_by_text("Score provisional.")).to_be_visible()
    screenshot(learner_page, "result-provisional")

    sign_in(phone.context, author)
    phone.goto(f"{live_server.url}/")
    phone.get_by_role("link", name="Needs review").click()
    expect(phone.get_by_role("heading", name="Waiting (1)")).to_be_visible()
    expect(phone.get_by_role("row").filter(has_text="broken-key v1")).to_contain_text(
        "The question's key is broken"
    )
    screenshot(phone, "needs-review-list-phone")
    phone.get_by_role("link", name="Resolve").click()
    phone.get_by_label("Note").fill("2 is the intended key.")
    phone.get_by_role("button", name="Mark right").focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_text("Resolved: marked right by hand.")).to_be_visible()
    expect(phone.get_by_text("Nothing is waiting")).to_be_visible()

    learner_page.reload()
    expect(learner_page.get_by_role("heading", name="Score: 100.0%")).to_be_visible()
    expect(learner_page.get_by_role("link", name="View your certificate")).to_be_visible()
    assert Certificate.objects.get().attempt == attempt
    learner_context.close()
