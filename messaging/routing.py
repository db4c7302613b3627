"""Who owns a question: the one place that decides (see PRODUCT.md, "who owns a question").

Before a program launches the ISM owns everything about it; from launch on, the BSM does.
Without a program, the topic decides. A topic that contradicts the program's phase is routed
by the phase, and the reason says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from influencer_ops.errors import DomainError
from messaging.kinds import OwnerRole, Topic

PRE_LAUNCH_TOPICS = frozenset(
    {Topic.PROGRAM_REQUEST, Topic.AVAILABILITY, Topic.REQUIREMENTS, Topic.MILESTONE_CORRECTION}
)
POST_LAUNCH_TOPICS = frozenset({Topic.PROGRAM_DETAILS, Topic.EXTENSION, Topic.COMPENSATION})


@dataclass(frozen=True)
class RoutingDecision:
    role: OwnerRole
    assignee: Any | None  # a user, or None for the role's team queue
    reason: str


def owner_role(*, topic: str, program: Any | None) -> tuple[OwnerRole, str]:
    """The role that owns a request, and why."""
    if topic not in Topic.values:
        raise DomainError(gettext("Unknown topic “%(topic)s”.") % {"topic": topic})
    label = Topic(topic).label
    if program is None:
        if topic in POST_LAUNCH_TOPICS:
            return OwnerRole.BSM, (
                gettext("“%(label)s” is a post-launch topic: the BSM owns it.") % {"label": label}
            )
        return OwnerRole.ISM, (
            gettext("“%(label)s” without a launched program: the ISM owns it.") % {"label": label}
        )
    launched = program.launched_at is not None
    phase = "launched" if launched else gettext("not launched yet")
    role = OwnerRole.BSM if launched else OwnerRole.ISM
    owner = "BSM" if launched else "ISM"
    if topic in PRE_LAUNCH_TOPICS and launched:
        return role, (
            gettext(
                "“%(label)s” is a pre-launch topic, but %(name)s is launched: from "
                "launch on the BSM owns every question about it."
            )
            % {"label": label, "name": program.name}
        )
    if topic in POST_LAUNCH_TOPICS and not launched:
        return role, (
            gettext(
                "“%(label)s” is a post-launch topic, but %(name)s is not launched yet: "
                "before launch the ISM owns every question about it."
            )
            % {"label": label, "name": program.name}
        )
    return role, (
        gettext("“%(label)s” about %(name)s (%(phase)s): the %(owner)s owns it.")
        % {"label": label, "name": program.name, "phase": phase, "owner": owner}
    )


def assignee_for(
    *, role: str, program: Any | None, enrollment: Any | None, creator: Any | None
) -> Any | None:
    """The person assigned for ``role``: enrollment override, then program, then (ISM only)
    the creator's own ISM. None means the role's team queue."""
    field = "assigned_ism" if role == OwnerRole.ISM else "assigned_bsm"
    for subject in (enrollment, program):
        if subject is not None and getattr(subject, field) is not None:
            return getattr(subject, field)
    if role == OwnerRole.ISM and creator is not None and creator.assigned_ism is not None:
        return creator.assigned_ism
    return None


def route(
    *, topic: str, program: Any | None, enrollment: Any | None = None, creator: Any | None = None
) -> RoutingDecision:
    role, reason = owner_role(topic=topic, program=program)
    assignee = assignee_for(role=role, program=program, enrollment=enrollment, creator=creator)
    where = (
        (gettext(" Assigned to %(display_name)s.") % {"display_name": assignee.display_name})
        if assignee
        else gettext(" Sent to the team queue.")
    )
    return RoutingDecision(role=role, assignee=assignee, reason=(reason + where)[:300])
