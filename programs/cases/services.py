"""Compliance cases: guideline or contract breaches and underperformance, with every action
taken (message, warning, remedy, terms amendment, escalation, note, close, termination) and
what the creator is owed when the collaboration ends.

Who may act: brand staff who manage the program's brand (``can_manage_programs``) and the
BSM or admins (``can_work_postlaunch``). Anyone whose role covers the brand may read a case.
The creator sees their own cases without internal notes, and may respond while a case is open.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError, Forbidden
from messaging.kinds import ACTIVE_TASK_STATES, NotificationKind, OwnerRole, TaskKind
from messaging.models import Task
from messaging.services import notifications
from messaging.services.queue import task_complete, task_create
from messaging.services.threads import message_post, thread_for_enrollment
from organizations.models import Membership, Organization
from organizations.permissions import can_manage_programs, can_work_postlaunch
from organizations.roles import Role
from programs.models import (
    AmountOwed,
    CaseAction,
    ComplianceCase,
    Deliverable,
    DeliverableState,
    Enrollment,
)
from programs.recruiting import services as recruiting
from programs.states import ENROLLMENT_TRANSITIONS, EnrollmentState, check_transition

Kind = CaseAction.Kind
State = ComplianceCase.State

MAX_LINKS = 20
MAX_EVIDENCE = 10000
MAX_TEXT = 5000
# The reason for ending is quoted in the thread message, which has its own length limit.
MAX_REASON = 2000
# Cases are opened about a creator who holds a place that has not ended.
OPENABLE_ENROLLMENT_STATES = (
    EnrollmentState.ACCEPTED,
    EnrollmentState.CONFIRMED,
    EnrollmentState.ACTIVE,
)
ACTIVE_CASE_STATES = (State.OPEN, State.ESCALATED)
# Roles that read every brand's cases (``covers_brand``); brand staff read their brands' only.
ORG_WIDE_ROLES = (Role.ADMIN, Role.ISM, Role.BSM)
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
TERMINATION_MESSAGE = (
    "Thank you for your work on {program}. We have decided to end this collaboration.\n\n"
    "Why: {reason}\n\n"
    "What you have earned so far will be paid: {owed}. {explanation}\n\n"
    "Content you already published stays yours to keep up as agreed. If you have questions, "
    "reply here and we will answer."
)


class CaseNotFound(DomainError):
    """Missing and not-yours alike."""

    status_code = 404


def may_act_on_cases(membership: Membership | None, brand: Any) -> bool:
    """Open cases and act on them: the BSM and admins, or brand staff who manage the brand."""
    return bool(can_work_postlaunch(membership)) or can_manage_programs(membership, brand)


def may_open_cases(membership: Membership | None) -> bool:
    """The role test alone (the brand is checked on the case): for early 403s."""
    return bool(can_work_postlaunch(membership)) or can_manage_programs(membership)


# --- helpers ---


def _today(organization: Organization) -> date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(organization.time_zone or "UTC"))


def _clean_text(text: str, what: str, limit: int = MAX_TEXT) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(f"Write {what} first.")
    if len(text) > limit:
        raise DomainError(f"{what.capitalize()} has at most {limit} characters.")
    return text


def _clean_links(links: list[str] | None) -> list[str]:
    validate = URLValidator(schemes=["http", "https"])
    clean: list[str] = []
    for link in links or []:
        link = (link or "").strip()
        if not link or link in clean:
            continue
        try:
            if len(link) > 500:
                raise ValidationError("too long")
            validate(link)
        except ValidationError as exc:
            raise DomainError(f"“{link[:80]}” is not an http(s) link.") from exc
        clean.append(link)
    if len(clean) > MAX_LINKS:
        raise DomainError(f"Give at most {MAX_LINKS} evidence links.")
    return clean


def _require_actor(membership: Membership | None, enrollment: Enrollment) -> None:
    if membership is None or membership.organization_id != enrollment.organization_id:
        raise Forbidden("Only the organization's team can work on cases.")
    if not may_act_on_cases(membership, enrollment.program.brand):
        raise Forbidden("Your role does not allow working on cases for this brand.")


def _require_active(case: ComplianceCase) -> None:
    if case.state not in ACTIVE_CASE_STATES:
        raise Conflict(f"This case is {case.get_state_display().lower()}; it takes no actions.")


def _move(case: ComplianceCase, target: str) -> None:
    if target not in CASE_TRANSITIONS[case.state]:
        raise Conflict(
            f"A {case.get_state_display().lower()} case cannot become "
            f"{State(target).label.lower()}."
        )
    case.state = target


def _lock(case: ComplianceCase) -> ComplianceCase:
    return (
        ComplianceCase.objects.select_for_update(of=("self",))
        .select_related("organization", "enrollment__program__brand", "enrollment__creator__user")
        .get(pk=case.pk)
    )


def _record(case: ComplianceCase, kind: str, actor: Any, text: str, **fields: Any) -> CaseAction:
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


def _creator_url(case: ComplianceCase) -> str:
    return reverse("portal_case", kwargs={"pk": case.pk})


def _staff_url(case: ComplianceCase) -> str:
    return reverse("case_detail", kwargs={"org_slug": case.organization.slug, "pk": case.pk})


def _notify_creator(case: ComplianceCase, event: str, title: str, body: str = "") -> None:
    user = case.enrollment.creator.user
    notifications.notify_many(
        recipients=[user] if user is not None else [],
        organization=case.organization,
        kind=NotificationKind.NEW_MESSAGE,
        event_key=f"case:{case.pk}:{event}",
        title=title,
        body=body,
        url=_creator_url(case),
    )


def _case_task(case: ComplianceCase) -> Task | None:
    return Task.objects.filter(
        organization_id=case.organization_id,
        dedupe_key=f"case:{case.pk}",
        state__in=ACTIVE_TASK_STATES,
    ).first()


# --- opening a case ---


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
    _require_actor(membership, locked)
    if locked.state not in OPENABLE_ENROLLMENT_STATES:
        raise Conflict(
            f"This creator's place is {locked.get_state_display().lower()}: cases are opened "
            "for accepted, confirmed or active creators."
        )
    if kind not in ComplianceCase.Kind.values:
        raise DomainError(f"Unknown kind of case “{kind}”.")
    if severity not in ComplianceCase.Severity.values:
        raise DomainError(f"Unknown severity “{severity}”.")
    case = ComplianceCase.objects.create(
        organization_id=locked.organization_id,
        enrollment=locked,
        kind=kind,
        severity=severity,
        evidence=_clean_text(evidence, "the evidence", MAX_EVIDENCE),
        evidence_links=_clean_links(evidence_links),
        opened_by=actor,
    )
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.CASE_OPENED,
        target=case,
        after={"kind": kind, "severity": severity, "enrollment": locked.pk},
    )
    program = locked.program
    task_create(
        organization=locked.organization,
        kind=TaskKind.COMPLIANCE_CASE,
        title=f"{case.get_kind_display()}: {locked.creator.display_name} in {program.name}",
        owner_role=OwnerRole.BSM,
        assignee=locked.assigned_bsm or program.assigned_bsm,
        program=program,
        enrollment=locked,
        creator=locked.creator,
        dedupe_key=f"case:{case.pk}",
        source_event="case.opened",
        actor=actor,
        note=f"{case.get_severity_display()} severity.",
    )
    _notify_creator(
        case,
        "opened",
        f"A {case.get_kind_display().lower()} case about {program.name}",
        "The team opened a case about your work. Read it and respond in the portal.",
    )
    return case


# --- acting on a case ---


@transaction.atomic
def case_act(
    *,
    case: ComplianceCase,
    actor: Any,
    membership: Membership | None,
    kind: str,
    text: str,
    due_on: date | None = None,
    remedy: str = "",
    visible_to_creator: bool = True,
    changes: dict[str, Any] | None = None,
) -> CaseAction:
    """Record one action on an open or escalated case (Conflict once it is closed).

    message: posted in the enrollment thread; warning; remedy (a choice and a future due date);
    terms_amendment: a new terms version with ``changes`` the creator accepts; escalation: tells
    every org admin once; note: internal, never shown to the creator; close: resolved, its task
    done; terminate: see ``case_terminate``.
    """
    if kind == Kind.TERMINATE:
        return case_terminate(case=case, actor=actor, membership=membership, text=text)
    locked = _lock(case)
    _require_actor(membership, locked.enrollment)
    _require_active(locked)
    if kind not in dict(STAFF_ACTION_CHOICES):
        raise DomainError(f"Unknown case action “{kind}”.")
    text = _clean_text(text, "the text")
    if kind == Kind.MESSAGE:
        thread = thread_for_enrollment(enrollment=locked.enrollment)
        message_post(thread=thread, author=actor, text=text, from_creator=False)
        return _record(locked, kind, actor, text)
    if kind == Kind.REMEDY:
        return _remedy(locked, actor, text, remedy, due_on)
    if kind == Kind.TERMS_AMENDMENT:
        version = recruiting.terms_amend(
            enrollment=locked.enrollment, actor=actor, reason=text, changes=changes or {}
        )
        return _record(locked, kind, actor, text, terms_version=version)
    if kind == Kind.ESCALATION:
        return _escalate(locked, actor, text, visible_to_creator)
    if kind == Kind.CLOSE:
        return _close(locked, actor, text, visible_to_creator)
    action = _record(locked, kind, actor, text, visible_to_creator=visible_to_creator)
    if action.visible_to_creator:
        _notify_creator(locked, f"action:{action.pk}", f"{action.get_kind_display()}", text[:500])
    return action


def _remedy(
    case: ComplianceCase, actor: Any, text: str, remedy: str, due_on: date | None
) -> CaseAction:
    if remedy not in CaseAction.Remedy.values:
        raise DomainError("Choose the remedy.")
    if due_on is None or due_on <= _today(case.organization):
        raise DomainError("A remedy needs a due date in the future.")
    action = _record(case, Kind.REMEDY, actor, text, remedy=remedy, due_on=due_on)
    _notify_creator(
        case,
        f"action:{action.pk}",
        f"{action.get_remedy_display()} by {due_on:%Y-%m-%d}",
        text[:500],
    )
    return action


def _escalate(case: ComplianceCase, actor: Any, text: str, visible: bool) -> CaseAction:
    _move(case, State.ESCALATED)
    case.save(update_fields=["state"])
    action = _record(case, Kind.ESCALATION, actor, text, visible_to_creator=visible)
    admins = [
        m.user
        for m in Membership.objects.select_related("user").filter(
            organization_id=case.organization_id, role=Role.ADMIN
        )
        if m.user_id != getattr(actor, "pk", None)
    ]
    notifications.notify_many(
        recipients=admins,
        organization=case.organization,
        kind=NotificationKind.TASK_ESCALATED,
        event_key=f"case:{case.pk}:escalated",
        title=f"Case escalated: {case.enrollment.creator.display_name} in "
        f"{case.enrollment.program.name}",
        body=text[:500],
        url=_staff_url(case),
    )
    if action.visible_to_creator:
        _notify_creator(case, f"action:{action.pk}", "Your case went to the organization's admins")
    return action


def _close(case: ComplianceCase, actor: Any, text: str, visible: bool) -> CaseAction:
    _move(case, State.RESOLVED)
    case.closed_at = timezone.now()
    case.save(update_fields=["state", "closed_at"])
    action = _record(case, Kind.CLOSE, actor, text, visible_to_creator=visible)
    _finish_task(case, actor, text)
    if action.visible_to_creator:
        _notify_creator(case, f"action:{action.pk}", "Your case is closed", text[:500])
    return action


def _finish_task(case: ComplianceCase, actor: Any, resolution: str) -> None:
    task = _case_task(case)
    if task is not None:
        task_complete(task=task, actor=actor, resolution=resolution)


# --- ending the collaboration ---


@dataclass(frozen=True)
class Owed:
    amount: Decimal
    currency: str
    explanation: str

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def amount_owed_compute(*, enrollment: Enrollment) -> Owed:
    """What the accepted terms owe for the work done when a collaboration ends early.

    The rule: owed = flat fee × delivered ÷ promised, rounded to cents with ROUND_HALF_UP.
    - fee, currency and promised come from the accepted terms version (the one in force):
      promised is the sum of the counts of its deliverables;
    - delivered is this enrollment's deliverables that are published or approved, at most
      ``promised``;
    - no accepted terms or no fee: 0.00; nothing promised: the whole fee (nothing to pro-rate).
    Pay per valid click and the milestone bonus are not in this amount: the payments issue
    settles them from the tracked clicks. Example: fee 500.00, 3 promised, 1 published → 166.67.
    """
    terms = enrollment.terms_version
    snapshot = terms.snapshot if terms is not None else {}
    currency = snapshot.get("currency") or enrollment.program.currency
    fee = Decimal(str(snapshot.get("fee") or "0"))
    promised = sum(int(item.get("count") or 0) for item in snapshot.get("deliverables", []))
    delivered = min(
        Deliverable.objects.filter(enrollment=enrollment, state__in=DELIVERED_STATES).count(),
        promised,
    )
    clicks = " Pay per valid click is settled separately from the tracked clicks."
    if promised == 0:
        amount = fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        explanation = f"The flat fee of {amount} {currency} (no deliverables were promised)."
    else:
        amount = (fee * delivered / promised).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        explanation = (
            f"The flat fee of {fee:.2f} {currency} × {delivered} of {promised} promised "
            f"deliverables published or approved = {amount} {currency}."
        )
    return Owed(amount, currency, explanation + clicks)


def _cancel_future_deliverables(enrollment: Enrollment, actor: Any) -> int:
    today = _today(enrollment.organization)
    future = Deliverable.objects.filter(
        organization_id=enrollment.organization_id,
        enrollment=enrollment,
        state__in=CANCELLABLE_DELIVERABLE_STATES,
        due_on__gte=today,
    )
    ids = list(future.values_list("pk", flat=True))
    if ids:
        Deliverable.objects.filter(pk__in=ids).update(state=DeliverableState.CANCELLED)
        audit_record(
            organization=enrollment.organization,
            actor=actor,
            verb=AuditVerb.DELIVERABLES_CANCELLED,
            target=enrollment,
            after={"deliverables": ids, "from": today.isoformat()},
        )
    return len(ids)


def _end_enrollment(enrollment: Enrollment, actor: Any, reason: str) -> None:
    if enrollment.state != EnrollmentState.ACTIVE:
        raise Conflict(
            f"This creator's place is {enrollment.get_state_display().lower()}: only an active "
            "collaboration can be ended (withdraw a place before launch instead)."
        )
    check_transition(
        ENROLLMENT_TRANSITIONS, enrollment.state, EnrollmentState.TERMINATED, "creator's place"
    )
    enrollment.state = EnrollmentState.TERMINATED
    enrollment.ended_at = timezone.now()
    enrollment.end_reason = reason[:500]
    enrollment.save(update_fields=["state", "ended_at", "end_reason"])
    audit_record(
        organization=enrollment.organization,
        actor=actor,
        verb=AuditVerb.ENROLLMENT_TERMINATED,
        target=enrollment,
        before={"state": EnrollmentState.ACTIVE},
        after={"state": EnrollmentState.TERMINATED, "reason": enrollment.end_reason},
    )
    from tracking.links.services import link_deactivate
    from tracking.models import TrackedLink

    link = TrackedLink.objects.filter(
        organization_id=enrollment.organization_id, enrollment=enrollment
    ).first()
    if link is not None:  # the ended collaboration's link stops counting clicks
        link_deactivate(link=link, actor=actor)


@transaction.atomic
def case_terminate(
    *, case: ComplianceCase, actor: Any, membership: Membership | None, text: str
) -> CaseAction:
    """End the collaboration, respectfully, as the last resort of an open case.

    The enrollment becomes terminated (through its state machine); deliverables still owed and
    due today or later are cancelled (approved and published ones stay); the creator is told in
    their thread what they will be paid; an ``AmountOwed`` is recorded by the rule of
    ``amount_owed_compute``; the case becomes terminated and its task done.
    """
    locked = _lock(case)
    _require_actor(membership, locked.enrollment)
    _require_active(locked)
    reason = _clean_text(text, "the reason", MAX_REASON)
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("program__brand", "creator__user", "organization", "terms_version")
        .get(pk=locked.enrollment_id)
    )
    _end_enrollment(enrollment, actor, reason)
    _cancel_future_deliverables(enrollment, actor)
    owed = amount_owed_compute(enrollment=enrollment)
    record = AmountOwed.objects.create(
        organization_id=enrollment.organization_id,
        enrollment=enrollment,
        amount=owed.amount,
        currency=owed.currency,
        explanation=owed.explanation[:2000],
    )
    audit_record(
        organization=enrollment.organization,
        actor=actor,
        verb=AuditVerb.AMOUNT_OWED_RECORDED,
        target=record,
        after={"amount": str(owed.amount), "currency": owed.currency},
    )
    from payments.earning import payouts_earn_at_termination

    payouts_earn_at_termination(enrollment=enrollment, amount_owed=record, actor=actor)
    message_post(
        thread=thread_for_enrollment(enrollment=enrollment),
        author=actor,
        text=TERMINATION_MESSAGE.format(
            program=enrollment.program.name,
            reason=reason,
            owed=owed,
            explanation=owed.explanation,
        ),
        from_creator=False,
    )
    _move(locked, State.TERMINATED)
    locked.closed_at = timezone.now()
    locked.save(update_fields=["state", "closed_at"])
    action = _record(locked, Kind.TERMINATE, actor, reason)
    _finish_task(locked, actor, f"Collaboration ended; {owed} owed.")
    return action


# --- the creator's side ---


@transaction.atomic
def case_respond(*, case: ComplianceCase, user: Any, text: str) -> CaseAction:
    """The creator answers a case about them while it is open or escalated."""
    locked = _lock(case)
    if locked.enrollment.creator.user_id != getattr(user, "pk", None):
        raise CaseNotFound("Not found.")
    _require_active(locked)
    action = _record(locked, Kind.CREATOR_RESPONSE, user, _clean_text(text, "your response"))
    task = _case_task(locked)
    staff = task.assignee if task is not None and task.assignee is not None else locked.opened_by
    notifications.notify_many(
        recipients=[staff],
        organization=locked.organization,
        kind=NotificationKind.NEW_MESSAGE,
        event_key=f"case:{locked.pk}:action:{action.pk}",
        title=f"{locked.enrollment.creator.display_name} responded to a case",
        body=action.text[:500],
        url=_staff_url(locked),
    )
    return action


# --- reads ---


def cases_visible_to(
    *, organization: Organization, membership: Membership, state: str | None = None
) -> QuerySet[ComplianceCase]:
    """Cases about programs of brands the member covers (org-wide roles: all)."""
    from programs.selectors import brands_visible_to

    cases = ComplianceCase.objects.filter(organization=organization).select_related(
        "enrollment__program__brand", "enrollment__creator", "opened_by"
    )
    if membership.role not in ORG_WIDE_ROLES:
        brands = brands_visible_to(organization=organization, membership=membership)
        cases = cases.filter(enrollment__program__brand__in=[b.pk for b in brands])
    if state:
        cases = cases.filter(state=state)
    return cases.order_by("-created_at", "-id")


def case_actions(*, for_creator: bool) -> Prefetch:
    """The actions to show, as a prefetch into ``shown_actions``; a creator never sees notes."""
    actions = CaseAction.objects.select_related("actor", "terms_version").order_by(
        "created_at", "id"
    )
    if for_creator:
        actions = actions.filter(visible_to_creator=True).filter(~Q(kind=Kind.NOTE))
    return Prefetch("actions", queryset=actions, to_attr="shown_actions")


def cases_for_creator(*, user: Any) -> QuerySet[ComplianceCase]:
    """The signed-in creator's cases across the orgs they work with (call in creator scope)."""
    return (
        ComplianceCase.objects.filter(enrollment__creator__user=user)
        .select_related("organization", "enrollment__program__brand", "enrollment__amount_owed")
        .order_by("-created_at", "-id")
    )
