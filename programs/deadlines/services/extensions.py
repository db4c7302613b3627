"""Extensions: the creator asks for more time (approved at once within the program's
self-service policy, else decided by the BSM); a granted extension is never held against them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.calendar import org_today
from influencer_ops.errors import Conflict, DomainError, NotFound
from influencer_ops.events import EventType, emit
from influencer_ops.validation import EXTENSION_GRACE_DAYS, EXTENSION_TEXT_MAX_LENGTH, date_max
from messaging.kinds import ACTIVE_TASK_STATES, OwnerRole, TaskKind
from messaging.models import Task
from messaging.services.queue import task_complete, task_create
from programs.deadlines.services.common import (
    EXTENDABLE_STATES,
    EXTENSION_NOTIFICATION,
    NO_PENALTY,
    bsm_for,
    deliverable_label,
    move_due_on,
    require_postlaunch,
    tell_creator,
)
from programs.events import extension_event
from programs.models import Deliverable, Extension, ExtensionState, Program
from programs.states import EnrollmentState, ProgramState


def extension_policy(program: Program) -> str:
    """The self-service rule as the creator reads it."""
    times = program.extension_self_service_count
    if times == 0 or program.extension_self_service_days == 0:
        return gettext("Every extension is decided by your brand success manager.")
    count = {1: "once", 2: "twice"}.get(times, f"{times} times")
    days = program.extension_self_service_days
    return gettext(
        "Up to %(days)s day%(value)s, %(count)s per deliverable, approved "
        "automatically; longer or further extensions go to your brand success "
        "manager. Asking is never held against you."
    ) % {"days": days, "value": "s" if days != 1 else "", "count": count}


def self_service_left(deliverable: Deliverable) -> int:
    used = Extension.objects.filter(
        deliverable=deliverable, state=ExtensionState.APPROVED, self_service=True
    ).count()
    return max(deliverable.program.extension_self_service_count - used, 0)


def _lock_deliverable(pk: int) -> Deliverable:
    return (
        Deliverable.objects.select_for_update(of=("self",))
        .select_related(
            "organization",
            "program__assigned_bsm",
            "enrollment__assigned_bsm",
            "enrollment__creator__user",
        )
        .get(pk=pk)
    )


def latest_extension(program: Program) -> date:
    """The latest due date an extension may give: the program's end plus its grace period."""
    if program.end_on is None:
        return date_max(org_today(program.organization))
    return program.end_on + timedelta(days=EXTENSION_GRACE_DAYS)


def _check_request(deliverable: Deliverable, requested_due_on: date, reason: str) -> None:
    if deliverable.state not in EXTENDABLE_STATES:
        raise Conflict(
            gettext("This deliverable is %(lower)s: its due date no longer changes.")
            % {"lower": deliverable.get_state_display().lower()}
        )
    if (
        deliverable.enrollment.state != EnrollmentState.ACTIVE
        or deliverable.program.state != ProgramState.LAUNCHED
    ):
        raise Conflict(gettext("Your place in this program is not active."))
    if requested_due_on <= deliverable.due_on:
        raise DomainError(
            gettext("The new date must be after the current due date (%(due_on)s).")
            % {"due_on": format(deliverable.due_on, "%Y-%m-%d")}
        )
    if requested_due_on < org_today(deliverable.organization):
        raise DomainError(gettext("The new date must not be in the past."))
    latest = latest_extension(deliverable.program)
    if requested_due_on > latest:
        raise DomainError(
            gettext(
                "The new date must be on or before %(latest)s: the program's end plus "
                "%(EXTENSION_GRACE_DAYS)s days."
            )
            % {"latest": format(latest, "%Y-%m-%d"), "EXTENSION_GRACE_DAYS": EXTENSION_GRACE_DAYS}
        )
    if not reason:
        raise DomainError(gettext("Say why you need more time."))
    if len(reason) > EXTENSION_TEXT_MAX_LENGTH:
        raise DomainError(
            gettext("Keep the reason under %(EXTENSION_TEXT_MAX_LENGTH)s characters.")
            % {"EXTENSION_TEXT_MAX_LENGTH": EXTENSION_TEXT_MAX_LENGTH}
        )
    if Extension.objects.filter(deliverable=deliverable, state=ExtensionState.PENDING).exists():
        raise Conflict(
            gettext("You already asked for more time; wait for the answer before asking again.")
        )


