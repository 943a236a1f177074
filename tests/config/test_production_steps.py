"""The README's non-Docker production steps, followed literally on a fresh database — `migrate`,
`collectstatic`, gunicorn, with no CACHE_URL and nothing else run by hand — give an app whose every public
page works (the database cache table of the rate limits is made by a migration)."""

import pytest
import requests

from tests.servers import gunicorn, manage, production_environment

PUBLIC_PAGES = [
    ("GET", "/", 200),
    ("GET", "/exams/", 200),
    ("GET", "/accounts/login/", 200),
    ("GET", "/accounts/signup/", 200),
    ("GET", "/accounts/password/reset/", 200),
    ("GET", "/verify/no-such-code", 404),
    ("GET", "/api/v1/certificates/verify/no-such-code", 404),
    ("GET", "/api/v1/domains/", 401),
    ("GET", "/api/schema/", 200),
    ("GET", "/api/docs/", 200),
    ("GET", "/healthz", 200),
    ("GET", "/no/such/page", 404),
]


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    environment = production_environment(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    for name in ("CACHE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        environment.pop(name, None)
    manage(environment, "migrate", "--noinput")
    manage(environment, "collectstatic", "--noinput")
    with gunicorn(environment, tmp_path / "gunicorn.log") as base:
        yield base


@pytest.mark.parametrize(("method", "path", "status"), PUBLIC_PAGES)
def test_every_public_page_answers(production_server, method, path, status):
    response = requests.request(method, production_server + path, timeout=30)
    assert response.status_code == status, response.text[:500]


def test_a_sign_in_counts_in_the_cache_table(production_server):
    page = requests.get(f"{production_server}/accounts/login/", timeout=30)
    token = page.cookies["csrftoken"]
    response = requests.post(
        f"{production_server}/accounts/login/",
        data={"username": "nobody@example.org", "password": "wrong", "csrfmiddlewaretoken": token},
        # The cookie is Secure (production) and this server has no TLS in front: send it by hand.
        headers={"Cookie": f"csrftoken={token}"},
        timeout=30,
    )
    assert response.status_code == 200  # the form again, with its error: not a 500
    assert "correct" in response.text.lower()
