import pytest

from tests.lti_platform import enter_url, launch, lms, registration, tool_client  # noqa: F401


@pytest.fixture(autouse=True)
def platform_on_this_machine(local_receivers):
    """The test platform runs on 127.0.0.1."""
