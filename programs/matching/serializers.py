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
