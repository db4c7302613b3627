"""The creator's home: the dated to-do list (due today, this week, overdue, invitations with
their estimate, amendments, answers), earnings equal to the ledger, a constant query count,
and links that all open."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from messaging.kinds import TaskState
from organizations.roles import Role
from payments import ledger
from payments.models import LedgerEntry, PayoutState
from portal.selectors import creator_home, estimate
from programs.models import Deliverable, TermsVersion
from programs.recruiting import services as recruiting
from tests.conftest import World, confirm_and_launch, make_payout
from tests.factories import DeliverableFactory, RequestFactory, TaskFactory
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db
HOME = "/portal/"


def _set_terms(enrollment: Any, **changes: Any) -> None:
    terms = TermsVersion.objects.filter(enrollment=enrollment).order_by("-number").first()
    TermsVersion.objects.filter(pk=terms.pk).update(snapshot={**terms.snapshot, **changes})


def test_an_invitation_shows_its_estimate_and_answer_date(world: World) -> None:
    _set_terms(
        world.enrollment, per_click_rate="0.1500", click_milestone=400, milestone_bonus="100.00"
    )
    expires = timezone.now() + timedelta(days=5)
    type(world.enrollment).objects.filter(pk=world.enrollment.pk).update(expires_at=expires)
    home = creator_home(user=world.creator.user)
    (item,) = home.invitations
    assert item.estimate is not None
    # 250 flat fee + 100 bonus + 0.15 × 400 clicks.
    assert (item.estimate.fee, item.estimate.bonus, item.estimate.clicks_pay) == (
        Decimal("250.00"),
        Decimal("100.00"),
        Decimal("60.00"),
    )
    assert item.estimate.total == Decimal("410.00")
    html = world.creator_client().get(HOME).content.decode()
    assert 'data-estimate="410.00"' in html
    assert "an estimate: $250.00 flat fee + $100.00 milestone bonus" in html
    assert expires.strftime("%Y-%m-%d") in html
    # The other creator's invitation is not here.
    assert world.other_enrollment.pk not in [i.enrollment.pk for i in home.invitations]


def test_estimate_without_click_pay_is_the_fee() -> None:
    plain = estimate({"currency": "EUR", "fee": "300.00", "click_milestone": 1000})
    assert (plain.total, plain.currency) == (Decimal("300.00"), "EUR")


@pytest.fixture
def active(world: World) -> World:
    confirm_and_launch(world)
    return world


def test_deliverables_are_dated(active: World) -> None:
    today = timezone.localdate()
    enrollment = active.enrollment
    first = Deliverable.objects.filter(enrollment=enrollment).first()
    Deliverable.objects.filter(pk=first.pk).update(due_on=today)
    org = active.cast.org
    late = DeliverableFactory(
        organization=org, enrollment=enrollment, number=2, due_on=today - timedelta(days=1)
    )
    soon = DeliverableFactory(
        organization=org, enrollment=enrollment, number=3, due_on=today + timedelta(days=6)
    )
    DeliverableFactory(
        organization=org, enrollment=enrollment, number=4, due_on=today + timedelta(days=7)
    )
    DeliverableFactory(
        organization=org, enrollment=enrollment, number=5, due_on=today, state="approved"
    )
    home = creator_home(user=active.creator.user)
    assert [d.pk for d in home.due_today] == [first.pk]
    assert [d.pk for d in home.overdue] == [late.pk]
    assert [d.pk for d in home.due_this_week] == [soon.pk]
    html = active.creator_client().get(HOME).content.decode()
    today_list = html.split('data-todo="today"', 1)[1].split("</ul>", 1)[0]
    assert reverse("portal_deliverable", args=[first.pk]) in today_list
    assert "Due today" in today_list
    # Someone else sees none of it.
    assert not creator_home(user=active.other_creator.user).due_today


def test_amendments_and_answers_are_on_the_list(active: World) -> None:
    admin = active.cast.members[Role.BSM].user
    version = recruiting.terms_amend(
        enrollment=active.enrollment,
        actor=admin,
        reason="Performance pay for a strong start",
        changes={"per_click_rate": "0.20"},
    )
    request = RequestFactory(organization=active.cast.org, creator=active.creator)
    TaskFactory(
        organization=active.cast.org,
        source_request=request,
        state=TaskState.DONE,
        completed_at=timezone.now() - timedelta(days=1),
    )
    old = RequestFactory(organization=active.cast.org, creator=active.creator)
    TaskFactory(
        organization=active.cast.org,
        source_request=old,
        state=TaskState.DONE,
        completed_at=timezone.now() - timedelta(days=30),
    )
    home = creator_home(user=active.creator.user)
    assert [(i.enrollment.pk, i.terms.number) for i in home.amendments] == [
        (active.enrollment.pk, version.number)
    ]
    assert [r.pk for r in home.answered] == [request.pk]
    html = active.creator_client().get(HOME).content.decode()
    assert "Performance pay for a strong start" in html
    recruiting.terms_accept(
        enrollment=active.enrollment, user=active.creator.user, terms_version=version.number
    )
    assert not creator_home(user=active.creator.user).amendments


def test_earnings_equal_the_ledger(active: World) -> None:
    today = timezone.localdate()
    paid = make_payout(active, "250.00", key="paid")
    for target in (PayoutState.SCHEDULED, PayoutState.PROCESSING, PayoutState.PAID):
        paid = ledger.payout_move(payout=paid, target=target)
    scheduled = make_payout(active, "30.00", key="sched", expected_on=today + timedelta(days=9))
    ledger.payout_move(payout=scheduled, target=PayoutState.SCHEDULED)
    make_payout(active, "12.50", key="earned", expected_on=today + timedelta(days=4))
    held = make_payout(active, "7.00", key="held", expected_on=today + timedelta(days=1))
    ledger.payout_move(payout=held, target=PayoutState.ON_HOLD)
    gone = make_payout(active, "500.00", key="gone")
    ledger.payout_move(payout=gone, target=PayoutState.CANCELLED)
    make_payout(active, "99.00", key="other", enrollment=active.other_enrollment)

    (line,) = creator_home(user=active.creator.user).earnings
    entries = LedgerEntry.objects.filter(transaction__payout__creator__user=active.creator.user)

    def balance(*accounts: str) -> Decimal:
        total = entries.filter(account__in=accounts).aggregate(t=Sum("amount"))["t"]
        return abs(total or Decimal("0"))

    assert line.paid == balance("cash") == Decimal("250.00")
    assert line.scheduled == balance("payable:scheduled", "payable:processing") == Decimal("30.00")
    assert line.awaiting == balance("payable:earned", "payable:on_hold", "payable:failed")
    assert line.awaiting == Decimal("19.50")
    assert line.earned == Decimal("299.50")
    assert line.next_payment_on == today + timedelta(days=4)
    html = active.creator_client().get(HOME).content.decode()
    assert re.findall(r'data-figure="earned" data-value="([^"]*)"', html) == ["299.50"]
    assert re.findall(r'data-figure="paid" data-value="([^"]*)"', html) == ["250.00"]


def test_every_link_on_the_home_opens(active: World) -> None:
    today = timezone.localdate()
    first = Deliverable.objects.filter(enrollment=active.enrollment).first()
    Deliverable.objects.filter(pk=first.pk).update(due_on=today)
    make_payout(active, "10.00", key="x")
    client = active.creator_client()
    html = client.get(HOME).content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    hrefs = set(re.findall(r'href="(/portal/[^"#]*)"', main))
    assert reverse("portal_deliverable", args=[first.pk]) in hrefs
    for href in sorted(hrefs):
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href


def test_query_count_is_constant(active: World) -> None:
    client = active.creator_client()
    org = active.cast.org
    today = timezone.localdate()

    def grow(start: int = 0, stop: int = 5) -> None:
        for n in range(start, stop):
            DeliverableFactory(
                organization=org, enrollment=active.enrollment, number=10 + n, due_on=today
            )
            make_payout(active, "3.00", key=f"grow{n}")
            request = RequestFactory(organization=org, creator=active.creator)
            TaskFactory(
                organization=org,
                source_request=request,
                state=TaskState.DONE,
                completed_at=timezone.now(),
            )

    # One of each first: the home's lists are paged, and an empty page skips its row query
    # (the paginator counts nothing to fetch); 1 row against 6 is what the rule compares.
    grow(0, 1)
    response = assert_constant_queries(lambda: client.get(HOME), grow=lambda: grow(1, 6))
    assert response.status_code == 200
