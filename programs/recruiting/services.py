"""Recruiting writes (the ISM phase): invitations with a terms snapshot, the waitlist,
acceptance and decline by the creator, confirmation, amendments, and invitation expiry.

Terms never change silently: every version is a new TermsVersion the creator accepts.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError
from messaging.kinds import ACTIVE_TASK_STATES, NotificationKind, OwnerRole, TaskKind, Topic
from messaging.models import Task
from messaging.services import notifications
from messaging.services.queue import task_create
from programs.models import Enrollment, Program, TermsVersion
from programs.states import (
    ENROLLMENT_TRANSITIONS,
    PLACE_HOLDING_STATES,
    EnrollmentState,
    ProgramState,
    check_transition,
)

# Without a recruit-by date an invitation stays open this long.
DEFAULT_INVITATION_DAYS = 14
# Terms fields an amendment may change.
AMENDABLE = (
    "fee",
    "per_click_rate",
    "click_milestone",
    "milestone_bonus",
    "prorate_if_missed",
    "guidelines",
    "disclosure_rule",
    "nda_required",
    "deliverables",
)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _due_on(spec: Any, program: Program) -> str | None:
    if spec.due_on:
        return spec.due_on.isoformat()
    if spec.due_offset_days is not None and program.launch_on:
        return (program.launch_on + timedelta(days=spec.due_offset_days)).isoformat()
    return None


def terms_snapshot(*, program: Program, creator: Any) -> dict[str, Any]:
    """What the creator is asked to accept, frozen: money as strings, dates as ISO dates."""
    return {
        "program": program.name,
        "brand": program.brand.name,
        "currency": program.currency,
        "fee": _money(program.flat_fee),
        "per_click_rate": None if program.per_click_rate is None else str(program.per_click_rate),
        "click_milestone": program.click_milestone or creator.click_milestone,
        "milestone_bonus": _money(program.milestone_bonus),
        "prorate_if_missed": program.prorate_if_missed,
        "deliverables": [
            {
                "kind": spec.kind,
                "platform": spec.platform,
                "count": spec.count,
                "due_on": _due_on(spec, program),
                "due_offset_days": spec.due_offset_days,
                "spec": spec.pk,
            }
            for spec in program.deliverable_specs.all()
        ],
        "guidelines": program.guidelines,
        "disclosure_rule": program.disclosure_rule,
        "nda_required": program.nda_required,
        "launch_on": program.launch_on.isoformat() if program.launch_on else None,
        "end_on": program.end_on.isoformat() if program.end_on else None,
    }


def unavailable_reason(*, creator: Any, program: Program) -> str | None:
    """Why the creator cannot take part over the program's dates, if they cannot."""
    from influencers.models import Availability

    if not (program.launch_on and program.end_on):
        return None
    window = (
        Availability.objects.filter(
            profile=creator, away_from__lte=program.end_on, away_to__gte=program.launch_on
        )
        .order_by("away_from")
        .first()
    )
    if window is None:
        return None
    return f"away {window.away_from:%d %b %Y}–{window.away_to:%d %b %Y}"


def _expires_at(program: Program) -> datetime:
    if program.recruit_by is None:
        return timezone.now() + timedelta(days=DEFAULT_INVITATION_DAYS)
    zone = zoneinfo.ZoneInfo(program.organization.time_zone or "UTC")
    return datetime.combine(program.recruit_by, time.max, tzinfo=zone)


def _places_taken(program: Program) -> int:
    return Enrollment.objects.filter(
        organization_id=program.organization_id, program=program, state__in=PLACE_HOLDING_STATES
    ).count()


