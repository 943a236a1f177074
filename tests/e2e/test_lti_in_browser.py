"""dxam inside an LMS's iframe in Chromium: with third-party cookies blocked the learner takes the exam in
the window the launch opens; with them allowed, inside the frame. Either way the platform's gradebook
receives the score. And a REST integration's launch link: the learner takes the exam and reaches the
certificate."""

import json

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def platform_on_this_machine(local_receivers):
    """The test platform runs on 127.0.0.1, which the outbound URL policy refuses by default."""


# Whether Chromium keeps third-party cookies is the user's choice in Settings → Third-party cookies: the
# profile preference profile.cookie_controls_mode (CookieControlsMode: 0 kOff allows them, 1 kBlockThirdParty
# blocks them). Debian's Chromium 156 blocks them by default, in a fresh profile and whatever the switches
# (--test-third-party-cookie-phaseout changes nothing here; CDP's Network.responseReceivedExtraInfo reports
# the refused cookie with the reason "UserPreferences"). So each test states the user's choice, in a
# persistent profile: Playwright's browser.new_context has no preferences to set.
THIRD_PARTY_COOKIES_ALLOWED, THIRD_PARTY_COOKIES_BLOCKED = 0, 1


@pytest.fixture
def browser_context(playwright, browser_type_launch_args, tmp_path):
    """open(cookie_controls_mode): a browser context whose user allows or blocks third-party cookies."""
    contexts = []

    def open_context(cookie_controls_mode: int):
        profile = tmp_path / f"chromium-profile-{len(contexts)}"
        (profile / "Default").mkdir(parents=True)
        preferences = {"profile": {"cookie_controls_mode": cookie_controls_mode}}
        (profile / "Default" / "Preferences").write_text(json.dumps(preferences))
        contexts.append(playwright.chromium.launch_persistent_context(profile, **browser_type_launch_args))
        return contexts[-1]

    yield open_context
    for context in contexts:
        context.close()


def answer_all_and_submit(page, answers):
    """Answer question 1, 2, … in turn (waiting for each page), then submit from the review page."""
    for position, answer in enumerate(answers, start=1):
        expect(page.locator("h1.attempt-title")).to_contain_text(f"Question {position}")
        page.get_by_label("Your answer").fill(answer)
        # Wait for the autosave: an answer still in the page's journal makes the review page reload itself.
        expect(page.locator("#save-state")).to_have_text("Saved", timeout=10_000)
        last = position == len(answers)
        page.get_by_role("button", name="Save and review" if last else "Save and next →").click()
    expect(page.get_by_text(f"{len(answers)} questions · 0 unanswered")).to_be_visible()
    page.get_by_label("I am ready to submit").check()
    page.get_by_role("button", name="Submit the attempt").click()


def test_a_learner_takes_an_exam_from_the_lms_with_third_party_cookies_blocked(
    browser_context,
    lms,
    registration,
    certifying_exam,
    screenshot,  # noqa: F811
):
    course = lms.launch_for(user="sub-e2e", name="Grace Hopper", email="grace@example.org", exam="cert")
    context = browser_context(THIRD_PARTY_COOKIES_BLOCKED)
    page = context.pages[0]
    page.goto(course["course_url"])
    frame = page.frame_locator("#tool")
    open_link = frame.get_by_role("link", name="Open dxam in a new window")
    expect(open_link).to_be_visible()
    # The launch page's probe cookie really was refused inside the frame.
    assert "dxam_lti_probe" not in page.frame(url=lambda url: "/lti/launch/" in url).evaluate(
        "document.cookie"
    )
    screenshot(page, "lti-launch-cookies-blocked")

    with context.expect_page() as opened:
        open_link.click()
    exam = opened.value
    expect(frame.get_by_text("dxam is open in another window")).to_be_visible()
    exam.get_by_role("button", name="Start now").click()
    answer_all_and_submit(exam, ["2", "2"])
    expect(exam.get_by_role("heading", name="Score: 100.0%")).to_be_visible(timeout=30_000)
    expect(exam.get_by_role("link", name="View your certificate")).to_be_visible()
    [score] = lms.recorded()["scores"]
    assert score["scoreGiven"] == 100 and score["userId"] == "sub-e2e"


def test_a_learner_takes_an_exam_inside_the_lms_frame_when_third_party_cookies_are_allowed(
    browser_context,
    lms,
    registration,
    certifying_exam,
    screenshot,  # noqa: F811
):
    course = lms.launch_for(user="sub-framed", name="Ada Lovelace", email="ada@example.org", exam="cert")
    context = browser_context(THIRD_PARTY_COOKIES_ALLOWED)
    page = context.pages[0]
    page.goto(course["course_url"])
    frame = page.frame_locator("#tool")
    # The launch page saw its probe cookie and went on in place: the exam's start page is in the frame.
    frame.get_by_role("button", name="Start now").click()
    answer_all_and_submit(frame, ["2", "2"])
    expect(frame.get_by_role("heading", name="Score: 100.0%")).to_be_visible(timeout=30_000)
    screenshot(page, "lti-exam-in-frame")
    assert context.pages == [page], "dxam opened a window of its own"
    [tool_frame] = [f for f in page.frames if f.parent_frame is page.main_frame]
    assert "/lti/launch/" not in tool_frame.url
    assert "dxam_lti_probe" in tool_frame.evaluate("document.cookie")
    # The session lives in the frame because its cookie is SameSite=None; Secure (lti.middleware).
    [session] = [cookie for cookie in context.cookies() if cookie["name"] == settings.SESSION_COOKIE_NAME]
    assert session["sameSite"] == "None" and session["secure"]
    [score] = lms.recorded()["scores"]
    assert score["scoreGiven"] == 100 and score["userId"] == "sub-framed"


def test_a_rest_provisioned_learner_takes_an_exam_through_a_launch_link(page, live_server, certifying_exam):
    from integrations.models import ApiKey, Integration

    integration = Integration.objects.create(name="Demo LMS", return_origins="https://lms.example.org")
    _, secret = ApiKey.issue(integration, "key", ["learners", "attempts"])
    api = page.request
    headers = {"Authorization": f"Bearer {secret}"}
    api.post(
        f"{live_server.url}/api/v1/learners/",
        headers=headers,
        data={"external_id": "s-7", "display_name": "Grace Hopper"},
    )
    link = api.post(
        f"{live_server.url}/api/v1/learners/s-7/launch/",
        headers=headers,
        data={"exam": "cert", "return_url": "https://lms.example.org/course/7"},
    ).json()
    page.context.clear_cookies()
    page.goto(link["url"])
    expect(page.get_by_role("link", name="← Back to your course")).to_have_attribute(
        "href", "https://lms.example.org/course/7"
    )
    page.get_by_role("button", name="Start now").click()
    answer_all_and_submit(page, ["2", "2"])
    expect(page.get_by_role("heading", name="Score: 100.0%")).to_be_visible(timeout=30_000)
    page.get_by_role("link", name="View your certificate").click()
    expect(page.get_by_role("heading", name="Certified Matrix Calculus")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF (A4)").click()
    assert download.value.suggested_filename.endswith(".pdf")
