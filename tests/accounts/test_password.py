import re

import pytest

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "an even longer passphrase 2027"


def test_a_signed_in_user_can_change_their_password(client, learner, password):
    client.force_login(learner)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)


def test_changing_the_password_needs_the_old_one(client, learner):
    client.force_login(learner)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    learner.refresh_from_db()
    assert not learner.check_password(NEW_PASSWORD)


def test_password_reset_mails_a_link_that_sets_a_new_password(client, learner, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ada@example.com"]
    assert message.subject == "Reset your dxam password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)


def test_password_reset_does_not_reveal_unknown_addresses(client, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "stranger@example.com"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_a_used_reset_link_is_refused(client, learner, mailoutbox):
    client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert client.get(link, follow=True).context["validlink"] is False