def _new_terms(
    enrollment: Enrollment, snapshot: dict[str, Any], actor: Any, reason: str = ""
) -> TermsVersion:
    number = (
        TermsVersion.objects.filter(enrollment=enrollment).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    return TermsVersion.objects.create(
        organization_id=enrollment.organization_id,
        enrollment=enrollment,
        number=number,
        snapshot=snapshot,
        reason=reason,
        created_by=actor,
    )


def latest_terms(enrollment: Enrollment) -> TermsVersion | None:
    return TermsVersion.objects.filter(enrollment=enrollment).order_by("-number").first()


def _notify_creator(enrollment: Enrollment, event: str, title: str, body: str = "") -> None:
    user = enrollment.creator.user
    if user is None:
        return
    notifications.notify_many(
        recipients=[user],
        organization=enrollment.organization,
        kind=NotificationKind.INVITATION,
        event_key=f"enrollment:{enrollment.pk}:{event}",
        title=title,
        body=body,
        url=reverse("portal_invitation", kwargs={"pk": enrollment.pk}),
    )


def _send_invitation(enrollment: Enrollment, program: Program, actor: Any) -> None:
    """Make a waitlisted or new enrollment a live invitation with terms version 1."""
    now = timezone.now()
    enrollment.state = EnrollmentState.INVITED
    enrollment.waitlist_position = None
    enrollment.invited_at = now
    enrollment.expires_at = _expires_at(program)
    enrollment.save(update_fields=["state", "waitlist_position", "invited_at", "expires_at"])
    if not TermsVersion.objects.filter(enrollment=enrollment).exists():
        _new_terms(
            enrollment,
            terms_snapshot(program=program, creator=enrollment.creator),
            actor or enrollment.invited_by,
        )
    _notify_creator(
        enrollment,
        "invited",
        f"You are invited to {program.name}",
        f"{program.brand.name} invites you. Please answer by {enrollment.expires_at:%Y-%m-%d}.",
    )


@transaction.atomic
def enrollment_invite(
    *,
    program: Program,
    creators: Iterable[Any] | None = None,
    creator: Any | None = None,
    actor: Any,
    override_reason: str = "",
) -> list[Enrollment]:
    """Invite creators to a recruiting program, all or none.

    Refused: a creator of another org, one already in the program (any state), or one away over
    the program dates unless ``override_reason`` says why. Places beyond the capacity go to the
    waitlist in order; each live invitation snapshots terms version 1 and expires at recruit-by.
    """
    chosen = list(creators or []) + ([creator] if creator is not None else [])
    if not chosen:
        raise DomainError("Choose at least one creator to invite.")
    program = (
        Program.objects.select_for_update()
        .select_related("brand", "organization")
        .get(pk=program.pk)
    )
    if program.state != ProgramState.RECRUITING:
        raise Conflict(
            f"{program.name} is {program.get_state_display().lower()}: creators are "
            "invited while it is recruiting."
        )
    if any(c.organization_id != program.organization_id for c in chosen):
        raise DomainError("A creator does not belong to this organization.")
    if len({c.pk for c in chosen}) != len(chosen):
        raise DomainError("A creator was chosen twice.")
    already = set(
        Enrollment.objects.filter(program=program, creator__in=chosen).values_list(
            "creator__display_name", flat=True
        )
    )
    if already:
        raise Conflict(f"Already in {program.name}: {', '.join(sorted(already))}.")
    override_reason = override_reason.strip()
    away = {
        c.display_name: r
        for c in chosen
        if (r := unavailable_reason(creator=c, program=program)) is not None
    }
    if away and not override_reason:
        listed = "; ".join(f"{name} ({why})" for name, why in sorted(away.items()))
        raise DomainError(
            f"Not available over the program dates: {listed}. Give a reason to invite anyway."
        )
    free = max(program.capacity - _places_taken(program), 0)
    last_position = (
        Enrollment.objects.filter(program=program, state=EnrollmentState.WAITLISTED).aggregate(
            n=Max("waitlist_position")
        )["n"]
        or 0
    )
    created = []
    for index, person in enumerate(chosen):
        enrollment = Enrollment.objects.create(
            organization_id=program.organization_id,
            program=program,
            creator=person,
            state=EnrollmentState.WAITLISTED,
            invited_by=actor,
            availability_override_reason=override_reason if person.display_name in away else "",
        )
        if index < free:
            _send_invitation(enrollment, program, actor)
            verb = AuditVerb.ENROLLMENT_INVITED
        else:
            last_position += 1
            enrollment.waitlist_position = last_position
            enrollment.save(update_fields=["waitlist_position"])
            verb = AuditVerb.ENROLLMENT_WAITLISTED
        audit_record(
            organization=program.organization,
            actor=actor,
            verb=verb,
            target=enrollment,
            after={"state": enrollment.state, "override": enrollment.availability_override_reason},
        )
        created.append(enrollment)
    return created


def promote_waitlist(*, program: Program, actor: Any | None) -> list[Enrollment]:
    """Fill freed places from the waitlist, first come first served."""
    if program.state != ProgramState.RECRUITING:
        return []
    free = max(program.capacity - _places_taken(program), 0)
    waiting = list(
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("creator__user", "organization")
        .filter(program=program, state=EnrollmentState.WAITLISTED)
        .order_by("waitlist_position", "id")[:free]
    )
    for enrollment in waiting:
        _send_invitation(enrollment, program, actor)
        audit_record(
            organization=program.organization,
            actor=actor,
            verb=AuditVerb.ENROLLMENT_PROMOTED,
            target=enrollment,
            after={"state": EnrollmentState.INVITED},
        )
    return waiting


def _lock(enrollment: Enrollment) -> Enrollment:
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("program__brand", "program__organization", "creator__user", "organization")
        .get(pk=enrollment.pk)
    )


