"""Candidate matching API: a program's ranked matches with their score and reasons.

GET /api/v1/orgs/<slug>/programs/<program_pk>/matches/?search=&category=&platform=&limit=
and, with the same filters, ``matches/left-out/``: who fits the brief but is left out (away,
excluded by their own values, already in the program) and why. For admins and ISMs
(``can_work_prelaunch``); another org's program is a 404.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from influencers.models import CreatorProfile
from organizations import permissions
from organizations.access import OrgScopedViewSet, get_for_org
from programs.matching import selectors as matching
from programs.matching.serializers import (
    LeftOutSerializer,
    MatchQuerySerializer,
    MatchSerializer,
)
from programs.models import Program

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
        program, params = self._program_and_query(request, kwargs)
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

    @extend_schema(
        parameters=[PROGRAM_PK, MatchQuerySerializer], responses=LeftOutSerializer(many=True)
    )
    @action(detail=False, url_path="left-out", pagination_class=None)
    def left_out(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Who fits the brief but is left out, and why (by name; ``limit`` ≤ 200)."""
        program, params = self._program_and_query(request, kwargs)
        rows = matching.excluded(
            program=program,
            search=params.get("search", ""),
            category=params.get("category", ""),
            platform=params.get("platform", ""),
            limit=params["limit"],
        )
        return Response(LeftOutSerializer(rows, many=True).data)

    def _program_and_query(self, request: Request, kwargs: Any) -> tuple[Program, Any]:
        program = get_for_org(
            Program.objects.select_related("brand"), self.organization, kwargs["program_pk"]
        )
        query = MatchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return program, query.validated_data
