"""Creators as each organization knows them: profile, handles, availability, interests,
click milestone with its history, and the link of a creator's login to the profile; and what a
creator won't promote (their exclusions and values statement), kept with their login."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops import validation
from influencer_ops.choices import Category, Platform
from influencer_ops.models import TenantModel

DEFAULT_CLICK_MILESTONE = 1000


class CreatorProfile(TenantModel):
    # A creator may read their own profiles in every org (the portal finds its orgs this way).
    rls_extra_using: ClassVar[str] = "user_id = app_user_id()"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="creator_profiles",
        help_text=_("The creator's login, once linked."),
    )
    display_name = models.CharField(max_length=validation.CREATOR_NAME_MAX_LENGTH)
    email = models.EmailField()
    categories = ArrayField(
        models.CharField(max_length=30, choices=Category.choices), default=list, blank=True
    )
    languages = ArrayField(
        models.CharField(max_length=validation.CREATOR_LANGUAGE_MAX_LENGTH),
        default=list,
        blank=True,
    )
    location = models.CharField(max_length=validation.CREATOR_LOCATION_MAX_LENGTH, blank=True)
    rate_per_post = models.DecimalField(
        max_digits=validation.CREATOR_RATE_DIGITS[0],
        decimal_places=validation.CREATOR_RATE_DIGITS[1],
        null=True,
        blank=True,
    )
    rate_currency = models.CharField(max_length=3, default="USD")
    click_milestone = models.PositiveIntegerField(default=DEFAULT_CLICK_MILESTONE)
    payout_ready = models.BooleanField(default=False)
    internal_notes = models.TextField(
        blank=True,
        max_length=validation.CREATOR_NOTES_MAX_LENGTH,
        help_text=_("For the team only; never shown to the creator."),
    )
    # Largest audience across handles, kept by the services for fast matching.
    max_audience = models.PositiveIntegerField(default=0)
    # Past performance, kept by later issues (tracking): programs finished / milestones reached.
    programs_completed = models.PositiveIntegerField(default=0)
    milestones_reached = models.PositiveIntegerField(default=0)
    assigned_ism = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The ISM who looks after this creator's requests outside a program."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the creator had their personal data erased (influencers.privacy): the profile
    # stays, pseudonymised, so that ledger and audit ids keep pointing somewhere.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(user__isnull=False),
                name="creator_org_user_unique",
            ),
            models.UniqueConstraint(
                "organization", Lower("email"), name="creator_org_email_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(rate_per_post__gte=0) | models.Q(rate_per_post__isnull=True),
                name="creator_rate_not_negative",
            ),
        ]
        indexes = [
            # The lists' order (page and API) with its tie-break: a page is read off the index
            # instead of sorting every creator of the org (#18).
            models.Index(fields=["organization", "display_name", "id"], name="creator_org_name"),
            models.Index(fields=["user"], name="creator_user"),
            models.Index(fields=["organization", "max_audience"], name="creator_org_audience"),
            GinIndex(fields=["categories"], name="creator_categories_gin"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def milestone_attainment(self) -> float | None:
        if not self.programs_completed:
            return None
        return self.milestones_reached / self.programs_completed


class SocialHandle(TenantModel):
    profile = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="handles")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(max_length=validation.HANDLE_MAX_LENGTH)
    audience_size = models.PositiveIntegerField(default=0)
    engagement_rate = models.DecimalField(
        max_digits=5, decimal_places=2, default=0, help_text=_("Percent.")
    )

    class Meta:
        ordering = ["platform"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "platform"], name="handle_one_per_platform"),
            models.CheckConstraint(
                condition=models.Q(engagement_rate__gte=0, engagement_rate__lte=100),
                name="handle_engagement_percent",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "platform", "audience_size"],
                name="handle_org_platform_audience",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} @{self.handle}"


class Availability(TenantModel):
    """A window when the creator is away."""

    profile = models.ForeignKey(
        CreatorProfile, on_delete=models.CASCADE, related_name="availability"
    )
    away_from = models.DateField()
    away_to = models.DateField()
    note = models.CharField(max_length=validation.AWAY_NOTE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["away_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(away_to__gte=models.F("away_from")),
                name="availability_window_order",
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "profile", "away_from"], name="availability_org_profile"
            )
        ]

    def __str__(self) -> str:
        return f"away {self.away_from}–{self.away_to}"


class ProgramInterest(TenantModel):
    """A kind of program the creator asked for ("I want food, not fashion")."""

    profile = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="interests")
    category = models.CharField(max_length=30, choices=Category.choices)
    note = models.CharField(max_length=validation.INTEREST_NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "category"], name="interest_unique")
        ]

    def __str__(self) -> str:
        return self.get_category_display()


class MilestoneChange(TenantModel):
    """The click milestone decides pay: every change is kept with its reason."""

    profile = models.ForeignKey(
        CreatorProfile, on_delete=models.CASCADE, related_name="milestone_changes"
    )
    old = models.PositiveIntegerField()
    new = models.PositiveIntegerField()
    reason = models.CharField(max_length=validation.MILESTONE_REASON_MAX_LENGTH)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"


class CreatorLink(TenantModel):
    """An e-mailed invitation for a creator to link their login to this org's profile."""

    profile = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return gettext("Portal invitation for %(profile)s") % {"profile": self.profile}


class DataExport(models.Model):
    """A creator's copy of their data across every org (not a tenant row: it spans their orgs
    and belongs to their login). Built by a job into a private ZIP; downloadable by that
    creator only, until ``expires_at``."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    # The storage name of the ZIP (Django's storage API, never a public URL); empty until built
    # and again once the file is removed after expiry.
    file = models.CharField(max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One pending export per creator: a second request is refused (409).
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="requested"),
                name="data_export_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Data export #%(id)s") % {"id": self.pk}

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class ExclusionKind(models.TextChoices):
    CATEGORY = "category", _("Category")
    BRAND = "brand", _("Brand")
    PRODUCT = "product", _("Product")
    TOPIC = "topic", _("Topic")


class CreatorExclusion(models.Model):
    """Something a creator won't promote. Not a tenant row: it belongs to the creator's login,
    and every org they work with sees the same list (row-level security in migration 0004 lets
    an org read the exclusions of its own creators only). Matching leaves the creator out of a
    program it hits (``influencers.values.hits``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exclusions"
    )
    kind = models.CharField(max_length=10, choices=ExclusionKind.choices)
    # A category's code, or the creator's own words for a brand, product or topic.
    value = models.CharField(max_length=validation.EXCLUSION_VALUE_MAX_LENGTH)
    # ``value`` as matching compares it: lower case, words separated by one space.
    match_key = models.CharField(max_length=validation.EXCLUSION_VALUE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "match_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "match_key"], name="creator_exclusion_unique"
            ),
        ]
        indexes = [models.Index(fields=["user", "kind"], name="creator_exclusion_user")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == ExclusionKind.CATEGORY and self.value in Category.values:
            return str(Category(self.value).label)
        return self.value


class CreatorValues(models.Model):
    """The creator's own words on what they stand for; shown to every org they work with."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="creator_values",
        primary_key=True,
    )
    statement = models.TextField(blank=True, max_length=validation.VALUES_STATEMENT_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return gettext("Values statement")
