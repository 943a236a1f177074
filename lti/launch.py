"""OIDC login initiation and launch validation, on top of pylti1p3 (via django-lti).

pylti1p3 checks the id_token's signature against the platform's JWKS, `exp`/`iat`, the issuer and client
against a registration, the deployment, and the message's required claims. dxam adds what it leaves out:

- The OIDC `state` is kept server-side (in the cache, for LAUNCH_STATE_SECONDS) rather than only in a
  cookie, so a launch inside an LMS iframe works when the browser blocks third-party cookies. A state cookie
  that does arrive must match. A state is used once.
- `aud` must contain the registration's client id, and `azp` must be it when present or when `aud` holds
  several audiences (pylti1p3 reads only the first audience and never looks at `azp`).
- The nonce must be one this tool issued and is used once: a replayed id_token is refused.
- The platform's JWKS is cached (lti.platform_keys) instead of fetched on every launch.
"""

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from lti_tool.models import LtiLaunch
from lti_tool.utils import DjangoToolConfig, sync_data_from_launch
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.registration import TKeySet

from lti import errors, keys, outbound, platform_keys
from lti.errors import LtiError
from lti.models import UsedNonce

LAUNCH_STATE_SECONDS = 600
# What pylti1p3 and PyJWT raise on malformed input besides LtiException: refused, never a 500.
MALFORMED = (
    LtiException,
    OIDCException,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    AssertionError,
    LookupError,
)


class LaunchStorage(DjangoCacheDataStorage):
    """State, nonce and launch data in the shared cache under their own random names, not under a session
    cookie (which a browser blocking third-party cookies never sends to an iframe)."""

    def get_session_cookie_name(self) -> None:
        return None


class ToolConfig(DjangoToolConfig):
    """django-lti's registrations and deployments, with the tool's signing key created on first use."""

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        keys.signing_key()
        return super().find_registration_by_params(iss, client_id, *args, **kwargs)


class DxamMessageLaunch(DjangoMessageLaunch):
    def fetch_public_key(self, key_set_url: str) -> TKeySet:
        kid = self._jwt.get("header", {}).get("kid")
        return platform_keys.key_set(
            key_set_url, self._requests_session, kid if isinstance(kid, str) else None
        )

    def validate_state(self) -> "DxamMessageLaunch":
        state = self._get_request_param("state")
        if not state or not self._session_service.get_state_params(state):
            raise LtiError(
                errors.UNKNOWN_STATE,
                "This launch has expired or was already used. Open it again from your course.",
            )
        cookie = self._cookie_service.get_cookie(state)
        if cookie is not None and cookie != state:
            raise LtiError(errors.UNKNOWN_STATE, "This launch belongs to another browser session.")
        return self

    def validate_registration(self) -> "DxamMessageLaunch":
        super().validate_registration()
        body = self._get_jwt_body()
        client_id = self._registration.get_client_id() or ""
        aud = body.get("aud")
        audiences: list = aud if isinstance(aud, list) else [aud]
        azp = body.get("azp")
        if client_id not in audiences or (azp is not None and azp != client_id):
            raise LtiError(errors.WRONG_AUDIENCE, "This launch was meant for another tool.")
        if len(audiences) > 1 and azp is None:
            raise LtiError(errors.WRONG_AUDIENCE, "A launch for several audiences must name dxam as its azp.")
        return self

    def save_launch_data(self) -> "DxamMessageLaunch":
        """The last step of validation: use up the nonce and the state, then keep the launch data."""
        body = self._get_jwt_body()
        try:
            with transaction.atomic():
                UsedNonce.objects.create(issuer=body["iss"], nonce=str(body["nonce"])[:255])
        except IntegrityError:
            raise LtiError(
                errors.REPLAYED_LAUNCH, "This launch was already used. Open the exam again from your course."
            ) from None
        self._session_service.save_state_params(self._get_request_param("state"), {})
        return super().save_launch_data()


def login_redirect(request: HttpRequest) -> HttpResponse:
    """Answer the platform's OIDC login initiation with the redirect to its authorization endpoint."""
    params = request.POST if request.method == "POST" else request.GET
    missing = [name for name in ("iss", "login_hint", "target_link_uri", "client_id") if not params.get(name)]
    if missing:
        raise LtiError(errors.MISSING_PARAMETERS, f"The login request lacks {', '.join(missing)}.")
    login = DjangoOIDCLogin(request, ToolConfig())
    login.set_launch_data_storage(LaunchStorage())
    login.set_launch_data_lifetime(LAUNCH_STATE_SECONDS)
    login.pass_params_to_launch({"iss": params["iss"]})
    try:
        return login.redirect(request.build_absolute_uri(reverse("lti_launch")))
    except MALFORMED:
        raise LtiError(
            errors.UNKNOWN_PLATFORM,
            "dxam has no active registration for this platform and client id. An administrator adds it in "
            "dxam's admin (LTI registrations).",
            status=403,
        ) from None


def validated_launch(request: HttpRequest) -> LtiLaunch:
    """The launch POSTed by the platform, fully validated, or LtiError saying why not."""
    if not request.POST.get("id_token") or not request.POST.get("state"):
        raise LtiError(errors.MISSING_PARAMETERS, "A launch needs an id_token and a state.")
    state = request.POST["state"]
    if len(state) > 200 or not (state.isascii() and state.isprintable()):
        raise LtiError(errors.UNKNOWN_STATE, "This launch's state is not one dxam issued.")
    message_launch = DxamMessageLaunch(
        request, ToolConfig(), launch_data_storage=LaunchStorage(), requests_session=outbound.session()
    )
    try:
        message_launch.validate()
    except LtiError:
        raise
    except MALFORMED as error:
        raise LtiError(
            errors.INVALID_TOKEN, f"The launch could not be verified ({_reason(error)}).", status=403
        ) from None
    launch = LtiLaunch(message_launch)
    if not launch.deployment.is_active:
        raise LtiError(
            errors.INACTIVE_DEPLOYMENT,
            f"Deployment {launch.deployment.deployment_id!r} of this platform is not active in dxam. An "
            "administrator activates it in dxam's admin (LTI registrations).",
            status=403,
        )
    return launch


def _reason(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return text[:200]


def claim_dict(launch: LtiLaunch, uri: str) -> dict:
    """An object claim (custom, launch_presentation, AGS endpoint …), {} when absent or not an object."""
    value = launch.get_claim(uri)
    return value if isinstance(value, dict) else {}


def record(launch: LtiLaunch) -> None:
    """Keep the launch's user, context, membership and resource link (django-lti's records)."""
    try:
        with transaction.atomic():
            sync_data_from_launch(launch)
    except MALFORMED as error:
        raise LtiError(
            errors.INVALID_TOKEN, f"The launch's claims could not be read ({_reason(error)})."
        ) from None
