"""After launch: deliverables, submissions and reviews, extensions, reminders, compliance cases.
Imported by ``programs.models``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.choices import Platform
from influencer_ops.deliverable_names import deliverable_name
from influencer_ops.models import TenantModel


class DeliverableState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    EXCUSED = "excused", _("Excused")
    CANCELLED = "cancelled", _("Cancelled")


# States in which the creator still owes work by the due date.
OPEN_FOR_CREATOR = ("pending", "changes_requested")


class Deliverable(TenantModel):
    enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.PROTECT, related_name="deliverables"
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="deliverables"
    )
    spec = models.ForeignKey(
        "programs.DeliverableSpec",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    number = models.PositiveIntegerField(default=1, help_text=_("1..count within its spec."))
    kind = models.CharField(max_length=20)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    due_on = models.DateField()
    original_due_on = models.DateField()
    state = models.CharField(
        max_length=20, choices=DeliverableState.choices, default=DeliverableState.PENDING
    )
    live_url = models.URLField(blank=True, max_length=500)
    published_caption = models.TextField(blank=True, max_length=5000)
    published_disclosure_passed = models.BooleanField(null=True, blank=True)
    published_disclosure_matches = ArrayField(
        models.CharField(max_length=100), default=list, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=DeliverableState.values),
                name="deliverable_state_valid",
            ),
            models.UniqueConstraint(
                fields=["enrollment", "spec", "number"], name="deliverable_unique_per_spec"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "program", "state"], name="deliverable_program"),
            models.Index(fields=["organization", "enrollment"], name="deliverable_enrollment"),
            # The API list's order with its tie-break, paged by cursor off this index (#18).
            models.Index(fields=["organization", "due_on", "id"], name="deliverable_org_due"),
            # Reminder and overdue sweeps: open deliverables by due date.
            models.Index(
                fields=["organization", "due_on"],
                condition=models.Q(state__in=OPEN_FOR_CREATOR),
                name="deliverable_due_sweep",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} due {self.due_on}"

    @property
    def display_name(self) -> str:
        """What people call it: "Instagram post" (``influencer_ops.deliverable_names``)."""
        return deliverable_name(self.kind, self.platform)


class Submission(TenantModel):
    """A draft version; every submission is kept."""

    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="submissions"
    )
    version = models.PositiveIntegerField()
    caption = models.TextField(max_length=5000, blank=True)
    links = ArrayField(models.URLField(max_length=500), default=list, blank=True)
    media_url = models.URLField(blank=True, max_length=500)
    disclosure_passed = models.BooleanField()
    disclosure_matches = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deliverable", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "version"], name="submission_version_unique"
            )
        ]
        indexes = [models.Index(fields=["organization", "created_at"], name="submission_org_at")]

    def __str__(self) -> str:
        return f"v{self.version} of {self.deliverable}"


class Review(TenantModel):
    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        APPROVED_WITH_CORRECTIONS = "approved_with_corrections", _("Approved with corrections")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: approved automatically by the program's SLA."),
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    comment = models.TextField(blank=True, max_length=5000, help_text=_("Shown to the creator."))
    internal_note = models.TextField(blank=True, max_length=5000, help_text=_("For the team only."))
    override_reason = models.CharField(
        max_length=500, blank=True, help_text=_("Why a failing disclosure check was overridden.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    CANCELLED = "cancelled", _("Cancelled")


class Extension(TenantModel):
    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="extensions"
    )
    requested_due_on = models.DateField()
    previous_due_on = models.DateField()
    reason = models.CharField(max_length=500)
    state = models.CharField(
        max_length=20, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    self_service = models.BooleanField(
        default=False, help_text=_("Approved by the program's policy, not a person.")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ExtensionState.values), name="extension_state_valid"
            ),
            # One open request per deliverable at a time.
            models.UniqueConstraint(
                fields=["deliverable"],
                condition=models.Q(state="pending"),
                name="extension_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Extension to %(requested_due_on)s for %(deliverable)s") % {
            "requested_due_on": self.requested_due_on,
            "deliverable": self.deliverable,
        }


class ReminderSent(TenantModel):
    """Each reminder once per deliverable, due date and kind."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before the due date")
        DUE_TODAY = "due_today", _("On the due date")
        OVERDUE = "overdue", _("Overdue")

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    days_before = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "due_on", "kind", "days_before"], name="reminder_once"
            )
        ]


class ComplianceCase(TenantModel):
    class Kind(models.TextChoices):
        GUIDELINE_BREACH = "guideline_breach", _("Guideline breach")
        CONTRACT_BREACH = "contract_breach", _("Contract breach")
        MISSED_DEADLINES = "missed_deadlines", _("Missed deadlines")
        UNDERPERFORMANCE = "underperformance", _("Underperformance")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ESCALATED = "escalated", _("Escalated")
        RESOLVED = "resolved", _("Resolved")
        TERMINATED = "terminated", _("Ended the collaboration")

    enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    evidence = models.TextField(max_length=10000)
    evidence_links = ArrayField(models.URLField(max_length=500), default=list, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "state"], name="case_org_state")]

    def __str__(self) -> str:
        return gettext("%(kind)s case on %(enrollment)s") % {
            "kind": self.get_kind_display(),
            "enrollment": self.enrollment,
        }


class CaseAction(TenantModel):
    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message to the creator")
        WARNING = "warning", _("Formal warning")
        REMEDY = "remedy", _("Remedy with a due date")
        TERMS_AMENDMENT = "terms_amendment", _("Terms amendment")
        ESCALATION = "escalation", _("Escalated to the org admins")
        NOTE = "note", _("Internal note")
        CREATOR_RESPONSE = "creator_response", _("Creator's response")
        CLOSE = "close", _("Closed as resolved")
        TERMINATE = "terminate", _("Collaboration ended")

    class Remedy(models.TextChoices):
        EXTRA_MATERIAL = "extra_material", _("Extra material")
        REVISED_SCHEDULE = "revised_schedule", _("Revised schedule")
        RESTATED_GOALS = "restated_goals", _("Restated goals")
        COACHING = "coaching", _("Coaching")

    case = models.ForeignKey(ComplianceCase, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    remedy = models.CharField(max_length=30, choices=Remedy.choices, blank=True)
    text = models.TextField(max_length=5000)
    due_on = models.DateField(null=True, blank=True)
    visible_to_creator = models.BooleanField(default=True)
    terms_version = models.ForeignKey(
        "programs.TermsVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class AmountOwed(TenantModel):
    """What the terms still owe a creator whose collaboration ended early; paid by payments."""

    enrollment = models.OneToOneField(
        "programs.Enrollment", on_delete=models.PROTECT, related_name="amount_owed"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    explanation = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="amount_owed_not_negative"
            )
        ]
