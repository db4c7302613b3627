"""Recruiting API payloads: enrollments with their terms, and what the actions take."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from influencer_ops.serializers import MoneyField, StrictModelSerializer, StrictSerializer
from influencer_ops.validation import (
    AMOUNT_DIGITS,
    DISCLOSURE_RULE_MAX_LENGTH,
    INVITE_MAX_CREATORS,
    LONG_TEXT_MAX_LENGTH,
    RATE_DIGITS,
    REASON_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
)
from payments.record.selectors import payment_records
from payments.record.serializers import PaymentRecordSerializer
from programs.models import Enrollment, TermsVersion


class TermsVersionSerializer(StrictModelSerializer[TermsVersion]):
    class Meta:
        model = TermsVersion
        fields = ["number", "snapshot", "reason", "created_at", "accepted_at", "declined_at"]
        read_only_fields = fields


class EnrollmentSerializer(StrictModelSerializer[Enrollment]):
    program_name = serializers.CharField(source="program.name", read_only=True)
    creator_name = serializers.CharField(source="creator.display_name", read_only=True)
    terms = TermsVersionSerializer(source="terms_versions", many=True, read_only=True)
    exclusion_conflicts = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        read_only=True,
        help_text=_(
            "The creator's exclusions this program hits (kind, value, label), when invited "
            "despite them; empty otherwise."
        ),
    )

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "program",
            "program_name",
            "creator",
            "creator_name",
            "state",
            "waitlist_position",
            "invited_at",
            "expires_at",
            "accepted_at",
            "nda_accepted_at",
            "confirmed_at",
            "ended_at",
            "end_reason",
            "exclusion_conflicts",
            "exclusion_override_reason",
            "conflict_acknowledged_at",
            "terms",
        ]
        read_only_fields = fields


class _RecordsFirst(serializers.ListSerializer[Enrollment]):
    """Reads every listed org's payment record in one query before the rows are drawn."""

    def to_representation(self, data: Any) -> Any:
        rows = list(data.all() if hasattr(data, "all") else data)
        child = cast(serializers.Serializer[Any], self.child)
        child.context["records"] = payment_records(
            organization_ids={e.organization_id for e in rows}
        )
        return super().to_representation(rows)


class MyInvitationSerializer(EnrollmentSerializer):
    """The creator's view: the enrollment with its org's payment record, so a creator sees how
    reliably the brand pays before accepting."""

    payment_record = serializers.SerializerMethodField()

    class Meta(EnrollmentSerializer.Meta):
        fields = [*EnrollmentSerializer.Meta.fields, "payment_record"]
        read_only_fields = fields
        list_serializer_class = _RecordsFirst

    @extend_schema_field(PaymentRecordSerializer)
    def get_payment_record(self, enrollment: Enrollment) -> dict[str, Any]:
        records = self.context.get("records") or {}
        record = records.get(enrollment.organization_id)
        if record is None:
            record = payment_records(organization_ids=[enrollment.organization_id])[
                enrollment.organization_id
            ]
        return dict(PaymentRecordSerializer(record).data)


class InviteSerializer(StrictSerializer):
    program = serializers.IntegerField(min_value=1)
    creators = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=INVITE_MAX_CREATORS
    )
    override_reason = serializers.CharField(
        max_length=SHORT_TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class AmendSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)
    fee = MoneyField(
        max_digits=AMOUNT_DIGITS[0],
        decimal_places=AMOUNT_DIGITS[1],
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
    )
    per_click_rate = MoneyField(
        max_digits=RATE_DIGITS[0],
        decimal_places=RATE_DIGITS[1],
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
    )
    click_milestone = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    milestone_bonus = MoneyField(
        max_digits=AMOUNT_DIGITS[0],
        decimal_places=AMOUNT_DIGITS[1],
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
    )
    commission_percent = MoneyField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        required=False,
        allow_null=True,
    )
    commission_fixed = MoneyField(
        max_digits=AMOUNT_DIGITS[0],
        decimal_places=AMOUNT_DIGITS[1],
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
    )
    commission_cap = MoneyField(
        max_digits=AMOUNT_DIGITS[0],
        decimal_places=AMOUNT_DIGITS[1],
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
    )
    commission_window_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    commission_holding_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    guidelines = serializers.CharField(max_length=LONG_TEXT_MAX_LENGTH, required=False)
    disclosure_rule = serializers.CharField(max_length=DISCLOSURE_RULE_MAX_LENGTH, required=False)
    nda_required = serializers.BooleanField(required=False)


class AcceptSerializer(StrictSerializer):
    terms_version = serializers.IntegerField(min_value=1)
    accept_nda = serializers.BooleanField(default=False)
    acknowledge_conflict = serializers.BooleanField(
        default=False,
        help_text=_(
            "Required (true) when the invitation conflicts with what the creator won't promote "
            "(its exclusion_conflicts are not empty)."
        ),
    )
