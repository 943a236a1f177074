"""Every request dxam's LTI code sends to a platform (its JWKS, access tokens, AGS, NRPS) goes through
`session()`, so one place decides which URLs may be fetched and how long a fetch may take."""

from urllib.parse import urlsplit

import requests

TIMEOUT_SECONDS = 10
USER_AGENT = "dxam-lti"


class RefusedUrl(requests.RequestException):
    """A URL the outbound policy does not allow (not http or https)."""


def check_url(url: str) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise RefusedUrl(f"Only http and https URLs are fetched, not {url[:80]!r}.")


class _PolicySession(requests.Session):
    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        check_url(str(url))
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, *args, **kwargs)


def session() -> requests.Session:
    """A requests session for platform endpoints: http(s) only, a timeout, no redirects followed."""
    outbound = _PolicySession()
    outbound.headers["User-Agent"] = USER_AGENT
    return outbound
