"""Role checks that hold for every visitor, signed in or not.

`request.user` is an `AnonymousUser` for signed-out visitors, which has neither `role` nor `is_author`: every
permission check (admin classes, author pages, the API) goes through these helpers, so no check can crash on
a visitor and turn a sign-in page into a 500.
"""

from typing import Any


def is_author(user: Any) -> bool:
    """An active, signed-in author or admin: writes questions, sees item statistics."""
    return bool(user.is_active and user.is_authenticated and getattr(user, "is_author", False))


def is_admin(user: Any) -> bool:
    """An active, signed-in admin (Django staff): runs exams, attempts and regrades."""
    return bool(user.is_active and user.is_authenticated and user.is_staff)
