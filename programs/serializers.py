"""Program API shapes. Serializers parse and present; the rules live in ``services``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from influencer_ops.choices import Category, Platform
from influencer_ops.serializers import MoneyField, StrictModelSerializer, StrictSerializer
from influencer_ops.validation import (
    AMOUNT_DIGITS,
    DISCLOSURE_RULE_MAX_LENGTH,
    FREE_LIST_ITEM_MAX_LENGTH,
    FREE_LIST_MAX_ITEMS,
    LONG_TEXT_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PROGRAM_GOALS_MAX_LENGTH,
    RATE_DIGITS,
    REASON_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
)
from programs import selectors, services
from programs.models import DeliverableSpec, Program


class DeliverableSpecSerializer(StrictModelSerializer[DeliverableSpec]):
    class Meta:
        model = DeliverableSpec
        fields = ["id", "kind", "platform", "count", "due_on", "due_offset_days"]
        read_only_fields = fields


class DeliverableSpecCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=DeliverableSpec.Kind.choices)
    platform = serializers.ChoiceField(choices=Platform.choices)
    count = serializers.IntegerField(min_value=1, max_value=100, default=1)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    due_offset_days = serializers.IntegerField(
        min_value=0,
        max_value=3650,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Days after launch; give this or due_on, not both."),
    )


class ProgramSerializer(StrictModelSerializer[Program]):
    brand_name = serializers.CharField(source="brand.name", read_only=True)
    deliverable_specs = DeliverableSpecSerializer(many=True, read_only=True)
    brief_missing = serializers.SerializerMethodField(
        help_text=_("What the brief still lacks before the program can launch.")
    )

    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "brand",
            "brand_name",
            "state",
            *sorted(services.BRIEF_FIELDS - {"name"}),
            "deliverable_specs",
            "brief_missing",
            "cloned_from",
            "created_at",
            "launched_at",
            "completed_at",
            "cancelled_at",
        ]
        read_only_fields = fields

    def get_brief_missing(self, obj: Program) -> list[str]:
        return services.brief_missing(obj)


def _money(digits: tuple[int, int] = AMOUNT_DIGITS) -> MoneyField:
    max_digits, places = digits
    return MoneyField(
        max_digits=max_digits,
        decimal_places=places,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        coerce_to_string=True,
    )


def _date() -> serializers.DateField:
    return serializers.DateField(required=False, allow_null=True)


def _count(min_value: int = 0) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=min_value, required=False, allow_null=True)


def _words() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=FREE_LIST_ITEM_MAX_LENGTH),
        required=False,
        max_length=FREE_LIST_MAX_ITEMS,
    )


class ProgramBriefSerializer(StrictSerializer):
    """Any subset of the brief (PATCH). People are given by user id."""

    name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False)
    goals = serializers.CharField(
        max_length=PROGRAM_GOALS_MAX_LENGTH, required=False, allow_blank=True
    )
    audience_demographics = serializers.CharField(
        max_length=SHORT_TEXT_MAX_LENGTH, required=False, allow_blank=True
    )
    audience_interests = _words()
    audience_locations = _words()
    platforms = serializers.ListField(
        child=serializers.ChoiceField(choices=Platform.choices), required=False, max_length=20
    )
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), required=False, max_length=20
    )
    min_audience = _count()
    max_audience = _count()
    guidelines = serializers.CharField(
        max_length=LONG_TEXT_MAX_LENGTH, required=False, allow_blank=True
    )
    disclosure_rule = serializers.CharField(max_length=DISCLOSURE_RULE_MAX_LENGTH, required=False)
    disclosure_advisory = serializers.BooleanField(
        required=False,
        help_text=_(
            "True: a version failing the disclosure check goes to review flagged instead "
            "of being refused."
        ),
    )
    nda_required = serializers.BooleanField(required=False)
    recruit_by = _date()
    launch_on = _date()
    content_due_on = _date()
    end_on = _date()
    capacity = serializers.IntegerField(min_value=1, required=False)
    budget_amount = _money()
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", max_length=3, required=False)
    flat_fee = _money()
    per_click_rate = _money(RATE_DIGITS)
    click_milestone = _count(min_value=1)
    milestone_bonus = _money()
    prorate_if_missed = serializers.BooleanField(required=False)
    commission_percent = _money((5, 2))
    commission_fixed = _money()
    commission_cap = _money()
    commission_window_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    commission_holding_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    assigned_ism = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    assigned_bsm = serializers.IntegerField(required=False, allow_null=True, min_value=1)

    def _staff(self, field: str, user_id: int | None) -> Any:
        if user_id is None:
            return None
        user = (
            selectors.program_staff_choices(organization=self.context["organization"], field=field)
            .filter(pk=user_id)
            .first()
        )
        if user is None:
            role = "ISM" if field == "assigned_ism" else "BSM"
            raise serializers.ValidationError(
                gettext("Not an %(role)s or admin of this organization.") % {"role": role}
            )
        return user

    def validate_assigned_ism(self, value: int | None) -> Any:
        return self._staff("assigned_ism", value)

    def validate_assigned_bsm(self, value: int | None) -> Any:
        return self._staff("assigned_bsm", value)


class ProgramCreateSerializer(ProgramBriefSerializer):
    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
    brand = serializers.IntegerField(min_value=1)


class ProgramCancelSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class ProgramCloneSerializer(StrictSerializer):
    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
