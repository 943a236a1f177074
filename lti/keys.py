"""The tool's signing keys (django-lti's Key): the newest active key signs; rotation publishes a new one and
retires the ones it superseded once nothing they signed can be checked (LTI_KEY_RETIRE_AFTER_SECONDS)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from lti_tool.models import Key


def signing_key() -> Key:
    """The key that signs now (django-lti signs with the latest active key); created on first use."""
    key = Key.objects.active().order_by("-datetime_created").first()
    return key or Key.objects.generate()


def jwks() -> dict:
    signing_key()
    return Key.objects.as_jwks()


def rotate(now=None) -> Key:
    """Start signing with a new key; the previous one stays published until it can be retired."""
    key = Key.objects.generate()
    if now is not None:
        Key.objects.filter(pk=key.pk).update(datetime_created=now)
        key.refresh_from_db()
    retire_superseded(now)
    return key


def retire_superseded(now=None) -> int:
    """Unpublish active keys superseded by a newer key more than LTI_KEY_RETIRE_AFTER_SECONDS ago."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.LTI_KEY_RETIRE_AFTER_SECONDS)
    keys = list(Key.objects.active().order_by("-datetime_created"))
    retired = [
        older.pk for newer, older in zip(keys, keys[1:], strict=False) if newer.datetime_created <= cutoff
    ]
    return Key.objects.filter(pk__in=retired).update(is_active=False)


def platform_registration(registration):
    """pylti1p3's view of a registration (for service calls), signing with the tool's current key."""
    signing_key()
    return registration.to_registration()
