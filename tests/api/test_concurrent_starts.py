"""Concurrent starts for one learner (an LMS retrying on timeouts, a double click) all get the same attempt:
never a 500 from the one-open-attempt constraint, and 201 exactly once. Real HTTP requests in parallel
against the live server (threaded), on whichever database the run is configured with (PostgreSQL in CI)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from exams.models import Attempt
from integrations.models import ApiKey, Integration, ProvisionedLearner

STARTS = 12


@pytest.mark.django_db(transaction=True)
def test_twelve_concurrent_starts_get_one_attempt(live_server, django_user_model, make_question, make_exam):
    make_question("numeric")
    make_exam("race", count=1)
    integration = Integration.objects.create(name="Retrying LMS")
    user = django_user_model.objects.create_user("race@example.com", None, display_name="Racer")
    ProvisionedLearner.objects.create(integration=integration, external_id="r-1", user=user)
    _, secret = ApiKey.issue(integration, "race", ["attempts"])
    headers = {"Authorization": f"Bearer {secret}"}

    def start(_):
        return requests.post(
            f"{live_server.url}/api/v1/attempts/", json={"exam": "race", "learner": "r-1"}, headers=headers
        )

    with ThreadPoolExecutor(STARTS) as pool:
        responses = list(pool.map(start, range(STARTS)))

    assert sorted(response.status_code for response in responses) == [200] * (STARTS - 1) + [201]
    assert len({response.json()["id"] for response in responses}) == 1
    assert Attempt.objects.filter(learner=user).count() == 1
