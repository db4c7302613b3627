"""Your tier with each organization from the API (``/api/v1/me/growth/``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.serializers import StrictSerializer
from influencers.access import CreatorAPIView
from programs.growth import selectors


class HistorySerializer(StrictSerializer):
    programs = serializers.IntegerField(help_text="Programs taken part in (confirmed or on).")
    completed = serializers.IntegerField()
    milestones = serializers.IntegerField(help_text="Click milestones reached.")
    delivered = serializers.IntegerField(help_text="Deliverables published.")
    on_time = serializers.IntegerField(help_text="Of those, published by their due date.")
    reviewed = serializers.IntegerField(help_text="Draft reviews.")
    approved = serializers.IntegerField()
    on_time_rate = serializers.IntegerField(allow_null=True, help_text="Percent.")
    approval_rate = serializers.IntegerField(allow_null=True, help_text="Percent.")


class GrowthSerializer(StrictSerializer):
    organization = serializers.CharField(source="organization.name")
    organization_slug = serializers.CharField(source="organization.slug")
    tier = serializers.CharField(source="tier.code")
    tier_label = serializers.CharField(source="tier.label")
    next_tier = serializers.CharField(source="next.code", allow_null=True, default=None)
    unlock = serializers.CharField(help_text="What unlocks the next tier (empty at the top).")
    history = HistorySerializer()


class MyGrowthView(CreatorAPIView):
    """Your tier with each organization you work with, what unlocks the next, your history."""

    @extend_schema(responses=GrowthSerializer(many=True))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        growth = selectors.creator_growth(user=request.user)
        return Response(GrowthSerializer(growth, many=True).data)