def _move(enrollment: Enrollment, target: str) -> None:
    check_transition(ENROLLMENT_TRANSITIONS, enrollment.state, target, "creator's place")
    enrollment.state = target


def _own(enrollment: Enrollment, user: Any) -> None:
    if enrollment.creator.user_id != user.pk:
        raise DomainError("This invitation is not yours.")


@transaction.atomic
def invitation_accept(
    *, enrollment: Enrollment, user: Any, terms_version: int, accept_nda: bool = False
) -> Enrollment:
    """The creator accepts the latest terms version (and the NDA when required), time-stamped."""
    locked = _lock(enrollment)
    _own(locked, user)
    if (
        locked.state == EnrollmentState.INVITED
        and locked.expires_at
        and locked.expires_at <= timezone.now()
    ):
        raise Conflict("This invitation has expired.")
    if locked.state != EnrollmentState.INVITED:
        raise Conflict(
            f"This invitation is {locked.get_state_display().lower()}; it cannot be accepted."
        )
    terms = latest_terms(locked)
    if terms is None or terms.number != terms_version:
        raise Conflict("The terms changed since you opened them: please read the new version.")
    if terms.snapshot.get("nda_required") and not accept_nda:
        raise DomainError("This program requires accepting the NDA.")
    now = timezone.now()
    _move(locked, EnrollmentState.ACCEPTED)
    locked.accepted_at = now
    locked.nda_accepted_at = now if terms.snapshot.get("nda_required") else None
    locked.terms_version = terms
    locked.save(update_fields=["state", "accepted_at", "nda_accepted_at", "terms_version"])
    terms.accepted_at = now
    terms.save(update_fields=["accepted_at"])
    audit_record(
        organization=locked.organization,
        actor=user,
        verb=AuditVerb.ENROLLMENT_ACCEPTED,
        target=locked,
        after={"terms_version": terms.number, "nda": bool(locked.nda_accepted_at)},
    )
    program = locked.program
    task_create(
        organization=locked.organization,
        kind=TaskKind.CONFIRM_CREATOR,
        title=f"Confirm {locked.creator.display_name} for {program.name}",
        owner_role=OwnerRole.ISM,
        assignee=locked.assigned_ism or program.assigned_ism,
        program=program,
        enrollment=locked,
        creator=locked.creator,
        dedupe_key=f"confirm:{locked.pk}",
        source_event="enrollment.accepted",
        actor=user,
    )
    return locked


@transaction.atomic
def invitation_decline(*, enrollment: Enrollment, user: Any, reason: str) -> Enrollment:
    locked = _lock(enrollment)
    _own(locked, user)
    reason = reason.strip()
    if not reason:
        raise DomainError("Tell the team why, in a few words.")
    if locked.state != EnrollmentState.INVITED:
        raise Conflict(f"This invitation is {locked.get_state_display().lower()}.")
    _move(locked, EnrollmentState.DECLINED)
    locked.ended_at = timezone.now()
    locked.end_reason = reason[:500]
    locked.save(update_fields=["state", "ended_at", "end_reason"])
    TermsVersion.objects.filter(
        enrollment=locked, accepted_at__isnull=True, declined_at__isnull=True
    ).update(declined_at=locked.ended_at)
    audit_record(
        organization=locked.organization,
        actor=user,
        verb=AuditVerb.ENROLLMENT_DECLINED,
        target=locked,
        after={"reason": locked.end_reason},
    )
    promote_waitlist(program=locked.program, actor=None)
    return locked


