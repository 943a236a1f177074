import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_new_users_are_learners(learner):
    assert learner.role == User.Role.LEARNER
    assert not learner.is_author
    assert not learner.is_staff


def test_authors_may_write_questions_but_are_not_staff(author):
    assert author.is_author
    assert not author.is_staff


def test_admins_are_django_staff_and_authors(admin_user):
    assert admin_user.role == User.Role.ADMIN
    assert admin_user.is_staff
    assert admin_user.is_author


def test_promoting_to_admin_makes_staff_and_demoting_removes_it(learner):
    learner.role = User.Role.ADMIN
    learner.save()
    assert learner.is_staff
    learner.role = User.Role.AUTHOR
    learner.save()
    assert not learner.is_staff


@pytest.mark.parametrize("fixture", ["learner", "author"])
def test_only_admins_reach_the_admin_site(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_admin_reaches_the_admin_site_and_user_list(client, admin_user, learner):
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 200
    assert "ada@example.com" in response.content.decode()


def test_an_admin_can_add_an_author(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "newauthor@example.com",
            "display_name": "New Author",
            "role": "author",
            "usable_password": "true",
            "password1": "a long passphrase 2026",
            "password2": "a long passphrase 2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(email="newauthor@example.com").is_author


def test_the_profile_page_needs_sign_in_and_edits_the_display_name(client, learner):
    assert client.get("/accounts/profile/").status_code == 302
    client.force_login(learner)
    response = client.post("/accounts/profile/", {"display_name": "Augusta Ada King"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.display_name == "Augusta Ada King"
