"""A corrected click milestone reaches the terms: never a silent change, never a silent miss."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from influencers.models import CreatorProfile, MilestoneChange
from influencers.services import milestone_change
from programs.models import Enrollment, TermsVersion
from programs.recruiting.services.terms import latest_terms, terms_amend
from programs.states import EnrollmentState

# Places whose terms can still follow the creator's milestone (a finished one keeps its terms).
OPEN_PLACES = (
    EnrollmentState.INVITED,
    EnrollmentState.ACCEPTED,
    EnrollmentState.CONFIRMED,
    EnrollmentState.ACTIVE,
)


@transaction.atomic
def creator_milestone_correct(
    *, profile: CreatorProfile, actor: Any, new: int, reason: str
) -> tuple[MilestoneChange, list[TermsVersion]]:
    """Correct the creator's click milestone (with its reason and history) and amend the terms
    of every open place whose milestone comes from the creator (the program sets none): a new
    terms version per place, with the reason, which the creator sees and accepts (confirmation
    waits for it). Returns the change and the amendments."""
    change = milestone_change(profile=profile, actor=actor, new=new, reason=reason)
    amendments = []
    places = Enrollment.objects.filter(
        organization_id=profile.organization_id,
        creator_id=profile.pk,
        state__in=OPEN_PLACES,
        program__click_milestone__isnull=True,
    ).order_by("pk")
    for enrollment in places:
        current = latest_terms(enrollment)
        if current is None or current.snapshot.get("click_milestone") == change.new:
            continue
        amendments.append(
            terms_amend(
                enrollment=enrollment,
                actor=actor,
                reason=(
                    gettext(
                        "Your click milestone was corrected from %(old)s to %(new)s valid "
                        "clicks: %(reason)s"
                    )
                    % {
                        "old": format(change.old, ","),
                        "new": format(change.new, ","),
                        "reason": change.reason,
                    }
                ),
                changes={"click_milestone": change.new},
            )
        )
    return change, amendments
