from tests.lti_platform import enter_url, launch, lms, registration, tool_client  # noqa: F401
