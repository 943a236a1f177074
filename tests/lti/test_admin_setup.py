"""The admin's LTI pages: what to paste into Moodle or Canvas (the README quotes it), keys, registrations."""

import json
import re
from pathlib import Path

from lti_tool.models import Key

from lti import keys

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_setup_page_shows_the_values_the_readme_quotes(client, admin_user, settings, certifying_exam):
    settings.ALLOWED_HOSTS = ["dxam.example.org"]
    client.force_login(admin_user)
    page = client.get("/admin/lti_tool/ltiregistration/setup/", HTTP_HOST="dxam.example.org", secure=True)
    assert page.status_code == 200
    text = page.content.decode()
    section = README.read_text().split("## Add dxam to Moodle / Canvas")[1].split("\n## ")[0]
    quoted = dict(
        re.findall(r"^\| ([^|]+?) \| `(https://dxam\.example\.org/[^`]*)` \|$", section, re.MULTILINE)
    )
    assert len(quoted) == 4
    for field, value in quoted.items():
        assert re.search(
            rf"<th scope=\"row\">{re.escape(field)}</th><td[^>]*>{re.escape(value)}</td>", text
        ), field
    canvas = json.loads(
        re.search(r'<pre id="canvas-json">(.*?)</pre>', text, re.S).group(1).replace("&quot;", '"')
    )
    assert canvas["oidc_initiation_url"] == "https://dxam.example.org/lti/login/"
    assert canvas["public_jwk_url"] == "https://dxam.example.org/lti/jwks/"
    assert "exam=cert" in text


def test_the_setup_page_is_for_admins_only(client, learner):
    client.force_login(learner)
    assert client.get("/admin/lti_tool/ltiregistration/setup/").status_code == 302


def test_the_key_and_registration_admin_pages_open(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/lti_tool/ltiregistration/add/").status_code == 200
    assert client.get("/admin/lti_tool/key/").status_code == 200
    assert client.get("/admin/lti/scorepost/").status_code == 200


def test_an_admin_rotates_the_signing_key(client, admin_user):
    old = keys.signing_key()
    client.force_login(admin_user)
    client.post("/admin/lti_tool/key/", {"action": "rotate", "_selected_action": [old.pk]})
    assert keys.signing_key() != old and Key.objects.active().count() == 2