def open_milestone_correction(*, enrollment: Enrollment) -> bool:
    return Task.objects.filter(
        organization_id=enrollment.organization_id,
        creator_id=enrollment.creator_id,
        state__in=ACTIVE_TASK_STATES,
        source_request__topic=Topic.MILESTONE_CORRECTION,
    ).exists()


@transaction.atomic
def enrollment_confirm(*, enrollment: Enrollment, actor: Any) -> Enrollment:
    """The ISM confirms an accepted creator; refused while their milestone is being corrected
    (the milestone decides pay), or while an amendment awaits their acceptance."""
    from messaging.services.queue import task_complete

    locked = _lock(enrollment)
    if locked.state != EnrollmentState.ACCEPTED:
        raise Conflict(
            f"Only accepted creators can be confirmed; this one is "
            f"{locked.get_state_display().lower()}."
        )
    if open_milestone_correction(enrollment=locked):
        raise Conflict(
            "A click-milestone correction for this creator is still open: resolve it "
            "first, the milestone decides pay."
        )
    latest = latest_terms(locked)
    if latest is not None and latest.accepted_at is None:
        raise Conflict("An amendment to the terms is waiting for the creator's acceptance.")
    _move(locked, EnrollmentState.CONFIRMED)
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["state", "confirmed_at"])
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.ENROLLMENT_CONFIRMED,
        target=locked,
    )
    for task in Task.objects.filter(
        organization_id=locked.organization_id,
        dedupe_key=f"confirm:{locked.pk}",
        state__in=ACTIVE_TASK_STATES,
    ):
        task_complete(task=task, actor=actor, resolution="Confirmed.")
    _notify_creator(locked, "confirmed", f"You are confirmed for {locked.program.name}")
    return locked


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment, actor: Any, reason: str) -> Enrollment:
    """The team withdraws an invitation or a place before launch; the waitlist moves up."""
    locked = _lock(enrollment)
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the place is withdrawn.")
    _move(locked, EnrollmentState.WITHDRAWN)
    locked.ended_at = timezone.now()
    locked.end_reason = reason[:500]
    locked.waitlist_position = None
    locked.save(update_fields=["state", "ended_at", "end_reason", "waitlist_position"])
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.ENROLLMENT_WITHDRAWN,
        target=locked,
        after={"reason": locked.end_reason},
    )
    _notify_creator(
        locked, "withdrawn", f"Your place in {locked.program.name} was withdrawn", reason
    )
    promote_waitlist(program=locked.program, actor=actor)
    return locked


@transaction.atomic
def terms_amend(
    *, enrollment: Enrollment, actor: Any, reason: str, changes: dict[str, Any]
) -> TermsVersion:
    """A new terms version with ``changes``; the creator must accept it (both sides see the
    history). Refused for places that have ended."""
    locked = _lock(enrollment)
    reason = reason.strip()
    if not reason:
        raise DomainError("An amendment needs a reason the creator will read.")
    unknown = set(changes) - set(AMENDABLE)
    if unknown:
        raise DomainError(f"These terms cannot be amended: {', '.join(sorted(unknown))}.")
    if locked.state in (
        EnrollmentState.WAITLISTED,
        *(s for s in EnrollmentState if s not in PLACE_HOLDING_STATES),
    ):
        raise Conflict(f"This place is {locked.get_state_display().lower()}.")
    current = latest_terms(locked)
    assert current is not None
    snapshot = {**current.snapshot, **_clean_changes(changes)}
    if snapshot == current.snapshot:
        raise DomainError("The amendment changes nothing.")
    version = _new_terms(locked, snapshot, actor, reason)
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.TERMS_AMENDED,
        target=version,
        before=current.snapshot,
        after=snapshot,
    )
    _notify_creator(
        locked,
        f"terms:{version.number}",
        f"New terms for {locked.program.name} (version {version.number})",
        reason,
    )
    return version