@transaction.atomic
def extension_request(
    *, deliverable: Deliverable, user: Any, requested_due_on: date, reason: str
) -> Extension:
    """The creator of ``deliverable`` asks for a new due date.

    Within the program's self-service policy (days beyond the current due date and number of
    automatic extensions) it is approved at once and the due date moves; otherwise it waits for
    the BSM as a task. Either way the creator hears at once, and ``original_due_on`` keeps the
    promised date: the extension is on record and granted without penalty."""
    locked = _lock_deliverable(deliverable.pk)
    if getattr(user, "pk", None) is None or locked.enrollment.creator.user_id != user.pk:
        raise NotFound(gettext("Not found."))
    reason = (reason or "").strip()
    _check_request(locked, requested_due_on, reason)
    program = locked.program
    within = (requested_due_on - locked.due_on).days <= program.extension_self_service_days
    automatic = within and self_service_left(locked) > 0
    extension = Extension.objects.create(
        organization_id=locked.organization_id,
        deliverable=locked,
        requested_due_on=requested_due_on,
        previous_due_on=locked.due_on,
        reason=reason,
        state=ExtensionState.APPROVED if automatic else ExtensionState.PENDING,
        self_service=automatic,
        requested_by=user,
        decided_at=timezone.now() if automatic else None,
        decision_note=(
            gettext("Within the program's policy: %(NO_PENALTY)s.") % {"NO_PENALTY": NO_PENALTY}
        )
        if automatic
        else "",
    )
    if automatic:
        move_due_on(locked, requested_due_on, None)
    else:
        _extension_task(extension, locked)
    _audit_extension(extension, locked, user, "approved" if automatic else "requested")
    _tell_creator_of_extension(extension, locked)
    return extension


def _extension_task(extension: Extension, deliverable: Deliverable) -> None:
    creator = deliverable.enrollment.creator
    task_create(
        organization=deliverable.organization,
        kind=TaskKind.EXTENSION_REQUEST,
        title=gettext(
            "Extension asked: %(display_name)s, %(deliverable_label)s to "
            "%(requested_due_on)s (due %(due_on)s)"
        )
        % {
            "display_name": creator.display_name,
            "deliverable_label": deliverable_label(deliverable),
            "requested_due_on": format(extension.requested_due_on, "%Y-%m-%d"),
            "due_on": format(deliverable.due_on, "%Y-%m-%d"),
        },
        owner_role=OwnerRole.BSM,
        assignee=bsm_for(deliverable),
        dedupe_key=f"extension:{extension.pk}",
        program=deliverable.program,
        enrollment=deliverable.enrollment,
        creator=creator,
        source_event=f"extension:{extension.pk}",
        actor=extension.requested_by,
        note=extension.reason,
    )


def _audit_extension(extension: Extension, deliverable: Deliverable, actor: Any, verb: str) -> None:
    after: dict[str, Any] = {
        "state": extension.state,
        "requested_due_on": f"{extension.requested_due_on}",
        "due_on": f"{deliverable.due_on}",
        "original_due_on": f"{deliverable.original_due_on}",
        "self_service": extension.self_service,
    }
    if extension.state == ExtensionState.APPROVED:
        after["penalty"] = f"none: {NO_PENALTY}"
    if extension.decision_note:
        after["note"] = extension.decision_note
    audit_record(
        organization=deliverable.organization,
        actor=actor,
        verb=AuditVerb(f"extension.{verb}"),
        target=extension,
        before={"due_on": f"{extension.previous_due_on}"},
        after=after,
    )
    if verb in (ExtensionState.APPROVED, ExtensionState.DENIED):
        emit(
            deliverable.organization,
            EventType.EXTENSION_DECIDED,
            extension_event(extension, deliverable),
        )


