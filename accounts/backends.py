"""Signing in with an e-mail address and password, and finding the signed-in user on every request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from config.rows import fetch

BACKEND = "accounts.backends.AccountBackend"


class AccountBackend(ModelBackend):
    """Django's model backend, reading the signed-in user with one precompiled statement (every request
    does it: through the ORM it was a tenth of an autosave's CPU).

    It is the one backend that checks passwords: settings.AUTHENTICATION_BACKENDS lists Django's
    ModelBackend after it only so that sessions signed in before it existed stay signed in, and a wrong
    password ends the search here rather than being hashed a second time there."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        return _final(user, password)

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        user = await super().aauthenticate(request, username=username, password=password, **kwargs)
        return _final(user, password)

    def get_user(self, user_id):
        user = fetch(get_user_model(), pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def _final(user, password):
    """A password that did not sign anyone in ends the search: no other backend hashes it again."""
    if user is None and password is not None:
        raise PermissionDenied("Wrong e-mail address or password.")
    return user
