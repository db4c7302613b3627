"""Candidate matching API payloads: the query and the ranked rows with their reasons."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from influencer_ops.choices import Category, Platform
from influencer_ops.serializers import QueryFilterSerializer, StrictSerializer
from influencer_ops.validation import MATCH_SEARCH_MAX_LENGTH
from programs.matching import selectors as matching


class MatchQuerySerializer(QueryFilterSerializer):
    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MATCH_SEARCH_MAX_LENGTH,
        help_text=_("Name, e-mail or handle."),
    )
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True)
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, allow_blank=True)
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=matching.MAX_LIMIT, default=matching.DEFAULT_LIMIT
    )


class MatchHandleSerializer(StrictSerializer):
    platform = serializers.ChoiceField(choices=Platform.choices)
    handle = serializers.CharField()
    audience_size = serializers.IntegerField()
    engagement_rate = serializers.FloatField(help_text=_("Percent."))


class MatchReasonsSerializer(StrictSerializer):
    """What the score is made of (see ``programs.matching``)."""

    matched_categories = serializers.ListField(child=serializers.ChoiceField(Category.choices))
    category_matches = serializers.IntegerField()
    platform_matches = serializers.IntegerField(
        help_text=_("How many of the program's platforms the creator has a handle on.")
    )
    handles = MatchHandleSerializer(many=True, source="fit_handles")
    audience_in_range = serializers.BooleanField(
        source="audience_fit",
        allow_null=True,
        help_text=_("A handle on a program platform has an audience in the program's range."),
    )
    best_audience = serializers.IntegerField(allow_null=True)
    best_engagement = serializers.FloatField(allow_null=True, help_text=_("Percent."))
    attainment = serializers.FloatField(
        allow_null=True,
        help_text=_("Milestones reached per completed program; null without one."),
    )


class MatchSerializer(StrictSerializer):
    rank = serializers.IntegerField()
    creator = serializers.IntegerField(source="pk")
    display_name = serializers.CharField()
    email = serializers.EmailField()
    score = serializers.FloatField(
        source="match_score", help_text=_("Higher is a better fit (0 to about 100).")
    )
    reasons = MatchReasonsSerializer(source="*")
    summary = serializers.ListField(
        child=serializers.CharField(), help_text=_("The reasons as short phrases.")
    )


class ExclusionHitSerializer(StrictSerializer):
    kind = serializers.CharField()
    value = serializers.CharField()


class LeftOutSerializer(StrictSerializer):
    """A creator who fits the brief but is left out, and why (the matching page's list)."""

    creator = serializers.IntegerField(source="creator.pk")
    display_name = serializers.CharField(source="creator.display_name")
    email = serializers.EmailField(source="creator.email")
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text=_('Why, in words (e.g. "excludes alcohol").')
    )
    exclusion_hits = ExclusionHitSerializer(
        many=True, help_text=_("The creator's own exclusions the program hits.")
    )
    enrollment_state = serializers.CharField(
        allow_null=True, help_text=_("Set when the creator is already in the program.")
    )
    can_override = serializers.BooleanField(
        help_text=_("Away or excluded, not in the program: may still be invited with a reason.")
    )
