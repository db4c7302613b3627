"""The staff home: each role's blocks, figures equal to the ledger and the program report,
brand scoping, a constant query count, and links that all open."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from messaging.kinds import OwnerRole, TaskKind, TaskState
from organizations.home import staff_home
from organizations.roles import Role
from payments import ledger
from payments.models import PayoutState
from programs.models import Deliverable, DeliverableState, Program
from tests.conftest import World, confirm_and_launch, login_client, make_creator, make_payout
from tests.factories import (
    DeliverableFactory,
    EnrollmentFactory,
    ProgramFactory,
    SubmissionFactory,
    TaskFactory,
)
from tests.helpers import assert_constant_queries
from tracking.models import DailyClicks, TrackedLink
from tracking.reports.selectors import program_report

pytestmark = pytest.mark.django_db

BLOCKS = {
    "my-tasks",
    "escalations",
    "approvals",
    "overdue",
    "delayed-payouts",
    "active-programs",
    "deadlines",
    "spend",
    "clicks",
}
# Which blocks each role sees: the lists behind them are the ones the role may open.
EXPECTED = {
    Role.ADMIN: BLOCKS,
    Role.ISM: BLOCKS - {"approvals", "delayed-payouts"},
    Role.BSM: BLOCKS - {"approvals"},
    Role.BRAND_MANAGER: {"approvals", "overdue", "active-programs", "deadlines", "spend", "clicks"},
    Role.APPROVER: {"approvals", "active-programs"},
    Role.ANALYST: {"active-programs", "spend", "clicks"},
}


def home_url(slug: str = "northwind") -> str:
    return reverse("org_home", kwargs={"org_slug": slug})


def blocks_of(html: str) -> set[str]:
    return set(re.findall(r'data-home="([a-z-]+)"', html)) - {"all-clear"}


def figure(html: str, name: str) -> list[str]:
    """The figure's raw value (``data-value`` where the page formats it, else its text)."""
    found = re.findall(rf'data-figure="{name}"(?: data-value="([^"]*)")?>([^<]*)<', html)
    return [value or text for value, text in found]


def _link(enrollment: Any) -> TrackedLink:
    link = TrackedLink.objects.filter(enrollment=enrollment).first()
    return link or TrackedLink.objects.create(
        organization_id=enrollment.organization_id,
        enrollment=enrollment,
        code=f"h{enrollment.pk}",
        destination="https://example.com/",
    )


