import pytest
from playwright.sync_api import expect

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_signs_up_and_sees_their_name(page, live_server):
    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("E-mail address").fill("katherine@example.com")
    page.get_by_label("Display name").fill("Katherine Johnson")
    page.get_by_label("Password", exact=True).fill("orbital mechanics 1962")
    page.get_by_label("Password confirmation").fill("orbital mechanics 1962")
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("link", name="Katherine Johnson")).to_be_visible()
    assert User.objects.filter(email="katherine@example.com").exists()


def test_a_learner_signs_in_and_out(page, live_server):
    User.objects.create_user(
        "dorothy@example.com", "fortran for everyone 1961", display_name="Dorothy Vaughan"
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill("dorothy@example.com")
    page.get_by_label("Password").fill("fortran for everyone 1961")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Dorothy Vaughan")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_a_wrong_password_is_explained(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill("nobody@example.com")
    page.get_by_label("Password").fill("not it")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct e-mail address and password")
