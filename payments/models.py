"""Payouts, payment runs, the double-entry ledger, schedules, tax forms and payout details.

Money is ``amount`` (Decimal, 2 places) + ``currency`` (ISO 4217), never a float. Every payout
state move goes through ``payments.ledger.payout_move`` (the one state machine), which writes a
balanced ledger transaction and an audit event.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.models import TenantModel
from influencer_ops.validation import (
    ACCOUNT_IDENTIFIER_LENGTH,
    ACCOUNT_NAME_MAX_LENGTH,
    PAYMENT_TEXT_MAX_LENGTH,
    PROVIDER_REFERENCE_MAX_LENGTH,
    TAX_FORM_REFERENCE_MAX_LENGTH,
)


class PayoutState(models.TextChoices):
    EARNED = "earned", _("Earned")
    ON_HOLD = "on_hold", _("On hold")
    SCHEDULED = "scheduled", _("Scheduled")
    PROCESSING = "processing", _("Processing")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class PayoutReason(models.TextChoices):
    FLAT_FEE = "flat_fee", _("Flat fee (all deliverables approved and published)")
    CLICKS = "clicks", _("Pay per valid click")
    MILESTONE_BONUS = "milestone_bonus", _("Click milestone bonus")
    PRORATED_BONUS = "prorated_bonus", _("Pro-rated milestone bonus")
    TERMINATION = "termination", _("Owed at the end of the collaboration")
    COMMISSION = "commission", _("Commission on attributed orders")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class ProviderName(models.TextChoices):
    SANDBOX = "sandbox", _("Sandbox (development and tests)")
    CSV_EXPORT = "csv_export", _("Bank / payroll export (CSV)")


class PaymentSchedule(TenantModel):
    """One per org: when runs open, and the policies they apply."""

    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY)
    weekday = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(6)],
        help_text=_("Weekly and every-two-weeks runs: 0 = Monday … 6 = Sunday."),
    )
    day_of_month = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Monthly runs: day 1–28 (every month has it)."),
    )
    run_time = models.TimeField(default="09:00")
    time_zone = models.CharField(max_length=64, default="UTC")
    provider = models.CharField(
        max_length=20, choices=ProviderName.choices, default=ProviderName.SANDBOX
    )
    minimum_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("A creator's due total below this (per currency) waits for the next run."),
    )
    approval_threshold = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "A run by hand above this total needs a second admin's approval (empty: never)."
        ),
    )
    require_readiness = models.BooleanField(
        default=True,
        help_text=_("Pay only creators with payout details and a verified tax form."),
    )
    max_failures = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("After this many failed attempts a payout is put on hold for a BSM."),
    )
    # The next time the beat job opens a run (UTC), kept by the schedule service.
    next_run_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="one_schedule_per_org"),
            models.CheckConstraint(
                condition=Q(minimum_amount__gte=0), name="schedule_minimum_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["next_run_at"], name="schedule_next_run")]

    def __str__(self) -> str:
        return gettext("%(cadence)s payment runs") % {"cadence": self.get_cadence_display()}


class PaymentRun(TenantModel):
    class State(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting a second admin's approval")
        PROCESSING = "processing", _("Processing")
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Export written: awaiting confirmation")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("The payment schedule")
        MANUAL = "manual", _("Started by an admin")

    state = models.CharField(max_length=30, choices=State.choices)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    provider = models.CharField(max_length=20, choices=ProviderName.choices)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Progress: payouts claimed by the run, and how many have an outcome.
    total_count = models.PositiveIntegerField(default=0)
    done_count = models.PositiveIntegerField(default=0)
    paid_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    # {"EUR": "1200.00", ...}: the claimed total per currency.
    totals = models.JSONField(default=dict, blank=True)
    export_file = models.TextField(
        blank=True, help_text=_("The CSV written by the export provider.")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One run at a time per org: a second one is refused (409), never interleaved.
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(state__in=["awaiting_approval", "processing", "awaiting_confirmation"]),
                name="one_open_run_per_org",
            ),
        ]
        indexes = [models.Index(fields=["organization", "-created_at"], name="run_org_created")]

    def __str__(self) -> str:
        return gettext("Payment run #%(pk)s") % {"pk": self.pk}

    @property
    def percent_done(self) -> int:
        if not self.total_count:
            return 100 if self.state == self.State.COMPLETED else 0
        return int(100 * self.done_count / self.total_count)


class Payout(TenantModel):
    enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.PROTECT, related_name="payouts"
    )
    creator = models.ForeignKey(
        "influencers.CreatorProfile", on_delete=models.PROTECT, related_name="payouts"
    )
    terms_version = models.ForeignKey(
        "programs.TermsVersion", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=20, choices=PayoutReason.choices)
    explanation = models.CharField(max_length=PAYMENT_TEXT_MAX_LENGTH, blank=True)
    state = models.CharField(max_length=12, choices=PayoutState.choices)
    # Makes earning idempotent: one payout per enrollment per reason.
    earn_key = models.CharField(max_length=80)
    earned_at = models.DateTimeField()
    expected_on = models.DateField(null=True, blank=True)
    run = models.ForeignKey(
        PaymentRun, on_delete=models.PROTECT, null=True, blank=True, related_name="payouts"
    )
    # Stored before the provider is called; the provider deduplicates on it.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_count = models.PositiveSmallIntegerField(default=0)
    failure_reason = models.CharField(max_length=PAYMENT_TEXT_MAX_LENGTH, blank=True)
    hold_reason = models.CharField(max_length=PAYMENT_TEXT_MAX_LENGTH, blank=True)
    provider_reference = models.CharField(max_length=PROVIDER_REFERENCE_MAX_LENGTH, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    delayed_at = models.DateTimeField(null=True, blank=True)
    # The expected date the delay sweep found missed (it then moves ``expected_on``): what the
    # brand's payment record (``payments.record``) measures lateness from. Null: never moved.
    missed_expected_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-earned_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "earn_key"], name="payout_earn_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="payout_currency_iso"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "state", "id"], name="payout_org_state"),
            # A run's chunks: ``WHERE run = … AND state = … AND id > … ORDER BY id LIMIT n``.
            models.Index(fields=["run", "state", "id"], name="payout_run_state"),
            models.Index(fields=["creator", "-earned_at"], name="payout_creator"),
            # The list's order with its tie-break: a page is read off the index (#18).
            models.Index(fields=["organization", "-earned_at", "-id"], name="payout_org_recent"),
            models.Index(
                fields=["organization", "expected_on"],
                condition=Q(state__in=["earned", "on_hold", "scheduled", "processing"])
                & Q(delayed_at__isnull=True),
                name="payout_delay_sweep",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} — {self.get_reason_display()}"


class PayoutTotal(TenantModel):
    """How many payouts an org has and what they add up to, per currency and state.

    Kept by the database (statement triggers on ``payments_payout``, migration ``0003``) from
    every insert, update and delete, bulk moves of a payment run included: the payout list's
    totals read these few rows instead of every payout (#18). Never written by the app.
    """

    currency = models.CharField(max_length=3)
    state = models.CharField(max_length=12, choices=PayoutState.choices)
    count = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "currency", "state"], name="payout_total_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.count} {self.state} = {self.amount} {self.currency}"


class PayoutPunctuality(TenantModel):
    """How many of an org's counted payouts (``payments.record.selectors``) were promised for
    a day and paid on another (``paid_on`` empty: still owed). Kept by the database (triggers
    on payouts and on the schedule's time zone, migrations 0008–0009): the payment record
    reads these few rows, not a year of payouts (#18). Never written by the app."""

    promised_on = models.DateField()
    paid_on = models.DateField(null=True, blank=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "promised_on", "paid_on"],
                name="payout_punctuality_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.count} promised {self.promised_on}, paid {self.paid_on or '—'}"


class LedgerTransaction(TenantModel):
    """One payout move. Its entries sum to zero per currency (a deferred database trigger)."""

    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, related_name="ledger")
    run = models.ForeignKey(
        PaymentRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    memo = models.CharField(max_length=PAYMENT_TEXT_MAX_LENGTH, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["payout", "at"], name="ledger_tx_payout")]


class LedgerEntry(TenantModel):
    """Append-only. Accounts: ``expense`` (what the programs cost), ``payable:<state>`` (owed
    to creators, by payout state) and ``cash`` (paid out). A positive amount is a debit."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)

    class Meta:
        indexes = [models.Index(fields=["organization", "account"], name="ledger_entry_account")]


class PayoutDetails(TenantModel):
    """Where a creator is paid, per org. Shown masked to staff."""

    class Method(models.TextChoices):
        BANK = "bank", _("Bank transfer")
        PAYPAL = "paypal", _("PayPal")

    creator = models.OneToOneField(
        "influencers.CreatorProfile", on_delete=models.CASCADE, related_name="payout_details"
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    account_name = models.CharField(max_length=ACCOUNT_NAME_MAX_LENGTH)
    account_identifier = models.CharField(
        max_length=ACCOUNT_IDENTIFIER_LENGTH[1],
        help_text=_("IBAN or account number, or the PayPal e-mail."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.masked}"

    @property
    def masked(self) -> str:
        return "•••• " + self.account_identifier[-4:]


class TaxForm(TenantModel):
    class Kind(models.TextChoices):
        W9 = "w9", _("W-9 (US persons)")
        W8BEN = "w8ben", _("W-8BEN (non-US individuals)")
        VAT = "vat", _("VAT / business registration")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received, awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    creator = models.ForeignKey(
        "influencers.CreatorProfile", on_delete=models.CASCADE, related_name="tax_forms"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    reference = models.CharField(
        max_length=TAX_FORM_REFERENCE_MAX_LENGTH,
        help_text=_("The form's reference (e.g. the last digits of the tax id)."),
    )
    note = models.CharField(max_length=PAYMENT_TEXT_MAX_LENGTH, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["creator", "state"], name="taxform_creator_state")]


class SandboxPayment(TenantModel):
    """The sandbox provider's own books: what it would have sent, once per idempotency key.

    It stands for the provider's side of the wire, so tests can compare what was "sent" with
    the ledger: ``calls`` counts every request made with the key (retries included)."""

    idempotency_key = models.CharField(max_length=80, unique=True)
    payout_id = models.BigIntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    reference = models.CharField(max_length=120)
    calls = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "payout_id"], name="sandbox_payout")]