@pytest.fixture
def launched(world: World) -> World:
    """The world launched with a budget, a paid and an earned payout, clicks this week and
    last month, an overdue and a due-this-week deliverable, one submission to review, a task
    for the ISM, an escalated BSM task and a delayed payout."""
    confirm_and_launch(world)
    org, enrollment = world.cast.org, world.enrollment
    Program.objects.filter(pk=world.program.pk).update(budget_amount=Decimal("1000.00"))
    world.program.refresh_from_db()
    today = timezone.localdate()
    paid = make_payout(world, "250.00", key="paid")
    for target in (PayoutState.SCHEDULED, PayoutState.PROCESSING, PayoutState.PAID):
        paid = ledger.payout_move(payout=paid, target=target)
    make_payout(world, "40.00", key="clicks")
    cancelled = make_payout(world, "999.00", key="cancelled")
    ledger.payout_move(payout=cancelled, target=PayoutState.CANCELLED)
    delayed = make_payout(world, "15.00", key="late", expected_on=today - timedelta(days=3))
    type(delayed).objects.filter(pk=delayed.pk).update(delayed_at=timezone.now())
    link = _link(enrollment)
    for n, valid in ((0, 5), (3, 7), (6, 1), (7, 100), (30, 50)):
        DailyClicks.objects.create(
            organization=org, link=link, day=today - timedelta(days=n), valid=valid, filtered=2
        )
    first = Deliverable.objects.filter(enrollment=enrollment).first()
    Deliverable.objects.filter(pk=first.pk).update(due_on=today - timedelta(days=2))
    DeliverableFactory(
        organization=org, enrollment=enrollment, due_on=today + timedelta(days=3), number=2
    )
    review = DeliverableFactory(
        organization=org, enrollment=enrollment, state=DeliverableState.SUBMITTED, number=3
    )
    SubmissionFactory(organization=org, deliverable=review)
    TaskFactory(
        organization=org, owner_role=OwnerRole.ISM, assignee=world.cast.members[Role.ISM].user
    )
    TaskFactory(
        organization=org,
        owner_role=OwnerRole.BSM,
        kind=TaskKind.PAYOUT_DELAYED,
        due_at=timezone.now() - timedelta(days=1),
        escalated_at=timezone.now(),
    )
    return world


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_blocks(launched: World, role: Role) -> None:
    response = launched.cast.client_for(role).get(home_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert blocks_of(html) == EXPECTED[role]
    assert html.count("<h1") == 1


def test_needs_you_now_counts(launched: World) -> None:
    home = staff_home(membership=launched.cast.members[Role.ADMIN])
    assert home.escalations is not None and home.escalations.count == 1
    assert home.approvals is not None and home.approvals.count == 1
    assert home.overdue_total == 1
    assert home.deadlines_total == 1
    assert home.delayed_payouts is not None and home.delayed_payouts.count == 1
    assert home.active_programs == 1
    ism = staff_home(membership=launched.cast.members[Role.ISM])
    assert ism.my_tasks is not None and ism.my_tasks.count == 1
    # The escalated task is the BSM's: not in the ISM's queues.
    assert ism.escalations is not None and ism.escalations.count == 0
    bsm = staff_home(membership=launched.cast.members[Role.BSM])
    assert bsm.escalations is not None and bsm.escalations.count == 1


def test_spend_equals_the_program_report_and_the_ledger(launched: World) -> None:
    program = launched.program
    report = program_report(program=program).spend
    home = staff_home(membership=launched.cast.members[Role.ADMIN])
    assert home.spend is not None
    (row,) = [r for r in home.spend if r.program_id == program.pk]
    assert (row.earned, row.paid, row.budget) == (report.earned, report.paid, report.budget)
    assert (row.earned, row.paid) == (Decimal("305.00"), Decimal("250.00"))
    assert row.percent == 31  # 305 of 1000
    # The ledger's cash account moved by exactly what was paid.
    balances = ledger.ledger_balances(organization_id=program.organization_id)
    assert abs(balances[("cash", program.currency)]) == row.paid
    html = launched.cast.client_for(Role.ADMIN).get(home_url()).content.decode()
    assert figure(html, "earned") == ["305.00"] and figure(html, "paid") == ["250.00"]
    assert '<meter class="milestone-progress" min="0" max="1000.00" value="305.00"' in html


def test_valid_clicks_this_week_are_the_last_seven_days(launched: World) -> None:
    home = staff_home(membership=launched.cast.members[Role.ADMIN])
    assert home.clicks is not None and len(home.clicks) == 7
    assert home.clicks_total == 5 + 7 + 1  # 7 and 30 days ago fall outside
    html = launched.cast.client_for(Role.ANALYST).get(home_url()).content.decode()
    assert figure(html, "clicks") == ["13"]
    assert 'role="img"' in html and "<script" not in html.split("<main", 1)[1]


def test_brand_scoped_roles_see_only_their_brands(launched: World) -> None:
    cast = launched.cast
    other = ProgramFactory(
        organization=cast.org, brand=cast.other_brand, state="launched", name="Trail Run"
    )
    EnrollmentFactory(organization=cast.org, program=other)
    analyst = staff_home(membership=cast.members[Role.ANALYST])
    assert analyst.spend is not None
    assert [row.name for row in analyst.spend] == ["Spring Glow"]
    assert analyst.active_programs == 1
    admin = staff_home(membership=cast.members[Role.ADMIN])
    assert admin.active_programs == 2


def test_the_launched_figure_links_the_filtered_program_list(launched: World) -> None:
    client = launched.cast.client_for(Role.BRAND_MANAGER)
    html = client.get(home_url()).content.decode()
    assert figure(html, "launched") == ["1"]
    listing = client.get(reverse("program_list", args=["northwind"]) + "?state=launched")
    assert "Spring Glow" in listing.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_every_link_on_the_home_opens(launched: World, role: Role) -> None:
    client = launched.cast.client_for(role)
    html = client.get(home_url()).content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    hrefs = set(re.findall(r'href="(/orgs/[^"#]*)"', main))
    assert hrefs
    for href in sorted(hrefs):
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href


def test_query_count_is_constant(launched: World) -> None:
    cast = launched.cast
    org = cast.org
    client = cast.client_for(Role.ADMIN)
    today = timezone.localdate()

    def grow() -> None:
        for n in range(4):
            program = ProgramFactory(
                organization=org, brand=cast.brand, state="launched", budget_amount=Decimal("50")
            )
            creator = make_creator(org, f"Grown {n}", f"grown{n}@example.test")
            enrollment = EnrollmentFactory(
                organization=org, program=program, creator=creator, state="active"
            )
            DeliverableFactory(organization=org, enrollment=enrollment, due_on=today)
            DeliverableFactory(
                organization=org, enrollment=enrollment, due_on=today - timedelta(days=1)
            )
            submitted = DeliverableFactory(
                organization=org, enrollment=enrollment, state=DeliverableState.SUBMITTED
            )
            SubmissionFactory(organization=org, deliverable=submitted)
            make_payout(launched, "5.00", key=f"g{n}", enrollment=enrollment)
            TaskFactory(
                organization=org,
                owner_role=OwnerRole.BSM,
                escalated_at=timezone.now(),
                state=TaskState.OPEN,
                assignee=cast.members[Role.ADMIN].user,
            )
            DailyClicks.objects.create(
                organization=org, link=_link(enrollment), day=today, valid=3, filtered=0
            )

    response = assert_constant_queries(lambda: client.get(home_url()), grow=grow)
    assert response.status_code == 200


def test_another_orgs_member_is_refused(launched: World) -> None:
    client = login_client(launched.cast.outsider.user)
    assert client.get(home_url()).status_code in (403, 404)


def test_the_delayed_payouts_link_lists_the_payouts_the_home_counts(launched: World) -> None:
    client = launched.cast.client_for(Role.ADMIN)
    html = client.get(reverse("org_home", args=[launched.cast.org.slug])).content.decode()
    link = re.search(r'href="([^"]*\?delayed=yes)"', html)
    assert link is not None
    listed = client.get(link.group(1).replace("&amp;", "&")).context["listing"].page.object_list
    home = staff_home(membership=launched.cast.members[Role.ADMIN])
    assert home.delayed_payouts is not None
    assert [row.record.pk for row in listed] == [p.pk for p in home.delayed_payouts.rows]