def _tell_creator_of_extension(extension: Extension, deliverable: Deliverable) -> None:
    what = deliverable_label(deliverable)
    if extension.state == ExtensionState.APPROVED:
        title = gettext("Extension %(NO_PENALTY)s: %(what)s now due %(due_on)s") % {
            "NO_PENALTY": NO_PENALTY,
            "what": what,
            "due_on": format(deliverable.due_on, "%Y-%m-%d"),
        }
        body = gettext("The new due date is %(due_on)s; it was %(NO_PENALTY)s.") % {
            "due_on": format(deliverable.due_on, "%Y-%m-%d"),
            "NO_PENALTY": NO_PENALTY,
        }
    elif extension.state == ExtensionState.DENIED:
        title = gettext("Extension not granted: %(what)s stays due %(due_on)s") % {
            "what": what,
            "due_on": format(deliverable.due_on, "%Y-%m-%d"),
        }
        body = extension.decision_note
    else:
        bsm = bsm_for(deliverable)
        who = bsm.display_name if bsm is not None else gettext("the brand success team")
        title = gettext("Extension asked: %(what)s, %(who)s will decide") % {
            "what": what,
            "who": who,
        }
        body = gettext(
            "You asked for %(requested_due_on)s. Until then it stays due "
            "%(due_on)s; asking is never held against you."
        ) % {
            "requested_due_on": format(extension.requested_due_on, "%Y-%m-%d"),
            "due_on": format(deliverable.due_on, "%Y-%m-%d"),
        }
    tell_creator(
        deliverable,
        EXTENSION_NOTIFICATION,
        f"extension:{extension.pk}:{extension.state}",
        title,
        body,
    )


@transaction.atomic
def extension_decide(*, extension: Extension, actor: Any, approve: bool, note: str) -> Extension:
    """A BSM or admin approves (the due date moves) or denies a pending extension; the task is
    completed and the creator hears at once. Forbidden for other roles; a decided extension is
    a Conflict."""
    require_postlaunch(extension.organization_id, actor, gettext("decide extensions"))
    # The deliverable first, then the extension: the order the creator's request locks in.
    deliverable = _lock_deliverable(extension.deliverable_id)
    locked = Extension.objects.select_for_update(of=("self",)).get(pk=extension.pk)
    if locked.state != ExtensionState.PENDING:
        raise Conflict(
            gettext("This extension was already %(lower)s.")
            % {"lower": locked.get_state_display().lower()}
        )
    note = (note or "").strip()
    if len(note) > EXTENSION_TEXT_MAX_LENGTH:
        raise DomainError(
            gettext("Keep the note under %(EXTENSION_TEXT_MAX_LENGTH)s characters.")
            % {"EXTENSION_TEXT_MAX_LENGTH": EXTENSION_TEXT_MAX_LENGTH}
        )
    if not approve and not note:
        raise DomainError(gettext("Say why the extension is not granted; the creator reads it."))
    if approve and deliverable.state not in EXTENDABLE_STATES:
        raise Conflict(
            gettext("The deliverable is %(lower)s already.")
            % {"lower": deliverable.get_state_display().lower()}
        )
    if approve and locked.requested_due_on < org_today(deliverable.organization):
        raise Conflict(
            gettext("The date asked for has passed; deny it and agree a new date instead.")
        )
    if approve and locked.requested_due_on > latest_extension(deliverable.program):
        raise Conflict(
            gettext(
                "The date asked for is after %(latest_extension)s, the program's end "
                "plus %(EXTENSION_GRACE_DAYS)s days; deny it and agree a new date."
            )
            % {
                "latest_extension": format(latest_extension(deliverable.program), "%Y-%m-%d"),
                "EXTENSION_GRACE_DAYS": EXTENSION_GRACE_DAYS,
            }
        )
    if approve and locked.requested_due_on <= deliverable.due_on:
        raise Conflict(
            gettext("The deliverable is already due %(due_on)s or later.")
            % {"due_on": format(deliverable.due_on, "%Y-%m-%d")}
        )
    locked.state = ExtensionState.APPROVED if approve else ExtensionState.DENIED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    if approve:
        move_due_on(deliverable, locked.requested_due_on, actor)
    for task in Task.objects.filter(
        organization_id=locked.organization_id,
        dedupe_key=f"extension:{locked.pk}",
        state__in=ACTIVE_TASK_STATES,
    ):
        verdict = f"Approved ({NO_PENALTY})" if approve else gettext("Not granted")
        task_complete(task=task, actor=actor, resolution=f"{verdict}. {note}".strip())
    _audit_extension(locked, deliverable, actor, locked.state)
    _tell_creator_of_extension(locked, deliverable)
    return locked
