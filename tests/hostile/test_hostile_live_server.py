"""Every hostile or concurrent request gets a correct answer, on the production stack: gunicorn (two
processes, threads), PostgreSQL, Redis (broker and rate-limit cache) and a real Celery worker.

One test per defect of issue 12: races, SSRF, provisioning oracles, scopes, bad input, throttle overshoot,
saved_at, typed errors, rules written once, /healthz, schema, times and ETags. Skipped without PostgreSQL
(DATABASE_URL) or Redis, like the other worker tests.
"""

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.db import connection
from django.utils import timezone

from exams.models import Attempt
from integrations.models import ApiKey, Integration, WebhookDelivery, WebhookEndpoint
from tests.integrations.test_outbound_policy import REFUSED as INTERNAL_URLS
from tests.servers import gunicorn, manage, production_environment
from tests.workers import database_url_for_workers, queue_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LEARNER_RATE = 60  # per attempt and day on this stack (a window no run crosses)
ALL = ["learners", "attempts", "results", "webhooks"]


@pytest.fixture(scope="module")
def stack(django_db_setup, redis_url, tmp_path_factory):
    """gunicorn (DEBUG off) and a worker on this run's PostgreSQL test database and Redis, for the module;
    yields the base URL."""
    if connection.vendor != "postgresql":
        pytest.skip("the hostile stack runs on PostgreSQL: set DATABASE_URL")
    tmp_path = tmp_path_factory.mktemp("hostile")
    settings = {
        "DJANGO_SETTINGS_MODULE": "tests.hostile.settings",
        "DATABASE_URL": database_url_for_workers(),
    }
    with pytest.MonkeyPatch.context() as monkeypatch:
        with queue_worker(redis_url, tmp_path / "worker.log", monkeypatch, **settings) as worker:
            environment = production_environment(
                tmp_path,
                **settings,
                CELERY_BROKER_URL=redis_url,
                CELERY_RESULT_BACKEND=redis_url,
                CACHE_URL=redis_url,
                DXAM_TEST_QUEUE=worker.queue,
                API_RATE_PER_LEARNER=f"{LEARNER_RATE}/day",
                ALLOW_PRIVATE_OUTBOUND="0",
            )
            manage(environment, "collectstatic", "--noinput")
            with gunicorn(environment, tmp_path / "gunicorn.log") as base:
                yield base


@pytest.fixture
def lms(stack, make_question, make_exam):
    """An integration with a key of the usual scopes, one learner and a one-question exam."""
    make_question("numeric", answer="42")
    make_question("single_choice")
    make_exam("hostile", count=2, time_limit_minutes=10, pass_mark=50)
    integration = Integration.objects.create(name="Hostile LMS")
    yield Client(stack, integration, ALL)
    # The real worker may still be grading what the test submitted: the flush after the test must not race
    # its transaction (their table locks deadlocked once).
    wait_for(lambda: not Attempt.objects.filter(status=Attempt.Status.SUBMITTED).exists())


class Client:
    def __init__(self, base, integration, scopes):
        self.base, self.integration = base, integration
        _, secret = ApiKey.issue(integration, "hostile", scopes)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {secret}"

    def call(self, method, path, body=None, **kwargs):
        return self.session.request(method, self.base + path, json=body, timeout=60, **kwargs)

    def learner(self, external_id="l-1", **fields):
        return self.call(
            "POST", "/api/v1/learners/", {"external_id": external_id, "display_name": "L", **fields}
        )

    def start(self, external_id="l-1"):
        return self.call("POST", "/api/v1/attempts/", {"exam": "hostile", "learner": external_id})


def question_of(attempt, kind):
    return next(question for question in attempt["questions"] if question["type"] == kind)


def assert_error(response, status, code):
    assert response.status_code == status, response.text[:300]
    assert response.json()["error"]["code"] == code
    assert set(response.json()["error"]) == {"code", "message", "details"}


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"not reached within {timeout} s")


# 1. Concurrent starts ------------------------------------------------------------------------------------


