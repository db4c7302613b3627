"""Invitations that go against what a creator won't promote: the ISM must give a reason, the
invitation keeps the conflicts and the reason, and the creator must acknowledge them to accept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import DomainError
from programs.matching.exclusions import conflicts_for, exclusion_reason
from programs.models import Enrollment, Program


def invite_conflicts(
    *, program: Program, creators: Sequence[Any], override_reason: str
) -> dict[int, list[dict[str, str]]]:
    """The conflicts of each chosen creator (by profile id) with the program; refused (400)
    when there are some and no reason is given."""
    conflicts = conflicts_for(program=program, creators=creators)
    if conflicts and not override_reason.strip():
        names = {c.pk: c.display_name for c in creators}
        listed = "; ".join(
            sorted(f"{names[pk]} ({exclusion_reason(hits)})" for pk, hits in conflicts.items())
        )
        raise DomainError(
            gettext("Against what they won't promote: %(listed)s. Give a reason to invite anyway.")
            % {"listed": listed}
        )
    return conflicts


def record_override(enrollment: Enrollment, actor: Any) -> None:
    """The audit line of an invitation made despite the creator's exclusions."""
    if not enrollment.exclusion_conflicts:
        return
    audit_record(
        organization=enrollment.organization,
        actor=actor,
        verb=AuditVerb.ENROLLMENT_EXCLUSION_OVERRIDDEN,
        target=enrollment,
        after={
            "conflicts": exclusion_reason(enrollment.exclusion_conflicts),
            "reason": enrollment.exclusion_override_reason,
        },
    )


def require_acknowledgement(enrollment: Enrollment, acknowledged: bool) -> None:
    """Accepting an invitation that conflicts with the creator's exclusions needs their explicit
    acknowledgement (400 otherwise, before anything is written)."""
    if enrollment.exclusion_conflicts and not acknowledged:
        raise DomainError(
            gettext(
                "This program conflicts with what you won't promote (%(conflicts)s): tick the "
                "acknowledgement to accept it anyway."
            )
            % {"conflicts": exclusion_reason(enrollment.exclusion_conflicts)}
        )


def record_acknowledgement(enrollment: Enrollment, user: Any) -> list[str]:
    """Time-stamp the creator's acknowledgement; the fields to save (none without conflict)."""
    if not enrollment.exclusion_conflicts:
        return []
    enrollment.conflict_acknowledged_at = timezone.now()
    audit_record(
        organization=enrollment.organization,
        actor=user,
        verb=AuditVerb.ENROLLMENT_CONFLICT_ACKNOWLEDGED,
        target=enrollment,
        after={"conflicts": exclusion_reason(enrollment.exclusion_conflicts)},
    )
    return ["conflict_acknowledged_at"]
