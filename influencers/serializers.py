"""Shapes of the creator API. Staff serializers may carry internal notes; the creator's own
(``Own*``) never do."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from influencer_ops import validation
from influencer_ops.choices import Category, Platform
from influencer_ops.serializers import (
    MoneyField,
    QueryFilterSerializer,
    StrictModelSerializer,
    StrictSerializer,
)
from influencers.models import (
    DEFAULT_CLICK_MILESTONE,
    Availability,
    CreatorLink,
    CreatorProfile,
    MilestoneChange,
    ProgramInterest,
    SocialHandle,
)
from influencers.selectors import creator_link_state

# --- read shapes ---


class HandleSerializer(StrictModelSerializer[SocialHandle]):
    class Meta:
        model = SocialHandle
        fields = ["platform", "handle", "audience_size", "engagement_rate"]
        read_only_fields = fields


class AvailabilitySerializer(StrictModelSerializer[Availability]):
    class Meta:
        model = Availability
        fields = ["id", "away_from", "away_to", "note"]
        read_only_fields = fields


class InterestSerializer(StrictModelSerializer[ProgramInterest]):
    class Meta:
        model = ProgramInterest
        fields = ["id", "category", "note", "created_at"]
        read_only_fields = fields


class MilestoneChangeSerializer(StrictModelSerializer[MilestoneChange]):
    actor = serializers.EmailField(source="actor.email", read_only=True)

    class Meta:
        model = MilestoneChange
        fields = ["old", "new", "reason", "actor", "at"]
        read_only_fields = fields


class CreatorSerializer(StrictModelSerializer[CreatorProfile]):
    """Staff view of a creator (desk roles only)."""

    handles = HandleSerializer(many=True, read_only=True)
    portal_linked = serializers.SerializerMethodField()

    class Meta:
        model = CreatorProfile
        fields = [
            "id",
            "display_name",
            "email",
            "categories",
            "languages",
            "location",
            "rate_per_post",
            "rate_currency",
            "click_milestone",
            "payout_ready",
            "max_audience",
            "portal_linked",
            "internal_notes",
            "handles",
            "created_at",
        ]
        read_only_fields = fields

    def get_portal_linked(self, obj: CreatorProfile) -> bool:
        return obj.user_id is not None


class CreatorDetailSerializer(CreatorSerializer):
    availability = AvailabilitySerializer(many=True, read_only=True)
    interests = InterestSerializer(many=True, read_only=True)
    milestone_history = MilestoneChangeSerializer(
        source="milestone_changes", many=True, read_only=True
    )

    class Meta(CreatorSerializer.Meta):
        fields = [*CreatorSerializer.Meta.fields, "availability", "interests", "milestone_history"]
        read_only_fields = fields


class CreatorLinkSerializer(StrictModelSerializer[CreatorLink]):
    state = serializers.SerializerMethodField()

    class Meta:
        model = CreatorLink
        fields = ["id", "created_at", "expires_at", "accepted_at", "state"]
        read_only_fields = fields

    def get_state(self, obj: CreatorLink) -> str:
        return creator_link_state(obj)


# --- staff input shapes ---


def _categories() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), required=False, max_length=20
    )


def _languages() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=validation.CREATOR_LANGUAGE_MAX_LENGTH),
        required=False,
        max_length=validation.CREATOR_LANGUAGES_MAX_ITEMS,
    )


def _rate() -> MoneyField:
    return MoneyField(
        max_digits=validation.CREATOR_RATE_DIGITS[0],
        decimal_places=validation.CREATOR_RATE_DIGITS[1],
        min_value=0,
        allow_null=True,
        required=False,
    )


class HandleInputSerializer(StrictSerializer):
    platform = serializers.ChoiceField(choices=Platform.choices)
    handle = serializers.CharField(max_length=101)
    audience_size = serializers.IntegerField(min_value=0, default=0)
    engagement_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, default=Decimal(0)
    )


class CreatorCreateSerializer(StrictSerializer):
    display_name = serializers.CharField(max_length=validation.CREATOR_NAME_MAX_LENGTH)
    email = serializers.EmailField(max_length=254)
    categories = _categories()
    languages = _languages()
    location = serializers.CharField(
        max_length=validation.CREATOR_LOCATION_MAX_LENGTH, required=False, allow_blank=True
    )
    rate_per_post = _rate()
    rate_currency = serializers.RegexField(
        r"^[A-Za-z]{3}$", required=False, help_text=_("ISO 4217; default: the org's currency.")
    )
    click_milestone = serializers.IntegerField(min_value=1, default=DEFAULT_CLICK_MILESTONE)
    internal_notes = serializers.CharField(
        max_length=validation.CREATOR_NOTES_MAX_LENGTH, required=False, allow_blank=True
    )
    handles = serializers.ListField(
        child=HandleInputSerializer(),
        required=False,
        max_length=validation.CREATOR_HANDLES_MAX_ITEMS,
    )


class CreatorUpdateSerializer(StrictSerializer):
    """Every field optional; ``handles``, when sent, replaces the whole set. The click milestone
    changes through ``POST …/milestone/`` with a reason."""

    display_name = serializers.CharField(
        max_length=validation.CREATOR_NAME_MAX_LENGTH, required=False
    )
    email = serializers.EmailField(max_length=254, required=False)
    categories = _categories()
    languages = _languages()
    location = serializers.CharField(
        max_length=validation.CREATOR_LOCATION_MAX_LENGTH, required=False, allow_blank=True
    )
    rate_per_post = _rate()
    rate_currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False)
    internal_notes = serializers.CharField(
        max_length=validation.CREATOR_NOTES_MAX_LENGTH, required=False, allow_blank=True
    )
    handles = serializers.ListField(
        child=HandleInputSerializer(),
        required=False,
        max_length=validation.CREATOR_HANDLES_MAX_ITEMS,
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "click_milestone" in getattr(self, "initial_data", {}):
            raise serializers.ValidationError(
                {"click_milestone": ["Change it with POST …/milestone/ and a reason."]}
            )
        return attrs


class CreatorFilterSerializer(QueryFilterSerializer):
    search = serializers.CharField(
        required=False, default="", max_length=100, help_text=_("Name, e-mail or handle.")
    )
    category = serializers.ChoiceField(choices=Category.choices, required=False, default="")
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, default="")


class MilestoneInputSerializer(StrictSerializer):
    new = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(
        max_length=validation.MILESTONE_REASON_MAX_LENGTH,
        help_text=_("Required: the milestone decides pay."),
    )


class ImportUploadSerializer(StrictSerializer):
    file = serializers.FileField(help_text=_("A UTF-8 CSV file."))


class ImportTextSerializer(StrictSerializer):
    csv = serializers.CharField(help_text=_("The CSV text, header row first."))


class ImportProblemSerializer(StrictSerializer):
    line = serializers.IntegerField(help_text=_("Line in the file; the header is line 1."))
    column = serializers.CharField(help_text=_("Empty when the whole row is concerned."))
    message = serializers.CharField()


class ImportReportSerializer(StrictSerializer):
    ok = serializers.BooleanField(help_text=_("False: nothing was saved; fix the problems."))
    rows = serializers.IntegerField(help_text=_("Data rows read."))
    created = serializers.IntegerField()
    problems = ImportProblemSerializer(many=True)


# --- the creator's own profile (/api/v1/me/profile/) ---


class OwnOrganizationSerializer(StrictSerializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class OwnProfileSerializer(StrictModelSerializer[CreatorProfile]):
    """What a creator sees of their profile in one org. Never internal notes."""

    organization = OwnOrganizationSerializer(read_only=True)
    handles = HandleSerializer(many=True, read_only=True)
    availability = AvailabilitySerializer(many=True, read_only=True)
    interests = InterestSerializer(many=True, read_only=True)

    class Meta:
        model = CreatorProfile
        fields = [
            "id",
            "organization",
            "display_name",
            "email",
            "categories",
            "languages",
            "location",
            "rate_per_post",
            "rate_currency",
            "click_milestone",
            "payout_ready",
            "handles",
            "availability",
            "interests",
        ]
        read_only_fields = fields


OWN_EDITABLE = ("location", "languages", "categories", "rate_per_post")


class OwnProfileUpdateSerializer(StrictSerializer):
    """The fields a creator may change themself; anything else is refused."""

    location = serializers.CharField(
        max_length=validation.CREATOR_LOCATION_MAX_LENGTH, required=False, allow_blank=True
    )
    languages = _languages()
    categories = _categories()
    rate_per_post = _rate()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        sent = getattr(self, "initial_data", {})
        refused = sorted(k for k in sent if k not in OWN_EDITABLE)
        if refused:
            raise serializers.ValidationError(
                {k: ["This is not yours to change; ask your success manager."] for k in refused}
            )
        return attrs
