"""Property-based run of the whole OpenAPI schema (schemathesis): no 5xx, and responses match the schema.

Each operation of /api/schema/ gets generated requests (valid and invalid) sent to a live server with an
integration's key. Schema-valid data may still be refused for what a schema cannot say (a key that is not
a derivative, a deadline passed), so the checks are the response checks, not "valid data is accepted".
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from integrations.models import ApiKey, Integration

pytestmark = pytest.mark.django_db(transaction=True)
EXAMPLES_PER_OPERATION = 12
# What the issue asks of every response: never a server error, and always what the schema documents.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def key(make_question, make_exam):
    make_question("numeric")
    make_question("expression")
    make_exam("fuzz-exam", count=2)
    _, secret = ApiKey.issue(Integration.objects.create(name="Fuzz"), "fuzz", [s.value for s in ApiKey.Scope])
    return secret


def test_every_operation_honours_the_schema(live_server, key):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    headers = {"Authorization": f"Bearer {key}"}
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def honours_schema(case):
            case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

        try:
            honours_schema()
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {error}")
    assert operations >= 20
    assert not failures, "\n\n".join(failures)
