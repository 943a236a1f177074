"""Every admin and author URL, visited by each role: a sign-in page, a redirect, a refusal or the page —
never a server error. The URLs are read from the URL configuration, so a page added later is covered too."""

import re

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from analytics.admin import STAFF_ACTIONS
from analytics.models import Regrade
from integrations.models import Integration, ProvisionedLearner, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db
PREFIXES = ("admin/", "author/")
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
ROLES = ["anonymous", "learner", "author", "admin_user"]


def routes():
    """Every route under the admin and author prefixes, as (route, model label or None)."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return [route for route in walk(get_resolver().url_patterns, "") if route.startswith(PREFIXES)]


@pytest.fixture
def world(certifying_exam, learner, admin_user, take):
    """One row of each kind the pages show: a graded attempt with a certificate, a regrade, an integration."""
    attempt = take(certifying_exam, learner, correct=2)
    question = attempt.questions.first().question
    integration = Integration.objects.create(name="Moodle")
    ProvisionedLearner.objects.create(integration=integration, external_id="x-1", user=learner)
    endpoint = WebhookEndpoint.objects.create(integration=integration, url="http://127.0.0.1:9/", events=[])
    WebhookDelivery.objects.create(endpoint=endpoint, event="attempt.graded", event_key="k", payload={})
    Regrade.objects.create(
        question=question, reason="r", requested_by=admin_user, created_at=attempt.graded_at
    )
    return {"attempt": attempt, "question": question}


def concrete_urls(world):
    """Each route with real ids filled in (and each staff action, each app label)."""
    urls = set()
    for route in routes():
        route = route.replace("^", "").replace("$", "")
        if "(?P<url>" in route:
            urls.add("/" + route.split("(?P<url>")[0] + "no-such-page/")
            continue
        if "(?P<app_label>" in route:
            labels = re.search(r"\(\?P<app_label>([^)]*)\)", route).group(1).split("|")
            urls |= {"/" + re.sub(r"\(\?P<app_label>[^)]*\)", label, route) for label in labels}
            continue
        for action in STAFF_ACTIONS if "<slug:action>" in route else [None]:
            urls.add(
                "/"
                + PARAMETER.sub(
                    lambda match, r=route, a=action: value_for(match.group(2), r, world, a), route
                )
            )
    return sorted(urls)


def value_for(name, route, world, action):
    if name == "action":
        return action
    if name == "slug":
        return world["question"].slug
    if name == "question_id":
        return str(world["question"].pk)
    if name == "content_type_id":
        return str(ContentType.objects.get_for_model(world["question"]).pk)
    if name in ("object_id", "id", "pk"):
        before = route.split("<")[0].strip("/").split("/")
        try:
            model = apps.get_model(before[-2], before[-1])
        except (LookupError, IndexError, ValueError):  # not a model's page: the question's author pages
            model = type(world["question"])
        row = model.objects.first()
        return str(row.pk) if row is not None else "999999"
    return "1"


def test_the_admin_sign_in_page_loads_signed_out(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "password" in response.content.decode().lower()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_and_author_url_answers_each_role_without_a_server_error(client, request, world, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    urls = concrete_urls(world)
    assert len(urls) > 80 and any("/do/void/" in url for url in urls)
    outcomes = {url: client.get(url) for url in urls}
    errors = {url: response.status_code for url, response in outcomes.items() if response.status_code >= 500}
    assert not errors
    for url, response in outcomes.items():
        if role == "anonymous" and response.status_code == 302:
            assert "login" in response["Location"] or url.endswith("/logout/"), url
        if role in ("anonymous", "learner"):
            assert response.status_code != 200 or url.endswith(("/login/", "/password_reset/")), url
    if role == "admin_user":
        attempt = world["attempt"]
        for url in (
            "/admin/exams/exam/",
            f"/admin/exams/attempt/{attempt.pk}/change/",
            "/admin/analytics/regrade/",
        ):
            assert outcomes[url].status_code == 200, url
    if role == "author":
        assert outcomes[f"/author/questions/{world['question'].slug}/"].status_code == 200
        assert outcomes["/admin/exams/attempt/"].status_code == 302
