"""The address of the client behind the configured, trusted reverse proxies (sign-in rate limits key on it).

Behind a TLS proxy every request's REMOTE_ADDR is the proxy's, so a whole class shares one address; the
proxy puts the address it saw in X-Forwarded-For. That header is whatever the client sent plus what each
proxy appended, so it is read only when the request came from a proxy listed in TRUSTED_PROXIES, and from
the right: the first address that is not a trusted proxy is the client. Anything to its left was written
by the client and is never believed.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, proxies: list[Network]) -> bool:
    return any(address.version == network.version and address in network for network in proxies)


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the nearest untrusted address in X-Forwarded-For if REMOTE_ADDR is a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies: list[Network] = settings.TRUSTED_PROXIES
    nearest = _parse(remote)
    if nearest is None or not _is_trusted(nearest, proxies):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([item for item in forwarded.split(",") if item.strip()]):
        address = _parse(hop)
        if address is None:  # not written by a proxy we trust: stop at the last hop that was
            break
        nearest = address
        if not _is_trusted(address, proxies):
            break
    return str(nearest)
