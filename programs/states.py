"""The program and enrollment lifecycles: one table of allowed transitions each."""

from __future__ import annotations

from django.db import models

from influencer_ops.errors import Conflict


class ProgramState(models.TextChoices):
    DRAFT = "draft", "Draft"
    RECRUITING = "recruiting", "Recruiting"
    LAUNCHED = "launched", "Launched"
    COMPLETED = "completed", "Completed"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


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
    WAITLISTED = "waitlisted", "Waitlisted"
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    CONFIRMED = "confirmed", "Confirmed"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    TERMINATED = "terminated", "Terminated"


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
        raise Conflict(f"A {what} cannot go from “{current}” to “{target}”.")


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
