"""Order statement rows in the API: an order with its commission and where it stands."""

from __future__ import annotations

from rest_framework import serializers

from commerce.models import CommissionState
from commerce.statements.selectors import NO_COMMISSION, PAID
from influencer_ops.serializers import MoneyField, StrictSerializer
from influencer_ops.validation import AMOUNT_DIGITS

STATES = [
    *CommissionState.choices,
    (PAID, "Paid"),
    (NO_COMMISSION, "No commission"),
]


def _money(source: str, *, allow_null: bool = False) -> MoneyField:
    return MoneyField(
        source=source,
        max_digits=AMOUNT_DIGITS[0],
        decimal_places=AMOUNT_DIGITS[1],
        allow_null=allow_null,
    )


class OrderLineSerializer(StrictSerializer):
    id = serializers.IntegerField(source="order.pk")
    order_source = serializers.CharField(source="order.source", help_text="api, csv or shopify")
    source_order_id = serializers.CharField(source="order.source_order_id")
    placed_at = serializers.DateTimeField(source="order.placed_at")
    organization = serializers.CharField(source="order.organization.name")
    enrollment = serializers.IntegerField(source="order.enrollment_id")
    program = serializers.IntegerField(source="order.enrollment.program_id")
    program_name = serializers.CharField(source="order.enrollment.program.name")
    attributed_via = serializers.CharField(source="order.attributed_via")
    currency = serializers.CharField(source="order.currency")
    order_value = _money("order.net_value")
    gross_value = _money("order.gross_value")
    refunded_value = _money("order.refunded_value")
    commission = _money("commission_amount", allow_null=True)
    state = serializers.ChoiceField(choices=STATES)
    state_label = serializers.CharField(source="label")
    pending_until = serializers.DateTimeField(allow_null=True)
    detail = serializers.CharField(help_text="Why it was reversed, or why it pays no commission.")
    paid_at = serializers.DateTimeField(allow_null=True)
