"""What the deadline services share: the states that may still move, how a deliverable is named,
who its BSM is, telling its creator, the post-launch role check, and moving one due date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from influencer_ops.calendar import org_today
from influencer_ops.errors import Forbidden
from messaging.kinds import ACTIVE_TASK_STATES, NotificationKind
from messaging.models import Task
from messaging.services import notifications
from messaging.services.queue import task_complete
from organizations import permissions
from organizations.models import Membership
from programs.models import Deliverable, DeliverableState

# A creator may ask for more time while the work can still change.
EXTENDABLE_STATES = frozenset(
    {DeliverableState.PENDING, DeliverableState.CHANGES_REQUESTED, DeliverableState.SUBMITTED}
)
NO_PENALTY = "granted without penalty"
# Due dates are part of the terms; messaging has no deadline-specific kind (yet).
REMINDER_NOTIFICATION = NotificationKind.INVITATION
EXTENSION_NOTIFICATION = NotificationKind.REQUEST_ANSWERED


def deliverable_label(deliverable: Deliverable) -> str:
    return deliverable.display_name


def bsm_for(deliverable: Deliverable) -> Any | None:
    enrollment = deliverable.enrollment
    return (
        enrollment.assigned_bsm if enrollment.assigned_bsm_id else deliverable.program.assigned_bsm
    )


def portal_url(deliverable: Deliverable) -> str:
    return reverse("portal_extension_request", kwargs={"pk": deliverable.pk})


def tell_creator(
    deliverable: Deliverable, kind: str, event_key: str, title: str, body: str
) -> None:
    user = deliverable.enrollment.creator.user
    notifications.notify_many(
        recipients=[user] if user is not None else [],
        organization=deliverable.organization,
        kind=kind,
        event_key=event_key,
        title=title,
        body=body,
        url=portal_url(deliverable),
    )


def _membership(organization_id: int, user: Any) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(organization_id=organization_id, user=user).first()


def require_postlaunch(organization_id: int, actor: Any, what: str) -> None:
    if not permissions.can_work_postlaunch(_membership(organization_id, actor)):
        raise Forbidden(
            gettext("Only a brand success manager or an admin may %(what)s.") % {"what": what}
        )


def close_overdue_tasks(
    moves: Iterable[tuple[Deliverable, date]], today: date, actor: Any | None
) -> None:
    """A deliverable that is no longer overdue needs no chasing: close its overdue task."""
    keys = {
        f"overdue:{deliverable.pk}:{old_due_on}": deliverable
        for deliverable, old_due_on in moves
        if deliverable.due_on >= today
    }
    if not keys:
        return
    for task in Task.objects.filter(
        organization_id=next(iter(keys.values())).organization_id,
        dedupe_key__in=list(keys),
        state__in=ACTIVE_TASK_STATES,
    ):
        new_due_on = keys[task.dedupe_key].due_on
        task_complete(
            task=task,
            actor=actor,
            resolution=(
                gettext("The due date moved to %(new_due_on)s (%(NO_PENALTY)s): no longer overdue.")
                % {"new_due_on": format(new_due_on, "%Y-%m-%d"), "NO_PENALTY": NO_PENALTY}
            ),
        )


def move_due_on(deliverable: Deliverable, new_due_on: date, actor: Any | None) -> None:
    """Move one locked deliverable's due date; ``original_due_on`` stays as first promised."""
    old_due_on = deliverable.due_on
    deliverable.due_on = new_due_on
    deliverable.save(update_fields=["due_on"])
    close_overdue_tasks([(deliverable, old_due_on)], org_today(deliverable.organization), actor)
