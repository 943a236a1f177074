from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


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
    def is_author(self):
        """Authors write questions and see item statistics; admins may do everything authors may."""
        return self.role in (self.Role.AUTHOR, self.Role.ADMIN)
