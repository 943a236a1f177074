"""Why an LTI request was refused: one typed error with a stable code, shown on one page (lti/error.html)."""

from dataclasses import dataclass


@dataclass
class LtiError(Exception):
    """A launch or deep-linking request dxam refuses; `message` is shown to the person as it is."""

    code: str
    message: str
    status: int = 400

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


MISSING_PARAMETERS = "missing_parameters"
UNKNOWN_PLATFORM = "unknown_platform"
UNKNOWN_STATE = "unknown_state"
INVALID_TOKEN = "invalid_token"
WRONG_AUDIENCE = "wrong_audience"
REPLAYED_LAUNCH = "replayed_launch"
INACTIVE_DEPLOYMENT = "inactive_deployment"
UNKNOWN_EXAM = "unknown_exam"
UNSUPPORTED_MESSAGE = "unsupported_message"
DEEP_LINK_MISMATCH = "deep_link_mismatch"
NOT_INSTRUCTOR = "not_instructor"
PLATFORM_UNREACHABLE = "platform_unreachable"
