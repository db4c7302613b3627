"""A brand's payment record: computed from the payouts, shown on every invitation and on the
staff payouts page, in one aggregate query."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from organizations.roles import Role
from payments.figures.record import payment_record_matches_payouts
from payments.models import PaymentSchedule, Payout, PayoutPunctuality, PayoutState
from payments.payouts import delays
from payments.readiness.services import READINESS_HOLD
from payments.record.selectors import (
    MIN_PAYOUTS,
    payment_record,
    payment_records,
    payment_records_counted,
)
from payments.runs.schedule import schedule_for
from tests.conftest import World, make_payout
from tests.factories import CreatorProfileFactory, EnrollmentFactory, OrganizationFactory
from tests.helpers import assert_constant_queries, captured_queries

TODAY = timezone.localdate


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def payout(world: World, key: str, *, expected: date, **fields: Any) -> Payout:
    """A payout expected on ``expected``; ``paid`` (a date) pays it at noon UTC that day."""
    paid = fields.pop("paid", None)
    made = make_payout(world, key=key)
    values: dict[str, Any] = {"expected_on": expected, **fields}
    if paid is not None:
        values |= {"state": PayoutState.PAID, "paid_at": at_noon(paid)}
    Payout.objects.filter(pk=made.pk).update(**values)
    return made


def days_ago(n: int) -> date:
    return TODAY() - timedelta(days=n)


def test_an_org_without_payouts_has_not_enough_history(world: World) -> None:
    record = payment_record(organization=world.cast.org)
    assert (record.counted, record.on_time, record.median_days_late) == (0, 0, None)
    assert not record.enough_history
    assert record.on_time_share is None


def test_which_payouts_count_and_how_late(world: World) -> None:
    for n in range(4):  # paid on or before the expected date
        payout(world, f"on-time-{n}", expected=days_ago(20), paid=days_ago(20 + n))
    payout(world, "late-2", expected=days_ago(30), paid=days_ago(28))
    payout(world, "late-6", expected=days_ago(30), paid=days_ago(24))
    payout(world, "owed-late-3", expected=days_ago(3))  # still earned: late so far
    # Not counted: not yet due, cancelled, waiting for the creator's own details, too old.
    payout(world, "not-due", expected=TODAY())
    payout(world, "cancelled", expected=days_ago(10), state=PayoutState.CANCELLED)
    payout(
        world,
        "readiness",
        expected=days_ago(10),
        state=PayoutState.ON_HOLD,
        hold_reason=READINESS_HOLD + "payout details",
    )
    payout(world, "old", expected=days_ago(400), paid=days_ago(380))
    record = payment_record(organization=world.cast.org)
    assert (record.counted, record.on_time, record.late) == (7, 4, 3)
    assert record.median_days_late == 3.0  # of 2, 3 and 6
    assert record.median_days == 3
    assert record.enough_history
    assert record.on_time_share == pytest.approx(4 / 7)


def test_a_paid_payout_is_measured_in_the_schedules_time_zone(world: World) -> None:
    PaymentSchedule.objects.filter(pk=schedule_for(organization=world.cast.org).pk).update(
        time_zone="Asia/Tokyo"
    )
    expected = days_ago(5)
    late = payout(world, "tokyo", expected=expected)
    # 20:00 UTC on the expected day is already the next morning in Tokyo.
    Payout.objects.filter(pk=late.pk).update(
        state=PayoutState.PAID, paid_at=datetime.combine(expected, time(20), tzinfo=UTC)
    )
    record = payment_record(organization=world.cast.org)
    assert (record.counted, record.on_time, record.median_days_late) == (1, 0, 1.0)


def test_a_delayed_payout_is_late_from_the_date_it_missed(world: World) -> None:
    from tests.payments.test_payouts import pay

    missed = days_ago(4)
    late = payout(world, "delayed", expected=missed)
    result = delays.payout_delay_sweep(organization=world.cast.org, today=TODAY())
    assert result.flagged == 1
    late.refresh_from_db()
    assert late.missed_expected_on == missed
    assert late.expected_on > missed  # the sweep promised a new date
    pay(late)
    record = payment_record(organization=world.cast.org)
    assert (record.counted, record.on_time, record.median_days_late) == (1, 0, 4.0)


def test_a_delay_while_waiting_for_the_creators_details_is_not_the_brands(world: World) -> None:
    held = payout(
        world,
        "held",
        expected=days_ago(4),
        state=PayoutState.ON_HOLD,
        hold_reason=READINESS_HOLD + "a verified tax form",
    )
    delays.payout_delay_sweep(organization=world.cast.org, today=TODAY())
    held.refresh_from_db()
    assert held.delayed_at is not None
    assert held.missed_expected_on is None


def test_many_orgs_are_read_in_one_query(world: World) -> None:
    payout(world, "a", expected=days_ago(3), paid=days_ago(3))
    other = OrganizationFactory()
    records, queries = captured_queries(
        lambda: payment_records(organization_ids=[world.cast.org.pk, other.pk])
    )
    assert len(queries) == 1
    assert records[world.cast.org.pk].counted == 1
    assert records[other.pk].counted == 0


def enough_history(world: World) -> None:
    for n in range(MIN_PAYOUTS - 1):
        payout(world, f"paid-{n}", expected=days_ago(10), paid=days_ago(10))
    payout(world, "late", expected=days_ago(12), paid=days_ago(10))


def test_the_invitation_page_shows_the_record_before_accepting(world: World) -> None:
    page = world.creator_client().get(f"/portal/invitations/{world.enrollment.pk}/")
    text = page.content.decode()
    assert "Northwind&#x27;s payment record" in text or "Northwind's payment record" in text
    assert "Not enough payment history yet: 0 payouts were due" in text
    enough_history(world)
    text = world.creator_client().get(f"/portal/invitations/{world.enrollment.pk}/").content
    assert b"80% paid on time" in text
    assert b"4 of the 5 payouts due in the last 12 months were paid on or before" in text
    assert b"When late, a median of 2 days late." in text


def test_the_portal_home_shows_the_record_on_each_invitation(world: World) -> None:
    enough_history(world)
    text = world.creator_client().get("/portal/").content.decode()
    assert "Northwind paid 80% of 5 payouts on time in the last 12 months" in text
    assert "(when late, a median of 2 days)" in text


def test_the_staff_payouts_page_shows_the_record(world: World) -> None:
    enough_history(world)
    page = world.cast.client_for(Role.ADMIN).get("/orgs/northwind/payments/payouts/")
    assert page.status_code == 200
    assert b"80% paid on time" in page.content


def test_the_staff_api_answers_the_record(world: World) -> None:
    enough_history(world)
    answer = world.cast.client_for(Role.ADMIN).get("/api/v1/orgs/northwind/payment-record/")
    assert answer.status_code == 200
    assert answer.json() == {
        "counted": 5,
        "on_time": 4,
        "late": 1,
        "on_time_share": 0.8,
        "median_days_late": 2.0,
        "enough_history": True,
        "window_days": 365,
    }


def test_the_staff_api_refuses_who_may_not_see_payouts(world: World) -> None:
    from organizations.permissions import can_view_payouts

    cast = world.cast
    refused = [role for role in Role.values if not can_view_payouts(cast.members[role])]
    assert refused, "some role may not see payouts"
    answer = cast.client_for(refused[0]).get("/api/v1/orgs/northwind/payment-record/")
    assert answer.status_code == 403
    outsider = cast.outsider.user
    from tests.conftest import login_client

    assert login_client(outsider).get("/api/v1/orgs/northwind/payment-record/").status_code == 404


def test_the_creators_invitations_carry_each_orgs_record_in_constant_queries(
    world: World,
) -> None:
    enough_history(world)
    client = world.creator_client()

    def fetch() -> Any:
        return client.get("/api/v1/me/invitations/")

    def grow() -> None:
        for _ in range(3):
            org = OrganizationFactory()
            profile = CreatorProfileFactory(
                organization=org, user=world.creator.user, email=world.creator.email
            )
            EnrollmentFactory(organization=org, creator=profile, state="invited")

    answer = assert_constant_queries(fetch, grow=grow)
    rows = answer.json()["results"]
    assert len(rows) == 4
    mine = next(r for r in rows if r["id"] == world.enrollment.pk)
    assert mine["payment_record"]["on_time"] == 4
    assert all("payment_record" in r for r in rows)
    one = client.get(f"/api/v1/me/invitations/{world.enrollment.pk}/").json()
    assert one["payment_record"]["counted"] == 5


def test_the_invitation_message_carries_the_record(world: World) -> None:
    from messaging.models import Notification
    from programs.recruiting import services as recruiting

    enough_history(world)
    creator = CreatorProfileFactory(organization=world.cast.org)
    recruiting.enrollment_invite(
        program=world.program, creator=creator, actor=world.cast.members[Role.ADMIN].user
    )
    note = Notification.objects.get(recipient=creator.user, kind="invitation")
    assert "Payment record: Northwind paid 4 of 5 payouts on or before" in note.body
    assert "(80%). When late, a median of 2 days." in note.body
    first = Notification.objects.get(recipient=world.creator.user, kind="invitation")
    assert "Payment record: not enough history yet (0 of the 5 payouts" in first.body


def test_the_record_reads_the_apps_clock_not_the_databases(world: World) -> None:
    import time_machine

    payout(world, "owed", expected=days_ago(3))
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        record = payment_record(organization=world.cast.org)
    assert (record.counted, record.median_days_late) == (1, 5.0)


def _kept(world: World) -> dict[tuple[date, date | None], int]:
    return {
        (row.promised_on, row.paid_on): row.count
        for row in PayoutPunctuality.objects.filter(organization=world.cast.org)
        if row.count
    }


def test_the_database_keeps_the_records_rows_through_every_move(world: World) -> None:
    """Pages read the kept rows; the figures audit counts the payouts: both agree. (A payout
    is never deleted, the ledger holds it: the delete trigger keeps the rows of tests and
    data repairs.)"""
    org = world.cast.org
    paid = payout(world, "paid", expected=days_ago(30), paid=days_ago(28))
    owed = payout(world, "owed", expected=days_ago(5))
    held = payout(world, "held", expected=days_ago(5))
    assert _kept(world) == {(days_ago(30), days_ago(28)): 1, (days_ago(5), None): 2}
    # Held for the creator's own readiness: no longer counted; a delay moves the promise.
    Payout.objects.filter(pk=held.pk).update(
        state=PayoutState.ON_HOLD, hold_reason=f"{READINESS_HOLD}details"
    )
    Payout.objects.filter(pk=owed.pk).update(missed_expected_on=days_ago(4))
    Payout.objects.filter(pk=paid.pk).update(explanation="Corrected")  # moves nothing
    assert _kept(world) == {(days_ago(30), days_ago(28)): 1, (days_ago(4), None): 1}
    # The schedule's time zone reads the paid day again: 23:30 UTC is the next day in Tokyo.
    Payout.objects.filter(pk=paid.pk).update(
        paid_at=datetime.combine(days_ago(28), time(23, 30), tzinfo=UTC)
    )
    schedule = schedule_for(organization=org)
    PaymentSchedule.objects.filter(pk=schedule.pk).update(time_zone="Asia/Tokyo")
    assert _kept(world)[(days_ago(30), days_ago(27))] == 1
    # A save that keeps the zone recounts nothing (a marked row stays as it is).
    marked = PayoutPunctuality.objects.filter(organization=org, paid_on=days_ago(27))
    marked.update(count=7)
    PaymentSchedule.objects.filter(pk=schedule.pk).update(time_zone="Asia/Tokyo")
    assert _kept(world)[(days_ago(30), days_ago(27))] == 7
    marked.update(count=1)
    Payout.objects.filter(pk=owed.pk).update(state=PayoutState.CANCELLED)  # nothing owed
    assert _kept(world) == {(days_ago(30), days_ago(27)): 1}
    assert (
        payment_record(organization=org)
        == payment_records_counted(organization_ids=[org.pk])[org.pk]
    )
    assert payment_record_matches_payouts(org, TODAY()) == []


def test_the_audit_finds_a_kept_record_that_disagrees_with_the_payouts(world: World) -> None:
    payout(world, "late", expected=days_ago(30), paid=days_ago(20))
    PayoutPunctuality.objects.filter(organization=world.cast.org).update(paid_on=days_ago(30))
    (found,) = payment_record_matches_payouts(world.cast.org, TODAY())
    assert "shows 1 of 1 on time" in found.message and "give 0 of 1" in found.message