def test_concurrent_starts_give_one_attempt_and_one_201(lms):
    lms.learner()
    with ThreadPoolExecutor(12) as pool:
        responses = list(pool.map(lambda _: lms.start(), range(12)))
    assert sorted(response.status_code for response in responses) == [200] * 11 + [201]
    assert len({response.json()["id"] for response in responses}) == 1


# 2. SSRF -------------------------------------------------------------------------------------------------


def test_webhooks_to_internal_addresses_are_refused(lms):
    for url in INTERNAL_URLS:
        response = lms.call("POST", "/api/v1/webhooks/", {"url": url, "events": ["attempt.graded"]})
        assert_error(response, 400, "invalid")
    assert not WebhookEndpoint.objects.exists()


@pytest.fixture
def local_receiver():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()
    server.server_close()


def test_the_worker_refuses_to_deliver_to_an_internal_address(lms, local_receiver):
    url, received = local_receiver
    # As if the address had become internal after registration (DNS rebinding): the worker checks again.
    WebhookEndpoint.objects.create(integration=lms.integration, url=url, events=["attempt.graded"])
    lms.learner()
    attempt = lms.start().json()
    lms.call("PUT", f"/api/v1/attempts/{attempt['id']}/answers/1/", {"answer": "42"})
    assert lms.call("POST", f"/api/v1/attempts/{attempt['id']}/submit/").status_code == 202
    delivery = wait_for(lambda: WebhookDelivery.objects.filter(attempts__gte=1).first())
    assert "outbound URL policy" in delivery.last_error
    assert received == []


# 3. Provisioning oracles ---------------------------------------------------------------------------------


def test_provisioning_reveals_no_other_account_or_learner(lms, stack, learner):
    other = Client(stack, Integration.objects.create(name="Prober"), ["learners"])
    assert other.learner("victim").status_code == 201
    assert lms.learner("victim").status_code == 201  # not squatted
    taken, free = lms.learner("t", email=learner.email), lms.learner("f", email="free@example.org")
    assert (taken.status_code, free.status_code) == (201, 201)
    assert set(taken.json()) == set(free.json())


# 4. Scopes -----------------------------------------------------------------------------------------------


def test_a_key_without_the_webhooks_scope_cannot_subscribe(stack):
    for scopes in (["learners"], ["bank"]):
        client = Client(stack, Integration.objects.create(name=f"Only {scopes[0]}"), scopes)
        response = client.call(
            "POST", "/api/v1/webhooks/", {"url": "https://a.example/", "events": ["attempt.graded"]}
        )
        assert response.status_code == 403


def test_registering_the_same_webhook_twice_is_one_endpoint(lms):
    hook = {"url": "https://lms.example.org/hook", "events": ["attempt.graded"]}
    first, again = lms.call("POST", "/api/v1/webhooks/", hook), lms.call("POST", "/api/v1/webhooks/", hook)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