def _clean_changes(changes: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if key in ("fee", "per_click_rate", "milestone_bonus") and value is not None:
            try:
                amount = Decimal(str(value))
            except Exception as exc:
                raise DomainError(f"{key.replace('_', ' ')} must be a number.") from exc
            if amount < 0 or not amount.is_finite():
                raise DomainError(f"{key.replace('_', ' ')} cannot be negative.")
            clean[key] = str(
                amount.quantize(Decimal("0.0001" if key == "per_click_rate" else "0.01"))
            )
        elif key == "click_milestone":
            if not isinstance(value, int) or value < 1:
                raise DomainError("The click milestone is a whole number of clicks, at least 1.")
            clean[key] = value
        else:
            clean[key] = value
    return clean


@transaction.atomic
def terms_accept(*, enrollment: Enrollment, user: Any, terms_version: int) -> TermsVersion:
    """The creator accepts an amendment; it becomes the terms in force."""
    locked = _lock(enrollment)
    _own(locked, user)
    if locked.state == EnrollmentState.INVITED:
        invitation_accept(
            enrollment=locked, user=user, terms_version=terms_version, accept_nda=True
        )
        return latest_terms(locked)  # type: ignore[return-value]
    if locked.state not in (
        EnrollmentState.ACCEPTED,
        EnrollmentState.CONFIRMED,
        EnrollmentState.ACTIVE,
    ):
        raise Conflict(
            f"This place is {locked.get_state_display().lower()}: its terms can no longer change."
        )
    terms = latest_terms(locked)
    if terms is None or terms.number != terms_version or terms.accepted_at is not None:
        raise Conflict("There is no new version of the terms to accept.")
    terms.accepted_at = timezone.now()
    terms.save(update_fields=["accepted_at"])
    locked.terms_version = terms
    locked.save(update_fields=["terms_version"])
    audit_record(
        organization=locked.organization,
        actor=user,
        verb=AuditVerb.TERMS_ACCEPTED,
        target=terms,
        after={"number": terms.number},
    )
    return terms


def expire_invitations(*, organization: Any, now: datetime | None = None) -> int:
    """Mark invitations past their expiry as expired, tell each creator once, move the waitlist.
    Safe to run twice at once (SKIP LOCKED; the state change is the claim)."""
    now = now or timezone.now()
    expired = 0
    with transaction.atomic():
        batch = list(
            Enrollment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "program__brand", "program__organization", "creator__user", "organization"
            )
            .filter(organization=organization, state=EnrollmentState.INVITED, expires_at__lt=now)
            .order_by("expires_at")[:500]
        )
        programs: dict[int, Program] = {}
        for enrollment in batch:
            enrollment.state = EnrollmentState.EXPIRED
            enrollment.ended_at = now
            enrollment.end_reason = "No answer before the invitation expired."
            enrollment.expiry_notified_at = now
            enrollment.save(update_fields=["state", "ended_at", "end_reason", "expiry_notified_at"])
            audit_record(
                organization=organization,
                actor=None,
                verb=AuditVerb.ENROLLMENT_EXPIRED,
                target=enrollment,
            )
            _notify_creator(
                enrollment, "expired", f"Your invitation to {enrollment.program.name} expired"
            )
            programs[enrollment.program_id] = enrollment.program
            expired += 1
        for program in programs.values():
            promote_waitlist(program=program, actor=None)
    return expired


@transaction.atomic
def enrollment_move(*, enrollment: Enrollment, target: str, actor: Any) -> Enrollment:
    """A bare state move through the state machine (seed data and tests); the use-cases above
    are what pages and the API call."""
    locked = _lock(enrollment)
    before = locked.state
    _move(locked, target)
    fields = ["state"]
    if target == EnrollmentState.ACCEPTED and locked.terms_version_id is None:
        # An accepted place always has the terms it accepted (acceptance recorded by staff).
        terms = latest_terms(locked)
        if terms is not None:
            terms.accepted_at = terms.accepted_at or timezone.now()
            terms.save(update_fields=["accepted_at"])
            locked.terms_version = terms
            locked.accepted_at = terms.accepted_at
            fields += ["terms_version", "accepted_at"]
    locked.save(update_fields=fields)
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb(f"enrollment.{target}"),
        target=locked,
        before={"state": before},
        after={"state": target},
    )
    return locked


def invitation_days_left(enrollment: Enrollment, today: date | None = None) -> int | None:
    if enrollment.expires_at is None:
        return None
    today = today or timezone.localdate()
    return (enrollment.expires_at.date() - today).days
