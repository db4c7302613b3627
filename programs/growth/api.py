"""Growth from the API: your tier with each organization (``/api/v1/me/growth/``) and the
terms suggested for a program's returning candidates
(``/api/v1/orgs/<slug>/programs/<id>/invite-suggestions/``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.serializers import MoneyField, StrictSerializer
from influencers.access import CreatorAPIView
from organizations import permissions
from organizations.access import OrgScopedViewSet, get_for_org
from programs.growth import selectors
from programs.matching import selectors as matching
from programs.models import Program


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


class SuggestionSerializer(StrictSerializer):
    creator = serializers.IntegerField(source="creator_id")
    milestone = serializers.IntegerField(help_text="Suggested click milestone (a round number).")
    per_click_rate = MoneyField(
        max_digits=10, decimal_places=2, allow_null=True, help_text="Median rate paid before."
    )
    currency = serializers.CharField()
    programs = serializers.IntegerField(help_text="Past programs completed with the org.")
    median_clicks = serializers.IntegerField()
    reached = serializers.IntegerField(help_text="Of those, with the click milestone reached.")
    why = serializers.CharField()


class ProgramInviteSuggestionViewSet(OrgScopedViewSet):
    """The click milestone and rate suggested for the returning creators among a program's
    best candidates (those who completed an earlier program of the org), with why."""

    queryset = Program.objects.none()
    serializer_class = SuggestionSerializer
    pagination_class = None
    capabilities = {"*": permissions.can_work_prelaunch}

    def get_org_queryset(self) -> Any:
        return Program.objects.all()

    @extend_schema(responses=SuggestionSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = get_for_org(Program.objects.all(), self.organization, kwargs["program_pk"])
        ids = [c.pk for c in matching.candidates(program=program)]
        found = selectors.invite_suggestions(program=program, creator_ids=ids)
        rows = [found[pk] for pk in ids if pk in found]
        return Response(SuggestionSerializer(rows, many=True).data)
