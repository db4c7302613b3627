"""Invitations: inviting creators (with the waitlist), their answers, and expiry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.calendar import org_zone
from influencer_ops.errors import Conflict, DomainError
from influencer_ops.events import EventType, emit
from influencer_ops.validation import REASON_MAX_LENGTH
from influencers.models import Availability
from messaging.kinds import OwnerRole, TaskKind
from messaging.services.queue import task_create
from payments.record.selectors import payment_record, record_sentence
from programs.events import enrollment_event
from programs.models import Enrollment, Program, TermsVersion
from programs.recruiting.services.conflicts import (
    invite_conflicts,
    record_acknowledgement,
    record_override,
    require_acknowledgement,
)
from programs.recruiting.services.places import (
    lock,
    move,
    notify_creator,
    places_taken,
    require_own,
)
from programs.recruiting.services.terms import latest_terms, new_terms, terms_snapshot
from programs.states import EnrollmentState, ProgramState

# Without a recruit-by date an invitation stays open this long.
DEFAULT_INVITATION_DAYS = 14


def unavailable_reason(*, creator: Any, program: Program) -> str | None:
    """Why the creator cannot take part over the program's dates, if they cannot."""
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
    return datetime.combine(program.recruit_by, time.max, tzinfo=org_zone(program.organization))


def _record_line(program: Program) -> str:
    """The brand's payment record, for the invitation's message (one query per batch)."""
    record = payment_record(organization=program.organization)
    return record_sentence(record, org_name=program.organization.name)


