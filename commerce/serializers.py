"""API shapes of orders, refunds and discount codes. Incoming orders are checked by
``commerce.orders.inputs`` (fast enough for 500 at once); these serializers document them and
shape the answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from commerce.models import DiscountCode, Order
from influencer_ops.serializers import MoneyField, StrictModelSerializer, StrictSerializer


class OrderInSerializer(StrictSerializer):
    id = serializers.CharField(
        max_length=100, help_text=_("The shop's order id (idempotency key).")
    )
    placed_at = serializers.DateTimeField(help_text=_("When the order was placed (ISO 8601)."))
    currency = serializers.CharField(min_length=3, max_length=3, help_text=_("ISO 4217, e.g. EUR."))
    gross_value = MoneyField(max_digits=12, decimal_places=2, help_text=_("What the buyer paid."))
    net_value = MoneyField(
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("The commissionable value (before tax and shipping); default: gross."),
    )
    discount_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    attribution_id = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("The io_ref the tracked link added to the shop's address."),
    )


class RefundInSerializer(StrictSerializer):
    order_id = serializers.CharField(max_length=100)
    id = serializers.CharField(max_length=100, help_text=_("The shop's refund id."))
    amount = MoneyField(max_digits=12, decimal_places=2)
    refunded_at = serializers.DateTimeField()


class CommissionBriefSerializer(StrictSerializer):
    amount = MoneyField(max_digits=12, decimal_places=2)
    state = serializers.CharField()
    pending_until = serializers.DateTimeField()
    reversal_reason = serializers.CharField()


class OrderSerializer(StrictModelSerializer[Order]):
    id = serializers.CharField(source="source_order_id", read_only=True)
    pk = serializers.IntegerField(read_only=True)
    commission = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "pk",
            "id",
            "source",
            "placed_at",
            "currency",
            "gross_value",
            "net_value",
            "refunded_value",
            "discount_code",
            "attribution_id",
            "enrollment",
            "attributed_via",
            "unattributed_reason",
            "currency_mismatch",
        ]
        read_only_fields = fields

    def get_commission(self, order: Order) -> dict[str, Any] | None:
        commission = getattr(order, "commission", None)
        if commission is None:
            return None
        return dict(CommissionBriefSerializer(commission).data)


OrderSerializer.Meta.fields = [*OrderSerializer.Meta.fields, "commission"]


class ReceivedSerializer(StrictSerializer):
    created = serializers.IntegerField(help_text=_("Stored now."))
    unchanged = serializers.IntegerField(help_text=_("Already stored with the same content."))


class DiscountCodeSerializer(StrictModelSerializer[DiscountCode]):
    class Meta:
        model = DiscountCode
        fields = ["id", "enrollment", "code", "active", "created_at"]
        read_only_fields = ["id", "active", "created_at"]
