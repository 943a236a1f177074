"""OIDC login initiation and launch validation, on top of pylti1p3 (via django-lti).

pylti1p3 checks the id_token's signature against the platform's JWKS, `exp`/`iat`, the issuer and client
against a registration, the deployment, and the message's required claims. dxam adds what it leaves out:

- The OIDC `state` is kept server-side (in the cache, for LAUNCH_STATE_SECONDS) rather than only in a
  cookie, so a launch inside an LMS iframe works when the browser blocks third-party cookies. A state cookie
  that does arrive must match. A state is used once.
- `aud` must contain the registration's client id, and `azp` must be it when present or when `aud` holds
  several audiences (pylti1p3 reads only the first audience and never looks at `azp`).
- The state remembers the platform (iss, client id) and the nonce it was issued for: a token from another
  platform, for another client, or with another nonce is refused under it.
- The nonce must be one this tool issued and is used once: a replayed id_token is refused.
- When `aud` lists several audiences, the registration is looked up by `azp` (pylti1p3 would take aud[0]).
- Every claim dxam stores must be a string that fits its column (STORED_CLAIMS), checked before anything is
  stored or the nonce used: an over-long or mistyped claim is refused, not a database error.
- The platform's JWKS is cached (lti.platform_keys) instead of fetched on every launch.
"""

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property
from lti_tool.models import (
    LtiContext,
    LtiDeployment,
    LtiLaunch,
    LtiMembership,
    LtiPlatformInstance,
    LtiResourceLink,
    LtiUser,
)
from lti_tool.utils import DjangoToolConfig, sync_data_from_launch
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.registration import TKeySet

from lti import errors, keys, outbound, platform_keys
from lti.errors import LtiError
from lti.models import UsedNonce

LAUNCH_STATE_SECONDS = 600
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
# Longest return URL dxam keeps in a learner's session (it has no column).
RETURN_URL_MAX_LENGTH = 2000
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


def _column(model: type[models.Model], name: str) -> int | None:
    return model._meta.get_field(name).max_length


# Where a claim dxam keeps is read from (object claim or None for a top-level claim, key), and how long it may
# be: its column's max_length (None: a text column, any length). Each must be a string when present.
STORED_CLAIMS: list[tuple[str | None, str, int | None]] = [
    (None, "sub", _column(LtiUser, "sub")),
    (None, "given_name", _column(LtiUser, "given_name")),
    (None, "family_name", _column(LtiUser, "family_name")),
    (None, "name", _column(LtiUser, "name")),
    (None, "email", _column(LtiUser, "email")),
    (None, "picture", _column(LtiUser, "picture_url")),
    (None, "nonce", _column(UsedNonce, "nonce")),
    (f"{CLAIM}deployment_id", "", _column(LtiDeployment, "deployment_id")),
    (f"{CLAIM}context", "id", _column(LtiContext, "id_on_platform")),
    (f"{CLAIM}context", "label", _column(LtiContext, "label")),
    (f"{CLAIM}context", "title", _column(LtiContext, "title")),
    (f"{CLAIM}resource_link", "id", _column(LtiResourceLink, "id_on_platform")),
    (f"{CLAIM}resource_link", "title", _column(LtiResourceLink, "title")),
    (f"{CLAIM}resource_link", "description", _column(LtiResourceLink, "description")),
    (f"{CLAIM}launch_presentation", "return_url", RETURN_URL_MAX_LENGTH),
    (f"{CLAIM}tool_platform", "guid", _column(LtiPlatformInstance, "guid")),
    (f"{CLAIM}tool_platform", "name", _column(LtiPlatformInstance, "name")),
    (f"{CLAIM}tool_platform", "url", _column(LtiPlatformInstance, "url")),
    (f"{CLAIM}tool_platform", "contact_email", _column(LtiPlatformInstance, "contact_email")),
    (f"{CLAIM}tool_platform", "description", _column(LtiPlatformInstance, "description")),
    (f"{CLAIM}tool_platform", "product_family_code", _column(LtiPlatformInstance, "product_family_code")),
    (f"{CLAIM}tool_platform", "version", _column(LtiPlatformInstance, "version")),
    (
        f"{CLAIM}platformnotificationservice",
        "platform_notification_service_url",
        _column(LtiDeployment, "pns_url"),
    ),
    (
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint",
        "lineitems",
        _column(LtiContext, "lineitems_url"),
    ),
    (
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint",
        "lineitem",
        _column(LtiContext, "lineitems_url"),
    ),
    (
        "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice",
        "context_memberships_url",
        _column(LtiContext, "memberships_url"),
    ),
]


