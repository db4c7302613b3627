"""The routing rule, as a table: topic and program phase → owner role; then owner person."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from influencer_ops.errors import DomainError
from messaging.kinds import OwnerRole, Topic
from messaging.routing import assignee_for, owner_role, route

ISM, BSM = OwnerRole.ISM, OwnerRole.BSM
NOT_LAUNCHED = SimpleNamespace(
    name="Spring", launched_at=None, assigned_ism=None, assigned_bsm=None
)
LAUNCHED = SimpleNamespace(
    name="Spring",
    launched_at=datetime(2026, 1, 1, tzinfo=UTC),
    assigned_ism=None,
    assigned_bsm=None,
)

# (topic, program, expected role, the reason mentions a contradiction)
TABLE = [
    (Topic.PROGRAM_REQUEST, None, ISM, False),
    (Topic.AVAILABILITY, None, ISM, False),
    (Topic.REQUIREMENTS, None, ISM, False),
    (Topic.MILESTONE_CORRECTION, None, ISM, False),
    (Topic.PROGRAM_DETAILS, None, BSM, False),
    (Topic.EXTENSION, None, BSM, False),
    (Topic.COMPENSATION, None, BSM, False),
    (Topic.OTHER, None, ISM, False),
    (Topic.PROGRAM_REQUEST, NOT_LAUNCHED, ISM, False),
    (Topic.AVAILABILITY, NOT_LAUNCHED, ISM, False),
    (Topic.REQUIREMENTS, NOT_LAUNCHED, ISM, False),
    (Topic.MILESTONE_CORRECTION, NOT_LAUNCHED, ISM, False),
    (Topic.PROGRAM_DETAILS, NOT_LAUNCHED, ISM, True),
    (Topic.EXTENSION, NOT_LAUNCHED, ISM, True),
    (Topic.COMPENSATION, NOT_LAUNCHED, ISM, True),
    (Topic.OTHER, NOT_LAUNCHED, ISM, False),
    (Topic.PROGRAM_REQUEST, LAUNCHED, BSM, True),
    (Topic.AVAILABILITY, LAUNCHED, BSM, True),
    (Topic.REQUIREMENTS, LAUNCHED, BSM, True),
    (Topic.MILESTONE_CORRECTION, LAUNCHED, BSM, True),
    (Topic.PROGRAM_DETAILS, LAUNCHED, BSM, False),
    (Topic.EXTENSION, LAUNCHED, BSM, False),
    (Topic.COMPENSATION, LAUNCHED, BSM, False),
    (Topic.OTHER, LAUNCHED, BSM, False),
]


@pytest.mark.parametrize(("topic", "program", "role", "contradiction"), TABLE)
def test_the_routing_table(topic: str, program: object, role: str, contradiction: bool) -> None:
    decided, reason = owner_role(topic=topic, program=program)
    assert decided == role
    assert reason
    assert ("but" in reason) is contradiction


def test_every_topic_is_in_the_table() -> None:
    assert {row[0] for row in TABLE} == set(Topic.values)


def test_an_unknown_topic_is_refused() -> None:
    with pytest.raises(DomainError, match="Unknown topic"):
        owner_role(topic="gossip", program=None)


def person(name: str) -> SimpleNamespace:
    return SimpleNamespace(display_name=name)


@pytest.mark.parametrize(
    ("enrollment_ism", "program_ism", "creator_ism", "expected"),
    [
        ("E", "P", "C", "E"),
        (None, "P", "C", "P"),
        (None, None, "C", "C"),
        (None, None, None, None),
    ],
)
def test_the_ism_owner_is_the_most_specific_assignment(
    enrollment_ism, program_ism, creator_ism, expected
) -> None:
    def maybe(name: str | None) -> SimpleNamespace | None:
        return person(name) if name else None

    enrollment = SimpleNamespace(assigned_ism=maybe(enrollment_ism), assigned_bsm=None)
    program = SimpleNamespace(assigned_ism=maybe(program_ism), assigned_bsm=None)
    creator = SimpleNamespace(assigned_ism=maybe(creator_ism))
    chosen = assignee_for(role=ISM, program=program, enrollment=enrollment, creator=creator)
    assert (chosen.display_name if chosen else None) == expected


def test_the_bsm_never_falls_back_to_the_creators_ism() -> None:
    creator = SimpleNamespace(assigned_ism=person("C"))
    program = SimpleNamespace(assigned_ism=None, assigned_bsm=None)
    assert assignee_for(role=BSM, program=program, enrollment=None, creator=creator) is None


def test_the_decision_says_where_it_went() -> None:
    program = SimpleNamespace(
        name="Spring", launched_at=None, assigned_ism=person("Ivy"), assigned_bsm=None
    )
    decision = route(topic=Topic.REQUIREMENTS, program=program)
    assert decision.role == ISM and decision.assignee.display_name == "Ivy"
    assert "Assigned to Ivy" in decision.reason