# 5. Bad input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/verify/x%00y", "/api/v1/certificates/verify/x%00y", "/api/v1/learners/a%00b/", "/api/v1/exams/%00/"],
)
def test_a_nul_in_an_address_is_a_400(lms, path):
    response = lms.call("GET", path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert_error(response, 400, "invalid_characters")


def test_bad_bodies_are_clear_4xx_in_json(lms):
    lms.learner()
    attempt = lms.start().json()
    numeric = question_of(attempt, "numeric")["position"]
    answer_url = f"/api/v1/attempts/{attempt['id']}/answers/{numeric}/"
    assert_error(lms.call("PUT", answer_url, {"answer": "4\x002"}), 400, "invalid")
    deep = "[" * 100_000 + "]" * 100_000
    headers = {"Content-Type": "application/json"}
    assert_error(lms.call("POST", "/api/v1/learners/", data=deep, headers=headers), 400, "invalid")
    big = json.dumps({"external_id": "big", "display_name": "x" * 3_000_000})
    assert_error(lms.call("POST", "/api/v1/learners/", data=big, headers=headers), 413, "too_large")


def test_an_api_address_without_its_slash_is_not_redirected(lms):
    response = lms.call(
        "POST", "/api/v1/learners", {"external_id": "s", "display_name": "S"}, allow_redirects=False
    )
    assert response.status_code == 201
    assert_error(lms.call("GET", "/api/v1/no-such-endpoint"), 404, "not_found")


def test_an_external_id_with_a_slash_is_refused(lms):
    assert_error(lms.learner("a/b"), 400, "invalid")


# 6. Throttling -------------------------------------------------------------------------------------------


def test_twelve_threads_never_overshoot_the_per_learner_limit(lms):
    lms.learner()
    attempt_url = f"/api/v1/attempts/{lms.start().json()['id']}/"

    def burst(_):
        return [lms.call("GET", attempt_url).status_code for _ in range(10)]

    with ThreadPoolExecutor(12) as pool:
        codes = [code for codes in pool.map(burst, range(12)) for code in codes]
    assert codes.count(200) == LEARNER_RATE  # starting counts against the key, not the learner
    assert codes.count(429) == 120 - LEARNER_RATE


# 7, 8. Attempt rules -------------------------------------------------------------------------------------


def test_attempt_refusals_have_their_own_codes(lms):
    lms.learner()
    attempt = lms.start().json()
    base = f"/api/v1/attempts/{attempt['id']}"
    choice = question_of(attempt, "single_choice")["position"]
    numeric = question_of(attempt, "numeric")["position"]
    assert_error(lms.call("PUT", f"{base}/answers/{choice}/", {"answer": ["zz"]}), 400, "invalid_answer")
    assert_error(lms.call("PUT", f"{base}/answers/99/", {"answer": "1"}), 404, "no_such_question")
    early = {"answer": "1", "saved_at": "0001-01-01T00:00:00Z"}
    assert_error(lms.call("PUT", f"{base}/answers/{numeric}/", early), 400, "invalid_answer")
    now = timezone.now()
    assert lms.call(
        "PUT", f"{base}/answers/{numeric}/", {"answer": "42", "saved_at": now.isoformat()}
    ).json()["saved"]
    stale = {"answer": "41", "saved_at": (now - timedelta(seconds=2)).isoformat()}
    assert lms.call("PUT", f"{base}/answers/{numeric}/", stale).json()["saved"] is False
    lms.call("POST", f"{base}/submit/")
    assert_error(lms.call("PUT", f"{base}/answers/{numeric}/", {"answer": "1"}), 409, "attempt_closed")


def test_an_expired_attempt_submitted_through_the_api_is_finalized_at_its_deadline_and_graded(lms):
    lms.learner()
    attempt = lms.start().json()
    deadline = timezone.now() - timedelta(hours=3)
    Attempt.objects.filter(pk=attempt["id"]).update(
        deadline=deadline, started_at=deadline - timedelta(hours=1)
    )
    assert lms.call("POST", f"/api/v1/attempts/{attempt['id']}/submit/").status_code == 202
    graded = wait_for(lambda: Attempt.objects.filter(pk=attempt["id"], status="graded").first())
    assert graded.submitted_at == deadline
    assert graded.finalized_by == Attempt.FinalizedBy.ACCESS


# 10. Health, times, ETags --------------------------------------------------------------------------------


def test_healthz_shows_component_states_only(stack):
    body = requests.get(f"{stack}/healthz", timeout=30).json()
    assert {name: state for name, state in body.items() if name != "worker"} == {
        "status": "ok",
        "database": {"status": "ok"},
        "broker": {"status": "ok"},
    }
    assert body["worker"] in ({"status": "ok"}, {"status": "stale"})  # states only, no details


def test_times_end_in_z_and_etags_are_stable(lms):
    lms.learner()
    url = f"/api/v1/attempts/{lms.start().json()['id']}/"
    first = lms.call("GET", url)
    assert first.json()["server_now"].endswith("Z") and first.json()["deadline"].endswith("Z")
    assert lms.call("GET", url).headers["ETag"] == first.headers["ETag"]
    assert lms.call("GET", url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
