"""The outbound URL policy: every URL dxam fetches or posts to later (webhooks, LTI platform endpoints).

Only http(s), no user:password@, and a host whose every address is public: loopback, private, link-local,
CGNAT, multicast, reserved and unspecified addresses are refused, IPv4-mapped IPv6 by the IPv4 address it
maps, and numeric hosts must be written as plain dotted quads or IPv6 (no decimal, octal or hex spellings,
which resolvers read in surprising ways). The check runs when a URL is registered and again on each
request, and the request connects to the very address that was checked, keeping the host name for the
Host header and TLS (SNI and certificate), so DNS cannot answer differently in between (rebinding).

ALLOW_PRIVATE_OUTBOUND (off by default) allows non-public addresses, for development and tests whose
receivers run on this machine; the other rules still apply.
"""

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from requests.adapters import HTTPAdapter

TIMEOUT_SECONDS = 10
# A host made only of digits, dots and hex spellings is an IP address, and must be written as one.
NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]*))*\.?$", re.IGNORECASE)
# Names that only ever mean something inside a network (cloud metadata, mDNS, home routers): refused even
# where this machine cannot resolve them, since the worker that delivers may.
INTERNAL_SUFFIXES = (".internal", ".local", ".localhost", ".localdomain", ".lan", ".home.arpa", ".intranet")


class RefusedUrl(requests.RequestException):
    """A URL the outbound policy does not allow; the message says why."""


@dataclass(frozen=True)
class Target:
    """A checked URL: its host name as written and the public address to connect to."""

    host: str
    address: str


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        if NUMERIC_HOST.match(host):
            raise RefusedUrl(f"Write the address {host!r} as a plain IP address.") from None
        return None


def check_url(url: str, unresolvable_ok: bool = False) -> Target | None:
    """The address to connect to for `url`, or RefusedUrl saying why the policy refuses it.

    With `unresolvable_ok` (registration: DNS may not be set up yet) a public-looking name that does not
    resolve now passes, as None; every request checks again and connects only to a checked address.
    """
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedUrl("This is not a valid URL.") from None
    if parts.scheme not in ("http", "https"):
        raise RefusedUrl("Only http and https URLs are allowed.")
    if "@" in parts.netloc:
        raise RefusedUrl("URLs with a user name or password are not allowed.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise RefusedUrl("The URL has no host.")
    literal = _literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        private_name = "." not in host or f".{host.lower()}".endswith(INTERNAL_SUFFIXES)
        if private_name and not settings.ALLOW_PRIVATE_OUTBOUND:
            raise RefusedUrl(f"The host {host!r} is not a public name.")
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            if unresolvable_ok:
                return None
            raise RefusedUrl(f"The host {host!r} cannot be resolved.") from None
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise RefusedUrl(f"The host {host!r} has no address.")
    if not settings.ALLOW_PRIVATE_OUTBOUND and not all(_is_public(address) for address in addresses):
        raise RefusedUrl(f"The host {host!r} is not a public address.")
    return Target(host=parts.hostname or host, address=str(addresses[0]))


def validate_outbound_url(url: str) -> None:
    """A model or serializer validator: the same policy, as a ValidationError."""
    try:
        check_url(url, unresolvable_ok=True)
    except RefusedUrl as refused:
        raise ValidationError(str(refused)) from None


class PinnedAdapter(HTTPAdapter):
    """Connects to the address check_url approved, keeping the host name for Host, SNI and the certificate."""

    def send(self, request, *args, **kwargs):  # type: ignore[override]
        target = check_url(str(request.url))
        assert target is not None  # unresolvable raises when a request is made
        request.headers.setdefault("Host", urlsplit(str(request.url)).netloc)
        request.checked_target = target  # type: ignore[attr-defined]
        return super().send(request, *args, **kwargs)

    def build_connection_pool_key_attributes(self, request, verify, cert=None) -> tuple[dict, dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        target: Target = request.checked_target
        host_params["host"] = target.address
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = target.host
            pool_kwargs["assert_hostname"] = target.host
        return host_params, pool_kwargs


class _PolicySession(requests.Session):
    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, *args, **kwargs)


def session(user_agent: str) -> requests.Session:
    """A requests session under the policy: checked, pinned addresses, a timeout, no redirects followed, and
    no proxies from the environment (a proxy would connect to the host name itself)."""
    outbound = _PolicySession()
    outbound.trust_env = False
    outbound.headers["User-Agent"] = user_agent
    adapter = PinnedAdapter()
    outbound.mount("http://", adapter)
    outbound.mount("https://", adapter)
    return outbound
