"""The desk's candidate list for a program: ranked matches with reasons, who is left out and
why, and the bulk-invite form (posting to the recruiting desk's invite endpoint)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from influencer_ops.choices import Category, Platform
from organizations import permissions
from organizations.access import OrgViewMixin, get_for_org
from programs.growth import selectors as growth
from programs.matching import selectors as matching
from programs.matching.forms import CandidateFilterForm
from programs.models import Program


class ProgramCandidatesView(OrgViewMixin, View):
    """Admins and ISMs; another org's program is a 404."""

    capability = permissions.can_work_prelaunch

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = get_for_org(
            Program.objects.select_related("brand"), self.organization, kwargs["pk"]
        )
        return candidates_page(request, self.organization, program)


def candidates_page(
    request: HttpRequest,
    organization: Any,
    program: Program,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The candidate list; after a refused invitation (``error``), with the refusal and what
    the ISM had ticked and typed, answered with the refusal's status."""
    form = CandidateFilterForm(request.GET or None)
    filters = form.filters()
    found = list(matching.candidates(program=program, **filters))
    # Suggested terms for the returning creators among them, in one query for the list.
    suggestions = growth.invite_suggestions(program=program, creator_ids=[c.pk for c in found])
    ranked = [
        (creator, matching.candidate_reasons(creator, program), suggestions.get(creator.pk))
        for creator in found
    ]
    slug_pk = {"org_slug": organization.slug, "pk": program.pk}
    context = {
        "program": program,
        "filter_form": form,
        "filtered": any(filters.values()),
        "ranked": ranked,
        "left_out": matching.excluded(program=program, **filters),
        "window": matching.program_window(program),
        "audience_range": matching.audience_range_label(program),
        "category_labels": [Category(c).label for c in program.categories],
        "platform_labels": [Platform(p).label for p in program.platforms],
        "invite_url": reverse("desk_program_invite", kwargs=slug_pk),
        "roster_url": reverse("desk_program_roster", kwargs=slug_pk),
        "error": error,
        "picked": set(request.POST.getlist("creator")) if error else set(),
        "override_reason": request.POST.get("override_reason", "") if error else "",
    }
    return render(request, "programs/matching_candidates.html", context, status=status)
