"""The user: e-mail is the login. Staff and creators are both users; creators have portal access."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.validation import API_TOKEN_NAME_MAX_LENGTH


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError(gettext("An e-mail address is required."))
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)
    # Empty: times show in the current organization's zone (a creator's: their first org's).
    time_zone = models.CharField(max_length=64, blank=True, default="")
    is_creator = models.BooleanField(
        default=False, help_text=_("Has access to the creator portal.")
    )
    is_staff = models.BooleanField(default=False, help_text=_("Platform staff: may use /admin/."))
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]


class ApiToken(models.Model):
    """A personal API token: for one org (staff; ``organization`` set) or for the user's own
    creator data (``organization`` empty: only /api/v1/me/). Only the SHA-256 of the secret is
    kept; ``prefix`` (the public part of ``io_<prefix>_<secret>``) finds the row. A token grants at
    most what its user's membership allows at the time of each request."""

    # The owner sees their own tokens in every org (their preferences page has no org scope);
    # a creator's token has no org at all.
    rls_extra_using: ClassVar[str] = "user_id = app_user_id()"
    rls_allow_null_org: ClassVar[bool] = True

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: a creator's token for their own portal data."),
    )
    name = models.CharField(max_length=API_TOKEN_NAME_MAX_LENGTH)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=["read", "write"]), name="api_token_scope_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="api_token_org"),
            models.Index(fields=["user", "-created_at"], name="api_token_user"),
        ]

    def __str__(self) -> str:
        return f"API token “{self.name}” (io_{self.prefix}_…)"

    def is_active_at(self, moment: Any) -> bool:
        return self.revoked_at is None and self.expires_at > moment

    @property
    def is_active(self) -> bool:
        return self.is_active_at(timezone.now())
