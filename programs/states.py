"""The program and enrollment lifecycles: one table of allowed transitions each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from influencer_ops.errors import Conflict


class ProgramState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECRUITING = "recruiting", _("Recruiting")
    LAUNCHED = "launched", _("Launched")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


PROGRAM_TRANSITIONS: dict[str, frozenset[str]] = {
    ProgramState.DRAFT: frozenset({ProgramState.RECRUITING, ProgramState.CANCELLED}),
    ProgramState.RECRUITING: frozenset({ProgramState.LAUNCHED, ProgramState.CANCELLED}),
    ProgramState.LAUNCHED: frozenset({ProgramState.COMPLETED, ProgramState.CANCELLED}),
    ProgramState.COMPLETED: frozenset({ProgramState.CLOSED}),
    ProgramState.CLOSED: frozenset(),
    ProgramState.CANCELLED: frozenset(),
}
# From launch on, the BSM owns questions about a program.
POST_LAUNCH_STATES = frozenset({ProgramState.LAUNCHED, ProgramState.COMPLETED, ProgramState.CLOSED})


class EnrollmentState(models.TextChoices):
    WAITLISTED = "waitlisted", _("Waitlisted")
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    CONFIRMED = "confirmed", _("Confirmed")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TERMINATED = "terminated", _("Terminated")


ENROLLMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    # Over capacity, an invitation waits (unsent) until a place frees.
    EnrollmentState.WAITLISTED: frozenset({EnrollmentState.INVITED, EnrollmentState.WITHDRAWN}),
    EnrollmentState.INVITED: frozenset(
        {
            EnrollmentState.ACCEPTED,
            EnrollmentState.DECLINED,
            EnrollmentState.EXPIRED,
            EnrollmentState.WITHDRAWN,
        }
    ),
    EnrollmentState.ACCEPTED: frozenset({EnrollmentState.CONFIRMED, EnrollmentState.WITHDRAWN}),
    EnrollmentState.CONFIRMED: frozenset({EnrollmentState.ACTIVE, EnrollmentState.WITHDRAWN}),
    EnrollmentState.ACTIVE: frozenset(
        {EnrollmentState.COMPLETED, EnrollmentState.TERMINATED, EnrollmentState.WITHDRAWN}
    ),
    EnrollmentState.COMPLETED: frozenset(),
    EnrollmentState.DECLINED: frozenset(),
    EnrollmentState.EXPIRED: frozenset(),
    EnrollmentState.WITHDRAWN: frozenset(),
    EnrollmentState.TERMINATED: frozenset(),
}


def check_transition(
    table: dict[str, frozenset[str]], current: str, target: str, what: str
) -> None:
    if target not in table.get(current, frozenset()):
        raise Conflict(
            gettext("A %(what)s cannot go from “%(current)s” to “%(target)s”.")
            % {"what": what, "current": current, "target": target}
        )


# Enrollments that hold (or may soon hold) one of the program's places.
PLACE_HOLDING_STATES = frozenset(
    {
        EnrollmentState.INVITED,
        EnrollmentState.ACCEPTED,
        EnrollmentState.CONFIRMED,
        EnrollmentState.ACTIVE,
        EnrollmentState.COMPLETED,
    }
)
ENDED_STATES = frozenset(
    {
        EnrollmentState.DECLINED,
        EnrollmentState.EXPIRED,
        EnrollmentState.WITHDRAWN,
        EnrollmentState.TERMINATED,
    }
)
