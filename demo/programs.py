"""Programs and rosters through the real services: a brief, recruiting, invitations, creators
accepting (a creator with a login accepts in the portal's service; a creator without one is
recorded as accepted by the ISM), confirmations. Launch and completion are left to the date
sweep, as in production."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from demo.commerce import COMMISSION_PROGRAMS, COMMISSION_TERMS
from demo.people import Cast
from influencers.models import CreatorProfile
from messaging.services.requests import request_create
from programs import services as programs
from programs.models import Enrollment, Program
from programs.recruiting import services as recruiting
from programs.recruiting.services.terms import latest_terms


def brief(
    *, launch_on: date, length: int, categories: list[str], recruit_days: int = 7
) -> dict[str, Any]:
    return {
        "goals": "Reach new customers with honest, well-disclosed reviews.",
        "audience_demographics": "Adults 22-40",
        "platforms": ["instagram"],
        "categories": categories,
        "min_audience": 10000,
        "guidelines": "Show the product in daily use. No competitor brands in frame.",
        "recruit_by": launch_on - timedelta(days=recruit_days),
        "launch_on": launch_on,
        "end_on": launch_on + timedelta(days=length),
        "capacity": 5,
        "budget_amount": Decimal("10000.00"),
        "flat_fee": Decimal("400.00"),
        "per_click_rate": Decimal("0.1500"),
        "milestone_bonus": Decimal("150.00"),
    }


def create(cast: Cast, slug: str, brand: str, name: str, **fields: Any) -> Program:
    """A draft; with a full brief, two Instagram posts due 10 days after launch."""
    north = slug == "northwind"
    admin = cast.users["admin@demo.test"]
    if name in COMMISSION_PROGRAMS:
        fields = {**fields, **COMMISSION_TERMS}
    program = programs.program_create(
        organization=cast.orgs[slug],
        brand=cast.brands[(slug, brand)],
        name=name,
        actor=admin,
        assigned_ism=cast.users["ism@demo.test"] if north else None,
        assigned_bsm=cast.users["bsm@demo.test"] if north else None,
        **fields,
    )
    if "launch_on" in fields:
        programs.deliverable_spec_add(
            program=program,
            actor=admin,
            kind="post",
            platform="instagram",
            count=2,
            due_offset_days=10,
        )
    return program


def open_recruiting(cast: Cast, program: Program) -> Program:
    return programs.program_open_recruiting(program=program, actor=cast.users["admin@demo.test"])


def invite(cast: Cast, program: Program, *creators: CreatorProfile) -> list[Enrollment]:
    actor = cast.users[
        "ism@demo.test" if program.organization.slug == "northwind" else "admin@demo.test"
    ]
    return list(recruiting.enrollment_invite(program=program, creators=list(creators), actor=actor))


def ask(enrollment: Enrollment | None, creator: CreatorProfile, topic: str, text: str) -> None:
    """The creator asks a question (routed to the right person)."""
    request_create(
        creator=creator, user=creator.user, topic=topic, text=text, enrollment=enrollment
    )


def accept(cast: Cast, enrollment: Enrollment) -> Enrollment:
    """The creator accepts the terms in the portal; without a login, the ISM records the yes
    they gave by e-mail."""
    creator = enrollment.creator
    if creator.user_id is not None:
        terms = latest_terms(enrollment)
        assert terms is not None, "an invitation always has terms"
        return recruiting.invitation_accept(
            enrollment=enrollment, user=creator.user, terms_version=terms.number
        )
    return recruiting.enrollment_move(
        enrollment=enrollment, target="accepted", actor=cast.users["ism@demo.test"]
    )


def decline(cast: Cast, enrollment: Enrollment) -> Enrollment:
    return recruiting.enrollment_move(
        enrollment=enrollment, target="declined", actor=cast.users["ism@demo.test"]
    )


def confirm(cast: Cast, enrollment: Enrollment) -> Enrollment:
    return recruiting.enrollment_confirm(enrollment=enrollment, actor=cast.users["ism@demo.test"])


def refreshed(program: Program) -> Program:
    return Program.objects.get(pk=program.pk)


def enrollment(program: Program, creator: CreatorProfile) -> Enrollment:
    return Enrollment.objects.select_related("program", "creator", "terms_version").get(
        organization_id=program.organization_id, program=program, creator=creator
    )
