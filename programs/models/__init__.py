"""Programs (the brief), deliverable specs, enrollments and their terms versions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from influencer_ops.choices import Category, Platform
from influencer_ops.deliverable_names import phrase_of
from influencer_ops.models import TenantModel
from influencer_ops.validation import (
    AMOUNT_DIGITS,
    DISCLOSURE_RULE_MAX_LENGTH,
    FREE_LIST_ITEM_MAX_LENGTH,
    LONG_TEXT_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PROGRAM_GOALS_MAX_LENGTH,
    RATE_DIGITS,
    REASON_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
    URL_MAX_LENGTH,
)
from programs.states import EnrollmentState, ProgramState


def default_reminders() -> list[int]:
    return [3, 1]


DEFAULT_DISCLOSURE_RULE = "#ad, #sponsored, paid partnership"


def money_field(**kwargs: object) -> models.DecimalField:
    """A non-negative amount; the currency lives in its own field."""
    return models.DecimalField(
        max_digits=AMOUNT_DIGITS[0],
        decimal_places=AMOUNT_DIGITS[1],
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,  # type: ignore[arg-type]
    )


class Program(TenantModel):
    brand = models.ForeignKey("organizations.Brand", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    state = models.CharField(
        max_length=20, choices=ProgramState.choices, default=ProgramState.DRAFT
    )
    # The brief
    goals = models.TextField(blank=True, max_length=PROGRAM_GOALS_MAX_LENGTH)
    audience_demographics = models.CharField(max_length=SHORT_TEXT_MAX_LENGTH, blank=True)
    audience_interests = ArrayField(
        models.CharField(max_length=FREE_LIST_ITEM_MAX_LENGTH), default=list, blank=True
    )
    audience_locations = ArrayField(
        models.CharField(max_length=FREE_LIST_ITEM_MAX_LENGTH), default=list, blank=True
    )
    platforms = ArrayField(
        models.CharField(max_length=20, choices=Platform.choices), default=list, blank=True
    )
    categories = ArrayField(
        models.CharField(max_length=30, choices=Category.choices), default=list, blank=True
    )
    min_audience = models.PositiveIntegerField(null=True, blank=True)
    max_audience = models.PositiveIntegerField(null=True, blank=True)
    guidelines = models.TextField(blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    disclosure_rule = models.CharField(
        max_length=DISCLOSURE_RULE_MAX_LENGTH, default=DEFAULT_DISCLOSURE_RULE
    )
    # False (the default): a version without the disclosure is refused. True: it goes to review
    # flagged, and approving it needs an override with a reason.
    disclosure_advisory = models.BooleanField(
        default=False,
        help_text=_(
            "Send versions without the disclosure to review (flagged) instead of refusing."
        ),
    )
    nda_required = models.BooleanField(default=False)
    destination_url = models.URLField(
        max_length=URL_MAX_LENGTH,
        blank=True,
        help_text=_("Where creators' tracked links send people (UTM tags are added)."),
    )
    # Dates
    recruit_by = models.DateField(null=True, blank=True)
    launch_on = models.DateField(null=True, blank=True)
    content_due_on = models.DateField(null=True, blank=True)
    end_on = models.DateField(null=True, blank=True)
    # Size and money
    capacity = models.PositiveIntegerField(default=10)
    budget_amount = money_field()
    currency = models.CharField(max_length=3, default="USD")
    flat_fee = money_field()
    per_click_rate = models.DecimalField(
        max_digits=RATE_DIGITS[0],
        decimal_places=RATE_DIGITS[1],
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    click_milestone = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Valid clicks to reach; empty: each creator's own.")
    )
    milestone_bonus = money_field()
    prorate_if_missed = models.BooleanField(default=False)
    # Commission on attributed orders (commerce): a percent of the net value and/or a fixed
    # amount per order, within the window after the collaboration, held, up to a cap.
    commission_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    commission_fixed = money_field()
    commission_window_days = models.PositiveIntegerField(
        default=30, help_text=_("Orders count until this many days after the collaboration ends.")
    )
    commission_holding_days = models.PositiveIntegerField(
        default=30, help_text=_("Commission stays pending this many days, for refunds.")
    )
    commission_cap = money_field()
    # After launch: review and extension policies.
    review_sla_days = models.PositiveIntegerField(
        default=3, help_text=_("Days a submission may wait for review before it is overdue.")
    )
    auto_approve_after_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Approve a submission nobody reviewed after this many days; empty: never."),
    )
    extension_self_service_days = models.PositiveIntegerField(
        default=7, help_text=_("Extensions up to this many days are approved automatically.")
    )
    extension_self_service_count = models.PositiveIntegerField(
        default=1, help_text=_("Automatic extensions per deliverable.")
    )
    reminder_days_before = ArrayField(
        models.PositiveIntegerField(), default=default_reminders, blank=True
    )
    # People and lifecycle
    assigned_ism = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_bsm = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cloned_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    launched_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["organization", "state"], name="program_org_state"),
            # The date sweep: recruiting programs by launch date, launched ones by end date.
            models.Index(
                fields=["organization", "state", "launch_on"], name="program_launch_sweep"
            ),
            models.Index(fields=["organization", "state", "end_on"], name="program_end_sweep"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ProgramState.values), name="program_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(max_audience__isnull=True)
                | models.Q(min_audience__isnull=True)
                | models.Q(max_audience__gte=models.F("min_audience")),
                name="program_audience_range",
            ),
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True)
                | models.Q(launch_on__isnull=True)
                | models.Q(end_on__gte=models.F("launch_on")),
                name="program_end_after_launch",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_launched(self) -> bool:
        return self.launched_at is not None


class DeliverableSpec(TenantModel):
    class Kind(models.TextChoices):
        POST = "post", _("Post")
        STORY = "story", _("Story")
        REEL = "reel", _("Reel / short video")
        VIDEO = "video", _("Video")
        BLOG = "blog", _("Blog post")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="deliverable_specs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    count = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    due_on = models.DateField(null=True, blank=True)
    due_offset_days = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Days after launch, when there is no fixed date.")
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(due_on__isnull=False, due_offset_days__isnull=True)
                    | models.Q(due_on__isnull=True, due_offset_days__isnull=False)
                ),
                name="deliverable_spec_one_due",
            ),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="deliverable_spec_count"),
        ]

    def __str__(self) -> str:
        return phrase_of(self)


class Enrollment(TenantModel):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    creator = models.ForeignKey(
        "influencers.CreatorProfile", on_delete=models.PROTECT, related_name="enrollments"
    )
    state = models.CharField(
        max_length=20, choices=EnrollmentState.choices, default=EnrollmentState.INVITED
    )
    terms_version = models.ForeignKey(
        "TermsVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The terms in force (the latest accepted one)."),
    )
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    # Overrides of the program's assignment for this creator.
    assigned_ism = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_bsm = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    availability_override_reason = models.CharField(max_length=SHORT_TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    expiry_notified_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    nda_accepted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["program", "creator"]
        constraints = [
            models.UniqueConstraint(fields=["program", "creator"], name="enrollment_unique"),
            models.CheckConstraint(
                condition=models.Q(state__in=EnrollmentState.values), name="enrollment_state_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "creator"], name="enrollment_org_creator"),
            models.Index(fields=["organization", "program", "state"], name="enrollment_roster"),
            # The expiry sweep: open invitations by expiry time.
            models.Index(
                fields=["organization", "expires_at"],
                condition=models.Q(state="invited"),
                name="enrollment_expiry_sweep",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.creator} in {self.program}"


class TermsVersion(TenantModel):
    """A snapshot of what the creator is asked to accept. Never edited: an amendment is a new
    version the creator accepts."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="terms_versions"
    )
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    reason = models.CharField(
        max_length=REASON_MAX_LENGTH,
        blank=True,
        help_text=_("Why the terms were amended (empty for the first)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: made by the system (a waitlist promotion without an inviter)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["enrollment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "number"], name="terms_version_unique")
        ]

    def __str__(self) -> str:
        return f"Terms v{self.number} for {self.enrollment}"


from programs.models.calendar import CreatorCalendarFeed, ProgramCalendarFeed  # noqa: E402
from programs.models.delivery import (  # noqa: E402  (the after-launch models live in their own module)
    AmountOwed,
    CaseAction,
    ComplianceCase,
    Deliverable,
    DeliverableState,
    Extension,
    ExtensionState,
    ReminderSent,
    Review,
    Submission,
)
from programs.models.media import MediaKind, SubmissionMedia  # noqa: E402

__all__ = [
    "AmountOwed",
    "CaseAction",
    "ComplianceCase",
    "CreatorCalendarFeed",
    "Deliverable",
    "DeliverableSpec",
    "DeliverableState",
    "Enrollment",
    "Extension",
    "ExtensionState",
    "MediaKind",
    "Program",
    "ProgramCalendarFeed",
    "ReminderSent",
    "Review",
    "Submission",
    "SubmissionMedia",
    "TermsVersion",
]
