import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


def placeholder_email(domain: str) -> str:
    """An address for an account created without a usable e-mail (by an LMS): random, so nobody can guess
    it, test whether an account exists, or take it first. `domain` names who created it."""
    return f"{secrets.token_hex(12)}@{domain}.dxam.invalid"


class UserManager(BaseUserManager):
    """Users are identified by e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("role", User.Role.LEARNER)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["role"] = User.Role.ADMIN
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # Sign-in is case-insensitive on the address.
        return self.get(email__iexact=email)


class User(AbstractUser):
    class Role(models.TextChoices):
        LEARNER = "learner", "Learner"
        AUTHOR = "author", "Author"
        ADMIN = "admin", "Admin"

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("e-mail address", unique=True)
    display_name = models.CharField(
        max_length=120,
        help_text="Your name as it appears on certificates.",
    )
    role = models.CharField(max_length=16, choices=Role, default=Role.LEARNER)
    time_multiplier = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="Accommodation: timed exams give this learner this many times the time limit (e.g. 1.5).",
    )
    deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the account was deleted: its personal data is gone, its attempts stay anonymous.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.display_name or self.email

    def save(self, *args, **kwargs):
        # Admins are exactly the Django staff: the role is the single source, is_staff follows it.
        if self.is_superuser:
            self.role = self.Role.ADMIN
        self.is_staff = self.role == self.Role.ADMIN
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_author(self):
        """Authors write questions and see item statistics; admins may do everything authors may."""
        return self.role in (self.Role.AUTHOR, self.Role.ADMIN)


class SignInLinkQuerySet(models.QuerySet):
    def redeemable(self, now):
        return self.filter(used_at__isnull=True, expires_at__gt=now)


class SignInLink(models.Model):
    """A short-lived, single-use link that signs a user in and opens a page: launch links handed to an LMS
    (REST integrations, LTI launches that must leave the LMS's frame). Only the token's SHA-256 is stored.

    `session` is what the redeeming browser's session is given (e.g. a "Back to your course" URL).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_links")
    digest = models.CharField(max_length=64, unique=True)
    next_path = models.CharField(max_length=500)
    session = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = SignInLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} → {self.next_path}"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, next_path: str, session: dict | None = None, lifetime: int | None = None, now=None):
        """Create a link; returns (link, token). The token is never stored and cannot be shown again."""
        now = now or timezone.now()
        seconds = settings.SIGN_IN_LINK_SECONDS if lifetime is None else lifetime
        token = secrets.token_urlsafe(32)
        link = cls.objects.create(
            user=user,
            digest=cls.digest_of(token),
            next_path=next_path,
            session=session or {},
            created_at=now,
            expires_at=now + timedelta(seconds=seconds),
        )
        return link, token

    @classmethod
    def redeem(cls, token: str, now=None) -> "SignInLink | None":
        """The link for `token`, marked used, if it is unused and unexpired; None otherwise.

        The conditional update makes redemption single-use even when two requests race with the same token.
        """
        now = now or timezone.now()
        link = cls.objects.redeemable(now).filter(digest=cls.digest_of(token)).select_related("user").first()
        if link is None or not cls.objects.redeemable(now).filter(pk=link.pk).update(used_at=now):
            return None
        return link
