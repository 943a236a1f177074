"""Who an LTI launch is in dxam: the learner linked to the launch's (issuer, subject), created on first launch
with the name and e-mail the claims give, and what the launch's roles let them see."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from lti_tool.models import LtiLaunch, LtiMembership, LtiUser

from accounts.models import placeholder_email

STAFF_FLAGS = ("is_instructor", "is_content_developer", "is_administrator")


def _usable_email(email: str | None, User) -> str | None:
    """The claimed address if it is valid and no other account uses it (never link accounts by e-mail)."""
    if not email or len(email) > 254:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return None
    return None if User.objects.filter(email__iexact=email).exists() else email


def learner_for(launch: LtiLaunch):
    """The dxam account of the launch's user, linked by (issuer, sub) through django-lti's LtiUser."""
    User = get_user_model()
    with transaction.atomic():
        lti_user = LtiUser.objects.select_for_update().select_related("registration").get(pk=launch.user.pk)
        if lti_user.auth_user_id is not None:
            return lti_user.auth_user
        name = (lti_user.name or f"{lti_user.given_name} {lti_user.family_name}").strip()[:120]
        email = _usable_email(lti_user.email, User) or placeholder_email("lti")
        user = User.objects.create_user(email, None, display_name=name or "Learner")
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user"])
        return user


def is_course_staff(membership: LtiMembership | None) -> bool:
    """Instructors, content developers and administrators of a context see its results."""
    return membership is not None and any(getattr(membership, flag) for flag in STAFF_FLAGS)


def staff_membership(user, context) -> LtiMembership | None:
    """`user`'s staff membership of an LTI context, if any."""
    memberships = LtiMembership.objects.filter(context=context, user__auth_user=user)
    return next((membership for membership in memberships if is_course_staff(membership)), None)
