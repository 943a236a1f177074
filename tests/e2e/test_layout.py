import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_home_page_fits_a_phone_screen(phone, live_server):
    phone.goto(live_server.url)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("matrix calculus")
    expect(phone.get_by_role("link", name="Browse the exams")).to_be_visible()
    # Nothing overflows sideways: the page is no wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_stylesheet_is_served_by_the_app_and_applied(page, live_server):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    external = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(live_server.url) else external.append(request.url),
    )
    page.goto(live_server.url)
    header_background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert header_background == "rgb(255, 255, 255)"
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
    assert failed == []
    assert external == []


def test_the_catalogue_is_reachable_by_keyboard(page, live_server):
    page.goto(live_server.url)
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.get_by_role("link", name="Exams", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/exams/")
    expect(page.get_by_role("heading", name="Full practice exam")).to_be_visible()