def check_stored_claims(body: dict) -> None:
    """Refuse (invalid_token) a token whose stored claims are not strings or do not fit their columns."""
    for claim, key, max_length in STORED_CLAIMS:
        if claim is None or not key:
            name, value = claim or key, body.get(claim or key)
        else:
            container = body.get(claim)
            if container is None:
                continue
            if not isinstance(container, dict):
                raise LtiError(errors.INVALID_TOKEN, f"The launch's claim {claim} is not an object.")
            name, value = f"{claim} {key}", container.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise LtiError(errors.INVALID_TOKEN, f"The launch's claim {name} is not a string.")
        if max_length is not None and len(value) > max_length:
            raise LtiError(
                errors.INVALID_TOKEN, f"The launch's claim {name} is longer than {max_length} characters."
            )


class LaunchStorage(DjangoCacheDataStorage):
    """State, nonce and launch data in the shared cache under their own random names, not under a session
    cookie (which a browser blocking third-party cookies never sends to an iframe)."""

    def get_session_cookie_name(self) -> None:
        return None


class DxamLaunch(LtiLaunch):
    """django-lti's launch, with the membership found through the launch's own user and context (django-lti
    would look the registration up by aud[0], which misses a launch for several audiences)."""

    @cached_property
    def membership(self) -> LtiMembership:
        return LtiMembership.objects.get(user=self.user, context=self.context)


class BoundLogin(DjangoOIDCLogin):
    """An OIDC login whose state also remembers the nonce it was issued with (checked at launch)."""

    def _generate_nonce(self) -> str:
        nonce = super()._generate_nonce()
        self._state_params = {**self._state_params, "nonce": nonce}
        return nonce


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

    def get_client_id(self) -> str:
        """The audience naming dxam: `azp` when `aud` lists several (and includes it), else the only one."""
        body = self._get_jwt_body()
        aud, azp = body.get("aud"), body.get("azp")
        if isinstance(aud, list) and isinstance(azp, str) and azp in aud:
            return azp
        return super().get_client_id()

    def _issued(self) -> dict:
        """What the login that issued this launch's state recorded: iss, client_id and nonce."""
        params = self._session_service.get_state_params(self._get_request_param("state"))
        return params if isinstance(params, dict) else {}

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

    def validate_nonce(self) -> "DxamMessageLaunch":
        super().validate_nonce()
        if self._get_jwt_body().get("nonce") != self._issued().get("nonce"):
            raise LtiError(errors.INVALID_TOKEN, "This launch's nonce was not issued with its state.", 403)
        return self

    def validate_registration(self) -> "DxamMessageLaunch":
        super().validate_registration()
        body = self._get_jwt_body()
        client_id = self._registration.get_client_id() or ""
        # A launch restored from the cache (deep linking's answer) was bound when it was first validated.
        if not self._restored:
            issued = self._issued()
            if (body.get("iss"), client_id) != (issued.get("iss"), issued.get("client_id")):
                raise LtiError(
                    errors.INVALID_TOKEN,
                    "This launch was started by another platform or client than the one that signed it.",
                    status=403,
                )
        aud = body.get("aud")
        audiences: list = aud if isinstance(aud, list) else [aud]
        azp = body.get("azp")
        if client_id not in audiences or (azp is not None and azp != client_id):
            raise LtiError(errors.WRONG_AUDIENCE, "This launch was meant for another tool.")
        if len(audiences) > 1 and azp is None:
            raise LtiError(errors.WRONG_AUDIENCE, "A launch for several audiences must name dxam as its azp.")
        return self

    def validate_deployment(self) -> "DxamMessageLaunch":
        # Before the deployment lookup, which may store the deployment id.
        check_stored_claims(self._get_jwt_body())
        return super().validate_deployment()

    def save_launch_data(self) -> "DxamMessageLaunch":
        """The last step of validation: use up the nonce and the state, then keep the launch data."""
        body = self._get_jwt_body()
        try:
            with transaction.atomic():
                UsedNonce.objects.create(issuer=body["iss"], nonce=body["nonce"])
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
    login = BoundLogin(request, ToolConfig())
    login.set_launch_data_storage(LaunchStorage())
    login.set_launch_data_lifetime(LAUNCH_STATE_SECONDS)
    login.pass_params_to_launch({"iss": params["iss"], "client_id": params["client_id"]})
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
    launch = DxamLaunch(message_launch)
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
