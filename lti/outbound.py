"""Every request dxam's LTI code sends to a platform (its JWKS, access tokens, AGS, NRPS) goes through
`session()`: the outbound URL policy of config.outbound (public addresses only, pinned, a timeout, no
redirects followed)."""

import requests

from config import outbound

USER_AGENT = "dxam-lti"


def session() -> requests.Session:
    return outbound.session(USER_AGENT)