def _send_invitation(
    enrollment: Enrollment, program: Program, actor: Any, record_line: str = ""
) -> None:
    """Make a waitlisted or new enrollment a live invitation with terms version 1."""
    now = timezone.now()
    enrollment.state = EnrollmentState.INVITED
    enrollment.waitlist_position = None
    enrollment.invited_at = now
    enrollment.expires_at = _expires_at(program)
    enrollment.save(update_fields=["state", "waitlist_position", "invited_at", "expires_at"])
    if not TermsVersion.objects.filter(enrollment=enrollment).exists():
        new_terms(
            enrollment,
            terms_snapshot(program=program, creator=enrollment.creator),
            actor or enrollment.invited_by,
        )
    notify_creator(
        enrollment,
        "invited",
        (gettext("You are invited to %(name)s") % {"name": program.name}),
        (
            gettext("%(name)s invites you. Please answer by %(expires_at)s.")
            % {"name": program.brand.name, "expires_at": format(enrollment.expires_at, "%Y-%m-%d")}
            + (f" {record_line}" if record_line else "")
        ),
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
    the program dates or whose exclusions the program hits, unless ``override_reason`` says why
    (the invitation then keeps the conflicts and the reason). Places beyond the capacity go to the
    waitlist in order; each live invitation snapshots terms version 1 and expires at recruit-by.
    """
    chosen = list(creators or []) + ([creator] if creator is not None else [])
    if not chosen:
        raise DomainError(gettext("Choose at least one creator to invite."))
    program = (
        Program.objects.select_for_update()
        .select_related("brand", "organization")
        .get(pk=program.pk)
    )
    if program.state != ProgramState.RECRUITING:
        raise Conflict(
            gettext("%(name)s is %(lower)s: creators are invited while it is recruiting.")
            % {"name": program.name, "lower": program.get_state_display().lower()}
        )
    if any(c.organization_id != program.organization_id for c in chosen):
        raise DomainError(gettext("A creator does not belong to this organization."))
    if len({c.pk for c in chosen}) != len(chosen):
        raise DomainError(gettext("A creator was chosen twice."))
    already = set(
        Enrollment.objects.filter(program=program, creator__in=chosen).values_list(
            "creator__display_name", flat=True
        )
    )
    if already:
        raise Conflict(
            gettext("Already in %(name)s: %(join)s.")
            % {"name": program.name, "join": ", ".join(sorted(already))}
        )
    override_reason = override_reason.strip()
    away = {
        c.display_name: r
        for c in chosen
        if (r := unavailable_reason(creator=c, program=program)) is not None
    }
    if away and not override_reason:
        listed = "; ".join(f"{name} ({why})" for name, why in sorted(away.items()))
        raise DomainError(
            gettext(
                "Not available over the program dates: %(listed)s. Give a reason to invite anyway."
            )
            % {"listed": listed}
        )
    conflicts = invite_conflicts(program=program, creators=chosen, override_reason=override_reason)
    free = max(program.capacity - places_taken(program), 0)
    last_position = (
        Enrollment.objects.filter(program=program, state=EnrollmentState.WAITLISTED).aggregate(
            n=Max("waitlist_position")
        )["n"]
        or 0
    )
    created = []
    record_line = _record_line(program) if free else ""
    for index, person in enumerate(chosen):
        enrollment = Enrollment.objects.create(
            organization_id=program.organization_id,
            program=program,
            creator=person,
            state=EnrollmentState.WAITLISTED,
            invited_by=actor,
            availability_override_reason=override_reason if person.display_name in away else "",
            exclusion_conflicts=conflicts.get(person.pk, []),
            exclusion_override_reason=override_reason if person.pk in conflicts else "",
        )
        if index < free:
            _send_invitation(enrollment, program, actor, record_line)
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
        record_override(enrollment, actor)
        created.append(enrollment)
    return created


def promote_waitlist(*, program: Program, actor: Any | None) -> list[Enrollment]:
    """Fill freed places from the waitlist, first come first served."""
    if program.state != ProgramState.RECRUITING:
        return []
    free = max(program.capacity - places_taken(program), 0)
    waiting = list(
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("creator__user", "organization")
        .filter(program=program, state=EnrollmentState.WAITLISTED)
        .order_by("waitlist_position", "id")[:free]
    )
    record_line = _record_line(program) if waiting else ""
    for enrollment in waiting:
        _send_invitation(enrollment, program, actor, record_line)
        audit_record(
            organization=program.organization,
            actor=actor,
            verb=AuditVerb.ENROLLMENT_PROMOTED,
            target=enrollment,
            after={"state": EnrollmentState.INVITED},
        )
    return waiting


@transaction.atomic
def invitation_accept(
    *,
    enrollment: Enrollment,
    user: Any,
    terms_version: int,
    accept_nda: bool = False,
    acknowledge_conflict: bool = False,
) -> Enrollment:
    """The creator accepts the latest terms version (and the NDA when required), time-stamped;
    an invitation against their exclusions also needs ``acknowledge_conflict``."""
    locked = lock(enrollment)
    require_own(locked, user)
    if (
        locked.state == EnrollmentState.INVITED
        and locked.expires_at
        and locked.expires_at <= timezone.now()
    ):
        raise Conflict(gettext("This invitation has expired."))
    if locked.state != EnrollmentState.INVITED:
        raise Conflict(
            gettext("This invitation is %(lower)s; it cannot be accepted.")
            % {"lower": locked.get_state_display().lower()}
        )
    terms = latest_terms(locked)
    if terms is None or terms.number != terms_version:
        raise Conflict(
            gettext("The terms changed since you opened them: please read the new version.")
        )
    if terms.snapshot.get("nda_required") and not accept_nda:
        raise DomainError(gettext("This program requires accepting the NDA."))
    require_acknowledgement(locked, acknowledge_conflict)
    now = timezone.now()
    move(locked, EnrollmentState.ACCEPTED)
    locked.accepted_at = now
    locked.nda_accepted_at = now if terms.snapshot.get("nda_required") else None
    locked.terms_version = terms
    acknowledged = record_acknowledgement(locked, user)
    locked.save(
        update_fields=["state", "accepted_at", "nda_accepted_at", "terms_version", *acknowledged]
    )
    terms.accepted_at = now
    terms.save(update_fields=["accepted_at"])
    audit_record(
        organization=locked.organization,
        actor=user,
        verb=AuditVerb.ENROLLMENT_ACCEPTED,
        target=locked,
        after={"terms_version": terms.number, "nda": bool(locked.nda_accepted_at)},
    )
    emit(locked.organization, EventType.ENROLLMENT_ACCEPTED, enrollment_event(locked))
    program = locked.program
    task_create(
        organization=locked.organization,
        kind=TaskKind.CONFIRM_CREATOR,
        title=gettext("Confirm %(display_name)s for %(name)s")
        % {"display_name": locked.creator.display_name, "name": program.name},
        owner_role=OwnerRole.ISM,
        assignee=locked.assigned_ism or program.assigned_ism,
        program=program,
        enrollment=locked,
        creator=locked.creator,
        dedupe_key=f"confirm:{locked.pk}",
        source_event=AuditVerb.ENROLLMENT_ACCEPTED,
        actor=user,
    )
    return locked


@transaction.atomic
def invitation_decline(*, enrollment: Enrollment, user: Any, reason: str) -> Enrollment:
    locked = lock(enrollment)
    require_own(locked, user)
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("Tell the team why, in a few words."))
    if locked.state != EnrollmentState.INVITED:
        raise Conflict(
            gettext("This invitation is %(lower)s.") % {"lower": locked.get_state_display().lower()}
        )
    move(locked, EnrollmentState.DECLINED)
    locked.ended_at = timezone.now()
    locked.end_reason = reason[:REASON_MAX_LENGTH]
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


@transaction.atomic
def terms_accept(*, enrollment: Enrollment, user: Any, terms_version: int) -> TermsVersion:
    """The creator accepts an amendment; it becomes the terms in force."""
    locked = lock(enrollment)
    require_own(locked, user)
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
            gettext("This place is %(lower)s: its terms can no longer change.")
            % {"lower": locked.get_state_display().lower()}
        )
    terms = latest_terms(locked)
    if terms is None or terms.number != terms_version or terms.accepted_at is not None:
        raise Conflict(gettext("There is no new version of the terms to accept."))
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
            enrollment.end_reason = gettext("No answer before the invitation expired.")
            enrollment.expiry_notified_at = now
            enrollment.save(update_fields=["state", "ended_at", "end_reason", "expiry_notified_at"])
            audit_record(
                organization=organization,
                actor=None,
                verb=AuditVerb.ENROLLMENT_EXPIRED,
                target=enrollment,
            )
            notify_creator(
                enrollment,
                "expired",
                (
                    gettext("Your invitation to %(name)s expired")
                    % {"name": enrollment.program.name}
                ),
            )
            programs[enrollment.program_id] = enrollment.program
            expired += 1
        for program in programs.values():
            promote_waitlist(program=program, actor=None)
    return expired
