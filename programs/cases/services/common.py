"""What the case services share: the case's states and who may act, the cleaners with their
messages, locking, recording an action, links, and telling the creator."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError, Forbidden
from influencer_ops.validation import (
    CASE_MAX_EVIDENCE_LINKS,
    CASE_TEXT_MAX_LENGTH,
    DELIVERY_URL_MAX_LENGTH,
    ValueInvalid,
    clean_text,
    clean_url,
)
from messaging.kinds import ACTIVE_TASK_STATES, NotificationKind
from messaging.models import Task
from messaging.services import notifications
from messaging.services.queue import task_complete
from organizations.models import Membership
from organizations.permissions import can_manage_programs, can_work_postlaunch
from programs.models import CaseAction, ComplianceCase, DeliverableState, Enrollment
from programs.states import EnrollmentState

Kind = CaseAction.Kind
State = ComplianceCase.State

# Cases are opened about a creator who holds a place that has not ended.
OPENABLE_ENROLLMENT_STATES = (
    EnrollmentState.ACCEPTED,
    EnrollmentState.CONFIRMED,
    EnrollmentState.ACTIVE,
)
ACTIVE_CASE_STATES = (State.OPEN, State.ESCALATED)
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    State.OPEN: frozenset({State.ESCALATED, State.RESOLVED, State.TERMINATED}),
    State.ESCALATED: frozenset({State.RESOLVED, State.TERMINATED}),
    State.RESOLVED: frozenset(),
    State.TERMINATED: frozenset(),
}
# What staff may record (the creator's response has its own service).
STAFF_ACTION_CHOICES = [(k.value, k.label) for k in Kind if k != Kind.CREATOR_RESPONSE]
# The creator always sees these; a note never; escalation and close follow the caller's choice.
ALWAYS_VISIBLE = frozenset(
    {Kind.MESSAGE, Kind.WARNING, Kind.REMEDY, Kind.TERMS_AMENDMENT, Kind.TERMINATE}
)
# Deliverables still owed in these states are cancelled when a collaboration ends.
CANCELLABLE_DELIVERABLE_STATES = (
    DeliverableState.PENDING,
    DeliverableState.CHANGES_REQUESTED,
    DeliverableState.SUBMITTED,
)
DELIVERED_STATES = (DeliverableState.APPROVED, DeliverableState.PUBLISHED)
# A notification shows the start of a long text; the case page has all of it.
NOTICE_PREVIEW_LENGTH = 500
TERMINATION_MESSAGE = (
    "Thank you for your work on {program}. We have decided to end this collaboration.\n\n"
    "Why: {reason}\n\n"
    "What you have earned so far will be paid: {owed}. {explanation}\n\n"
    "Content you already published stays yours to keep up as agreed. If you have questions, "
    "reply here and we will answer."
)


def may_act_on_cases(membership: Membership | None, brand: Any) -> bool:
    """Open cases and act on them: the BSM and admins, or brand staff who manage the brand."""
    return bool(can_work_postlaunch(membership)) or can_manage_programs(membership, brand)


def may_open_cases(membership: Membership | None) -> bool:
    """The role test alone (the brand is checked on the case): for early 403s."""
    return bool(can_work_postlaunch(membership)) or can_manage_programs(membership)


def clean_case_text(text: str, what: str, limit: int = CASE_TEXT_MAX_LENGTH) -> str:
    """Required text within ``limit``; the messages name it (``what``)."""
    if not str(text or "").strip():
        raise DomainError(gettext("Write %(what)s first.") % {"what": what})
    try:
        return clean_text(text, limit=limit)
    except ValueInvalid as exc:
        raise DomainError(
            gettext("%(capitalize)s has at most %(limit)s characters.")
            % {"capitalize": what.capitalize(), "limit": limit}
        ) from exc


def clean_evidence_links(links: list[str] | None) -> list[str]:
    """http(s) addresses that fit the column, blanks and repeats dropped."""
    clean: list[str] = []
    for link in links or []:
        try:
            cleaned = clean_url(link, limit=DELIVERY_URL_MAX_LENGTH)
        except ValueInvalid as exc:
            raise DomainError(
                gettext("“%(value)s” is not an http(s) link.") % {"value": str(link).strip()[:80]}
            ) from exc
        if cleaned and cleaned not in clean:
            clean.append(cleaned)
    if len(clean) > CASE_MAX_EVIDENCE_LINKS:
        raise DomainError(
            gettext("Give at most %(CASE_MAX_EVIDENCE_LINKS)s evidence links.")
            % {"CASE_MAX_EVIDENCE_LINKS": CASE_MAX_EVIDENCE_LINKS}
        )
    return clean


def require_actor(membership: Membership | None, enrollment: Enrollment) -> None:
    if membership is None or membership.organization_id != enrollment.organization_id:
        raise Forbidden(gettext("Only the organization's team can work on cases."))
    if not may_act_on_cases(membership, enrollment.program.brand):
        raise Forbidden(gettext("Your role does not allow working on cases for this brand."))


def require_active(case: ComplianceCase) -> None:
    if case.state not in ACTIVE_CASE_STATES:
        raise Conflict(
            gettext("This case is %(lower)s; it takes no actions.")
            % {"lower": case.get_state_display().lower()}
        )


def case_move(case: ComplianceCase, target: str) -> None:
    if target not in CASE_TRANSITIONS[case.state]:
        raise Conflict(
            gettext("A %(lower)s case cannot become %(lower2)s.")
            % {"lower": case.get_state_display().lower(), "lower2": State(target).label.lower()}
        )
    case.state = target


def lock_case(case: ComplianceCase) -> ComplianceCase:
    return (
        ComplianceCase.objects.select_for_update(of=("self",))
        .select_related("organization", "enrollment__program__brand", "enrollment__creator__user")
        .get(pk=case.pk)
    )


def record_action(
    case: ComplianceCase, kind: str, actor: Any, text: str, **fields: Any
) -> CaseAction:
    visible = fields.pop("visible_to_creator", True)
    action = CaseAction.objects.create(
        organization_id=case.organization_id,
        case=case,
        kind=kind,
        text=text,
        actor=actor,
        visible_to_creator=kind in ALWAYS_VISIBLE or (kind != Kind.NOTE and visible),
        **fields,
    )
    audit_record(
        organization=case.organization,
        actor=actor,
        verb=AuditVerb(f"case.{kind}"),
        target=case,
        after={"action": action.pk, "state": case.state, "visible": action.visible_to_creator},
    )
    return action


def creator_url(case: ComplianceCase) -> str:
    return reverse("portal_case", kwargs={"pk": case.pk})


def staff_url(case: ComplianceCase) -> str:
    return reverse("case_detail", kwargs={"org_slug": case.organization.slug, "pk": case.pk})


def notify_creator(case: ComplianceCase, event: str, title: str, body: str = "") -> None:
    user = case.enrollment.creator.user
    notifications.notify_many(
        recipients=[user] if user is not None else [],
        organization=case.organization,
        kind=NotificationKind.NEW_MESSAGE,
        event_key=f"case:{case.pk}:{event}",
        title=title,
        body=body,
        url=creator_url(case),
    )


def case_task(case: ComplianceCase) -> Task | None:
    return Task.objects.filter(
        organization_id=case.organization_id,
        dedupe_key=f"case:{case.pk}",
        state__in=ACTIVE_TASK_STATES,
    ).first()


def finish_task(case: ComplianceCase, actor: Any, resolution: str) -> None:
    task = case_task(case)
    if task is not None:
        task_complete(task=task, actor=actor, resolution=resolution)
