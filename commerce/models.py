"""Commission: orders attributed to enrollments, their refunds, and the commission they earn.

Models and states (read by every page built on them):

- ``CommerceSettings`` — one per org (made on first use): the inbound Shopify webhook's signing
  ``shopify_secret`` (admins see and rotate it) and ``clawback_commissions`` (off by default).
- ``DiscountCode`` — a code given to one enrollment; ``code`` is stored upper-case and unique per
  org. An inactive code attributes nothing (its orders are stored unattributed, reason
  ``unknown_code``).
- ``Order`` — one per (org, ``source``, ``source_order_id``): ``api`` / ``csv`` / ``shopify``.
  ``gross_value`` is what the buyer paid, ``net_value`` the commissionable value (before tax and
  shipping), both in ``currency``. ``refunded_value`` is the cumulative refunds (never more than
  ``gross_value``). ``enrollment`` is set when the order is attributed (``attributed_via``: link
  or code); otherwise ``unattributed_reason`` says why. ``currency_mismatch``: attributed, but in
  another currency than the terms' — kept and shown, no commission. ``payload_hash`` (sha256 of
  the normalised content) makes a replay idempotent and a different content a 409.
- ``OrderRefund`` — one per (order, ``source_refund_id``), same idempotency.
- ``Commission`` — at most one per order (attributed, same currency as the terms, amount > 0).
  States: ``pending`` until ``pending_until`` (the holding period: a refund then reduces it, or
  ``reversed`` with ``reversal_reason`` when nothing is left) → ``earned`` into a commission
  ``payout`` (one payout per enrollment per payment run, reason ``commission``). Shown as *paid*
  when that payout is paid (``state == earned and payout.state == paid``; see ``shown_state``).
  A refund after the payout was paid, with the org's ``clawback_commissions`` on →
  ``clawed_back``: what it takes back is a ``CommissionClawback`` (one per such refund;
  ``clawback_amount`` is their sum), taken off a later commission payout of the enrollment
  (``settled_payout``, empty while outstanding); with it off the commission stays paid.

The ledger (payments.ledger): a pending commission has NO ledger entry (nothing is owed yet);
earning books ``expense`` → ``payable:earned`` like every payout; a clawback books
``receivable:clawback`` ← ``expense`` on the paid payout, and settling it books
``expense`` → ``receivable:clawback`` on the payout it reduces.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from influencer_ops.models import TenantModel
from influencer_ops.validation import AMOUNT_DIGITS, REASON_MAX_LENGTH

ORDER_ID_MAX_LENGTH = 100
DISCOUNT_CODE_MAX_LENGTH = 40
ATTRIBUTION_ID_MAX_LENGTH = 100
SHOPIFY_SECRET_LENGTH = 64  # hex of 32 random bytes


def _money(**kwargs: object) -> models.DecimalField:
    return models.DecimalField(
        max_digits=AMOUNT_DIGITS[0],
        decimal_places=AMOUNT_DIGITS[1],
        **kwargs,  # type: ignore[arg-type]
    )


class CommerceSettings(TenantModel):
    """One per org: the inbound order webhook's secret and the clawback policy."""

    shopify_secret = models.CharField(max_length=SHOPIFY_SECRET_LENGTH)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    clawback_commissions = models.BooleanField(
        default=False,
        help_text=_(
            "Take a commission refunded after it was paid off the creator's next commission."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="one_commerce_settings_per_org")
        ]

    def __str__(self) -> str:
        return str(_("Order settings"))


class DiscountCode(TenantModel):
    enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.PROTECT, related_name="discount_codes"
    )
    code = models.CharField(max_length=DISCOUNT_CODE_MAX_LENGTH)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="discount_code_unique"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9][A-Z0-9_-]*$"), name="discount_code_upper"
            ),
        ]
        indexes = [models.Index(fields=["enrollment"], name="discount_code_enrollment")]

    def __str__(self) -> str:
        return self.code


class OrderSource(models.TextChoices):
    API = "api", _("API")
    CSV = "csv", _("CSV import")
    SHOPIFY = "shopify", _("Shopify webhook")


class AttributedVia(models.TextChoices):
    LINK = "link", _("Tracked link")
    CODE = "code", _("Discount code")


class UnattributedReason(models.TextChoices):
    NO_REFERENCE = "no_reference", _("No tracked link or discount code")
    UNKNOWN_LINK = "unknown_link", _("Unknown tracked link")
    UNKNOWN_CODE = "unknown_code", _("Unknown or inactive discount code")
    NOT_ENROLLED = "not_enrolled", _("The creator's collaboration had not started")
    BEFORE_ENROLLMENT = "before_enrollment", _("Placed before the creator joined")
    AFTER_WINDOW = "after_window", _("Placed after the attribution window")
    NO_COMMISSION = "no_commission", _("The program pays no commission")


