"""The payment record in the API: the creator's invitations and the staff endpoint."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from influencer_ops.serializers import StrictSerializer
from payments.record.selectors import MIN_PAYOUTS, WINDOW_DAYS


class PaymentRecordSerializer(StrictSerializer):
    counted = serializers.IntegerField(
        help_text=f"Payouts due (or paid) in the last {WINDOW_DAYS} days that the record covers."
    )
    on_time = serializers.IntegerField(help_text="Of those, paid on or before their expected date.")
    late = serializers.IntegerField(help_text="Paid after their expected date, or still unpaid.")
    on_time_share = serializers.FloatField(
        allow_null=True, help_text="on_time ÷ counted (0–1); null without payouts."
    )
    median_days_late = serializers.FloatField(
        allow_null=True, help_text="The median days late of the late payouts; null if none."
    )
    enough_history = serializers.BooleanField(
        help_text=f"At least {MIN_PAYOUTS} payouts: below that, show 'not enough history yet'."
    )
    window_days = serializers.SerializerMethodField()

    def get_window_days(self, record: Any) -> int:
        return WINDOW_DAYS
