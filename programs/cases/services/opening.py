"""Opening a case with evidence about a creator who holds a place."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError
from influencer_ops.events import EventType, emit
from influencer_ops.validation import CASE_EVIDENCE_MAX_LENGTH
from messaging.kinds import OwnerRole, TaskKind
from messaging.services.queue import task_create
from organizations.models import Membership
from programs.cases.services.common import (
    OPENABLE_ENROLLMENT_STATES,
    clean_case_text,
    clean_evidence_links,
    notify_creator,
    require_actor,
)
from programs.events import case_event
from programs.models import ComplianceCase, Enrollment


@transaction.atomic
def case_open(
    *,
    enrollment: Enrollment,
    actor: Any,
    membership: Membership | None,
    kind: str,
    severity: str,
    evidence: str,
    evidence_links: list[str] | None,
) -> ComplianceCase:
    """Open a case with evidence about a creator holding a place (accepted, confirmed, active).

    Opens a BSM task (one per case) and tells the creator, without the team's notes.
    """
    locked = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("program__brand", "creator__user", "organization")
        .get(pk=enrollment.pk)
    )
    require_actor(membership, locked)
    if locked.state not in OPENABLE_ENROLLMENT_STATES:
        raise Conflict(
            gettext(
                "This creator's place is %(lower)s: cases are opened for accepted, "
                "confirmed or active creators."
            )
            % {"lower": locked.get_state_display().lower()}
        )
    if kind not in ComplianceCase.Kind.values:
        raise DomainError(gettext("Unknown kind of case “%(kind)s”.") % {"kind": kind})
    if severity not in ComplianceCase.Severity.values:
        raise DomainError(gettext("Unknown severity “%(severity)s”.") % {"severity": severity})
    case = ComplianceCase.objects.create(
        organization_id=locked.organization_id,
        enrollment=locked,
        kind=kind,
        severity=severity,
        evidence=clean_case_text(evidence, gettext("the evidence"), CASE_EVIDENCE_MAX_LENGTH),
        evidence_links=clean_evidence_links(evidence_links),
        opened_by=actor,
    )
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.CASE_OPENED,
        target=case,
        after={"kind": kind, "severity": severity, "enrollment": locked.pk},
    )
    emit(locked.organization, EventType.CASE_OPENED, case_event(case))
    program = locked.program
    task_create(
        organization=locked.organization,
        kind=TaskKind.COMPLIANCE_CASE,
        title=gettext("%(kind)s: %(display_name)s in %(name)s")
        % {
            "kind": case.get_kind_display(),
            "display_name": locked.creator.display_name,
            "name": program.name,
        },
        owner_role=OwnerRole.BSM,
        assignee=locked.assigned_bsm or program.assigned_bsm,
        program=program,
        enrollment=locked,
        creator=locked.creator,
        dedupe_key=f"case:{case.pk}",
        source_event=AuditVerb.CASE_OPENED,
        actor=actor,
        note=f"{case.get_severity_display()} severity.",
    )
    notify_creator(
        case,
        "opened",
        (
            gettext("A %(lower)s case about %(name)s")
            % {"lower": case.get_kind_display().lower(), "name": program.name}
        ),
        gettext("The team opened a case about your work. Read it and respond in the portal."),
    )
    return case