class Order(TenantModel):
    source = models.CharField(max_length=10, choices=OrderSource.choices)
    source_order_id = models.CharField(max_length=ORDER_ID_MAX_LENGTH)
    placed_at = models.DateTimeField()
    currency = models.CharField(max_length=3)
    gross_value = _money()
    net_value = _money()
    refunded_value = _money(default=Decimal("0.00"))
    discount_code = models.CharField(max_length=DISCOUNT_CODE_MAX_LENGTH, blank=True)
    attribution_id = models.CharField(max_length=ATTRIBUTION_ID_MAX_LENGTH, blank=True)
    enrollment = models.ForeignKey(
        "programs.Enrollment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    attributed_via = models.CharField(max_length=4, choices=AttributedVia.choices, blank=True)
    # The enrollment the reference pointed at, even when it was not attributed (dates).
    referred_enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unattributed_reason = models.CharField(
        max_length=20, choices=UnattributedReason.choices, blank=True
    )
    currency_mismatch = models.BooleanField(default=False)
    payload_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source", "source_order_id"], name="order_source_once"
            ),
            models.CheckConstraint(
                condition=Q(gross_value__gte=0) & Q(net_value__gte=0) & Q(refunded_value__gte=0),
                name="order_values_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(refunded_value__lte=models.F("gross_value")),
                name="order_refunds_within_value",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="order_currency_iso"
            ),
            models.CheckConstraint(
                condition=Q(enrollment__isnull=True, attributed_via="")
                | Q(enrollment__isnull=False, unattributed_reason="") & ~Q(attributed_via=""),
                name="order_attribution_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-placed_at"], name="order_org_placed"),
            models.Index(fields=["enrollment", "-placed_at"], name="order_enrollment_placed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.source_order_id}"

    @property
    def remaining_net(self) -> Decimal:
        """The net value left after refunds (refunds reduce it in proportion)."""
        if not self.gross_value:
            return Decimal("0.00")
        share = (self.gross_value - self.refunded_value) / self.gross_value
        return (self.net_value * share).quantize(Decimal("0.01"))


class OrderRefund(TenantModel):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    source_refund_id = models.CharField(max_length=ORDER_ID_MAX_LENGTH)
    amount = _money()
    refunded_at = models.DateTimeField()
    payload_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["refunded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "source_refund_id"], name="refund_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.source_refund_id})"


class CommissionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    EARNED = "earned", _("Earned")
    REVERSED = "reversed", _("Reversed")
    CLAWED_BACK = "clawed_back", _("Clawed back")


class Commission(TenantModel):
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="commission")
    # Indexed by ``commission_enrollment`` (enrollment, state), which leads with it: a second
    # index of the column alone only slowed every insert.
    enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.PROTECT, related_name="commissions", db_index=False
    )
    terms_version = models.ForeignKey(
        "programs.TermsVersion", on_delete=models.PROTECT, related_name="+"
    )
    amount = _money()
    currency = models.CharField(max_length=3)
    state = models.CharField(
        max_length=12, choices=CommissionState.choices, default=CommissionState.PENDING
    )
    pending_until = models.DateTimeField()
    reversal_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    payout = models.ForeignKey(
        "payments.Payout",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commissions",
    )
    earned_at = models.DateTimeField(null=True, blank=True)
    clawback_amount = _money(default=Decimal("0.00"))  # the sum of its clawbacks
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="commission_not_negative"),
            models.CheckConstraint(
                condition=Q(clawback_amount__gte=0), name="commission_clawback_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(state__in=CommissionState.values), name="commission_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(payout__isnull=True) | Q(state__in=["earned", "clawed_back"]),
                name="commission_payout_when_earned",
            ),
        ]
        indexes = [
            # The earning sweep: pending commissions whose holding period is over.
            models.Index(
                fields=["organization", "pending_until"],
                condition=Q(state="pending"),
                name="commission_due",
            ),
            models.Index(fields=["enrollment", "state"], name="commission_enrollment"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} — {self.get_state_display()}"

    @property
    def shown_state(self) -> str:
        """``paid`` when earned into a payout that was paid; else the stored state."""
        paid = self.payout is not None and self.payout.state == "paid"
        return "paid" if self.state == CommissionState.EARNED and paid else self.state


class CommissionClawback(TenantModel):
    """What one refund after payment took back of a commission (``clawback_commissions`` on):
    outstanding until a later commission payout of the same enrollment and currency absorbs it
    (``settled_payout``). A commission refunded twice after payment has two."""

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="clawbacks")
    enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.PROTECT, related_name="+"
    )
    amount = _money()
    currency = models.CharField(max_length=3)
    booked_at = models.DateTimeField()
    settled_payout = models.ForeignKey(
        "payments.Payout",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clawbacks",
    )
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["booked_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="clawback_amount_positive"),
        ]
        indexes = [
            # Earning: the outstanding clawbacks of the enrollments being paid.
            models.Index(
                fields=["organization", "enrollment"],
                condition=Q(settled_payout__isnull=True),
                name="clawback_outstanding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} clawed back"
