"""Candidate matching API: a program's ranked matches with their score and reasons.

GET /api/v1/orgs/<slug>/programs/<program_pk>/matches/?search=&category=&platform=&limit=
for admins and ISMs (``can_work_prelaunch``); another org's program is a 404.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.choices import Category, Platform
from influencers.models import CreatorProfile
from organizations import permissions
from organizations.access import OrgScopedViewSet, get_for_org
from programs.matching import selectors as matching
from programs.models import Program


class MatchQuerySerializer(serializers.Serializer[Any]):
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Name, e-mail or handle."
    )
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True)
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, allow_blank=True)
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=matching.MAX_LIMIT, default=matching.DEFAULT_LIMIT
    )


class MatchHandleSerializer(serializers.Serializer[Any]):
    platform = serializers.ChoiceField(choices=Platform.choices)
    handle = serializers.CharField()
    audience_size = serializers.IntegerField()
    engagement_rate = serializers.FloatField(help_text="Percent.")


class MatchReasonsSerializer(serializers.Serializer[Any]):
    """What the score is made of (see ``programs.matching``)."""

    matched_categories = serializers.ListField(child=serializers.ChoiceField(Category.choices))
    category_matches = serializers.IntegerField()
    platform_matches = serializers.IntegerField(
        help_text="How many of the program's platforms the creator has a handle on."
    )
    handles = MatchHandleSerializer(many=True, source="fit_handles")
    audience_in_range = serializers.BooleanField(
        source="audience_fit",
        allow_null=True,
        help_text="A handle on a program platform has an audience in the program's range.",
    )
    best_audience = serializers.IntegerField(allow_null=True)
    best_engagement = serializers.FloatField(allow_null=True, help_text="Percent.")
    attainment = serializers.FloatField(
        allow_null=True,
        help_text="Milestones reached per completed program; null without one.",
    )


class MatchSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField()
    creator = serializers.IntegerField(source="pk")
    display_name = serializers.CharField()
    email = serializers.EmailField()
    score = serializers.FloatField(
        source="match_score", help_text="Higher is a better fit (0 to about 100)."
    )
    reasons = MatchReasonsSerializer(source="*")
    summary = serializers.ListField(
        child=serializers.CharField(), help_text="The reasons as short phrases."
    )


PROGRAM_PK = OpenApiParameter("program_pk", OpenApiTypes.INT, OpenApiParameter.PATH)


class ProgramMatchViewSet(OrgScopedViewSet):
    """A program's best candidates, best first (not paginated: ``limit`` ≤ 200)."""

    serializer_class = MatchSerializer
    queryset = CreatorProfile.objects.none()
    pagination_class = None
    capabilities = {"*": permissions.can_work_prelaunch}

    @extend_schema(
        parameters=[PROGRAM_PK, MatchQuerySerializer], responses=MatchSerializer(many=True)
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = get_for_org(Program.objects.all(), self.organization, kwargs["program_pk"])
        query = MatchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        ranked = list(
            matching.candidates(
                program=program,
                search=params.get("search", ""),
                category=params.get("category", ""),
                platform=params.get("platform", ""),
                limit=params["limit"],
            )
        )
        for rank, creator in enumerate(ranked, start=1):
            creator.rank = rank  # type: ignore[attr-defined]
            creator.summary = matching.candidate_reasons(creator, program)  # type: ignore[attr-defined]
        return Response(MatchSerializer(ranked, many=True).data)
