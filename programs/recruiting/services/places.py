"""The shared steps on a creator's place: lock it, move it, check it is theirs, tell them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from influencer_ops.errors import DomainError
from messaging.kinds import NotificationKind
from messaging.services import notifications
from programs.models import Enrollment, Program
from programs.states import ENROLLMENT_TRANSITIONS, PLACE_HOLDING_STATES, check_transition


def lock(enrollment: Enrollment) -> Enrollment:
    """The enrollment, re-read under a row lock with what the services need."""
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("program__brand", "program__organization", "creator__user", "organization")
        .get(pk=enrollment.pk)
    )


def move(enrollment: Enrollment, target: str) -> None:
    """Move the state through ``ENROLLMENT_TRANSITIONS`` (``Conflict`` when not allowed)."""
    check_transition(ENROLLMENT_TRANSITIONS, enrollment.state, target, "creator's place")
    enrollment.state = target


def require_own(enrollment: Enrollment, user: Any) -> None:
    if enrollment.creator.user_id != user.pk:
        raise DomainError(gettext("This invitation is not yours."))


def places_taken(program: Program) -> int:
    return Enrollment.objects.filter(
        organization_id=program.organization_id, program=program, state__in=PLACE_HOLDING_STATES
    ).count()


def notify_creator(enrollment: Enrollment, event: str, title: str, body: str = "") -> None:
    """Tell the creator once per ``event`` (keyed on the enrollment), linking their invitation."""
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
