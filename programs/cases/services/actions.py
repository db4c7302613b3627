"""Acting on an open or escalated case (message, warning, remedy, terms amendment, escalation,
note, close), and the creator's response."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.calendar import org_today
from influencer_ops.errors import DomainError, NotFound
from influencer_ops.events import EventType, emit
from messaging.kinds import NotificationKind
from messaging.services import notifications
from messaging.services.threads import message_post, thread_for_enrollment
from organizations.models import Membership
from organizations.selectors import admin_users
from programs.cases.services.common import (
    NOTICE_PREVIEW_LENGTH,
    STAFF_ACTION_CHOICES,
    Kind,
    State,
    case_move,
    case_task,
    clean_case_text,
    finish_task,
    lock_case,
    notify_creator,
    record_action,
    require_active,
    require_actor,
    staff_url,
)
from programs.cases.services.termination import case_terminate
from programs.events import case_event
from programs.models import CaseAction, ComplianceCase
from programs.recruiting import services as recruiting


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
    locked = lock_case(case)
    require_actor(membership, locked.enrollment)
    require_active(locked)
    if kind not in dict(STAFF_ACTION_CHOICES):
        raise DomainError(gettext("Unknown case action “%(kind)s”.") % {"kind": kind})
    text = clean_case_text(text, gettext("the text"))
    if kind == Kind.MESSAGE:
        thread = thread_for_enrollment(enrollment=locked.enrollment)
        message_post(thread=thread, author=actor, text=text, from_creator=False)
        return record_action(locked, kind, actor, text)
    if kind == Kind.REMEDY:
        return _remedy(locked, actor, text, remedy, due_on)
    if kind == Kind.TERMS_AMENDMENT:
        version = recruiting.terms_amend(
            enrollment=locked.enrollment, actor=actor, reason=text, changes=changes or {}
        )
        return record_action(locked, kind, actor, text, terms_version=version)
    if kind == Kind.ESCALATION:
        return _escalate(locked, actor, text, visible_to_creator)
    if kind == Kind.CLOSE:
        return _close(locked, actor, text, visible_to_creator)
    action = record_action(locked, kind, actor, text, visible_to_creator=visible_to_creator)
    if action.visible_to_creator:
        notify_creator(
            locked,
            f"action:{action.pk}",
            f"{action.get_kind_display()}",
            text[:NOTICE_PREVIEW_LENGTH],
        )
    return action


def _remedy(
    case: ComplianceCase, actor: Any, text: str, remedy: str, due_on: date | None
) -> CaseAction:
    if remedy not in CaseAction.Remedy.values:
        raise DomainError(gettext("Choose the remedy."))
    if due_on is None or due_on <= org_today(case.organization):
        raise DomainError(gettext("A remedy needs a due date in the future."))
    action = record_action(case, Kind.REMEDY, actor, text, remedy=remedy, due_on=due_on)
    notify_creator(
        case,
        f"action:{action.pk}",
        f"{action.get_remedy_display()} by {due_on:%Y-%m-%d}",
        text[:NOTICE_PREVIEW_LENGTH],
    )
    return action


def _escalate(case: ComplianceCase, actor: Any, text: str, visible: bool) -> CaseAction:
    case_move(case, State.ESCALATED)
    case.save(update_fields=["state"])
    action = record_action(case, Kind.ESCALATION, actor, text, visible_to_creator=visible)
    admins = [
        user
        for user in admin_users(organization_id=case.organization_id)
        if user.pk != getattr(actor, "pk", None)
    ]
    notifications.notify_many(
        recipients=admins,
        organization=case.organization,
        kind=NotificationKind.TASK_ESCALATED,
        event_key=f"case:{case.pk}:escalated",
        title=gettext("Case escalated: %(display_name)s in %(name)s")
        % {
            "display_name": case.enrollment.creator.display_name,
            "name": case.enrollment.program.name,
        },
        body=text[:NOTICE_PREVIEW_LENGTH],
        url=staff_url(case),
    )
    if action.visible_to_creator:
        notify_creator(
            case, f"action:{action.pk}", gettext("Your case went to the organization's admins")
        )
    return action


def _close(case: ComplianceCase, actor: Any, text: str, visible: bool) -> CaseAction:
    case_move(case, State.RESOLVED)
    case.closed_at = timezone.now()
    case.save(update_fields=["state", "closed_at"])
    action = record_action(case, Kind.CLOSE, actor, text, visible_to_creator=visible)
    emit(case.organization, EventType.CASE_CLOSED, case_event(case))
    finish_task(case, actor, text)
    if action.visible_to_creator:
        notify_creator(
            case,
            f"action:{action.pk}",
            gettext("Your case is closed"),
            text[:NOTICE_PREVIEW_LENGTH],
        )
    return action


@transaction.atomic
def case_respond(*, case: ComplianceCase, user: Any, text: str) -> CaseAction:
    """The creator answers a case about them while it is open or escalated."""
    locked = lock_case(case)
    if locked.enrollment.creator.user_id != getattr(user, "pk", None):
        raise NotFound(gettext("Not found."))
    require_active(locked)
    action = record_action(
        locked, Kind.CREATOR_RESPONSE, user, clean_case_text(text, gettext("your response"))
    )
    task = case_task(locked)
    staff = task.assignee if task is not None and task.assignee is not None else locked.opened_by
    notifications.notify_many(
        recipients=[staff],
        organization=locked.organization,
        kind=NotificationKind.NEW_MESSAGE,
        event_key=f"case:{locked.pk}:action:{action.pk}",
        title=gettext("%(display_name)s responded to a case")
        % {"display_name": locked.enrollment.creator.display_name},
        body=action.text[:NOTICE_PREVIEW_LENGTH],
        url=staff_url(locked),
    )
    return action
