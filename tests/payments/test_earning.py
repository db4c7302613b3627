"""Earning payouts: the flat fee when the work is live, pay per valid click and the milestone
bonus at completion (pro-rated when the terms say so), what a terminated creator is owed; each
once, in the terms' currency, never zero or negative, and on hold until the creator is ready."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from organizations.roles import Role
from payments import earning
from payments.ledger import PayoutInvalid
from payments.models import PaymentSchedule, Payout, PayoutState
from payments.readiness.services import READINESS_HOLD
from payments.runs.schedule import expected_payment_date
from programs import services as programs
from programs.cases import services as cases
from programs.content import services as content
from programs.deadlines.delivery import deliverables_create_for_enrollment
from programs.deadlines.services import program_auto_complete_sweep
from programs.models import (
    ComplianceCase,
    Deliverable,
    DeliverableState,
    Enrollment,
    Program,
    TermsVersion,
)
from programs.recruiting import services as recruiting
from tests.conftest import World, confirm_and_launch, make_ready
from tracking.models import DailyClicks, MilestoneReached, TrackedLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def launched(world: World) -> World:
    confirm_and_launch(world)
    if not Deliverable.objects.filter(enrollment=world.enrollment).exists():
        world.enrollment.terms_version = recruiting.latest_terms(world.enrollment)
        world.enrollment.save(update_fields=["terms_version"])
        deliverables_create_for_enrollment(
            enrollment=world.enrollment, launch_on=world.program.launch_on
        )
    world.enrollment.refresh_from_db()
    return world


def terms(enrollment: Enrollment, **changes: Any) -> None:
    enrollment.refresh_from_db()
    version = enrollment.terms_version
    TermsVersion.objects.filter(pk=version.pk).update(snapshot={**version.snapshot, **changes})
    enrollment.refresh_from_db()


def clicks(enrollment: Enrollment, valid: int) -> None:
    link = TrackedLink.objects.filter(enrollment=enrollment).first() or TrackedLink.objects.create(
        organization_id=enrollment.organization_id,
        enrollment=enrollment,
        code=f"c{enrollment.pk}",
        destination="https://example.com/",
    )
    DailyClicks.objects.create(
        organization_id=enrollment.organization_id,
        link=link,
        day=timezone.localdate() - timedelta(days=3),
        valid=valid,
    )


def publish(world: World, deliverable: Deliverable) -> None:
    Deliverable.objects.filter(pk=deliverable.pk).update(state=DeliverableState.APPROVED)
    content.deliverable_publish(
        deliverable=deliverable,
        user=world.creator.user,
        live_url="https://instagram.example/p/1",
        caption="My spring routine #ad",
    )


def second_deliverable(world: World) -> Deliverable:
    first = Deliverable.objects.filter(enrollment=world.enrollment).order_by("pk")[0]
    return Deliverable.objects.create(
        organization=world.cast.org,
        enrollment=world.enrollment,
        program=world.program,
        number=2,
        kind="post",
        platform="instagram",
        due_on=first.due_on,
        original_due_on=first.due_on,
    )


def payouts(world: World, **filters: Any) -> list[Payout]:
    return list(Payout.objects.filter(enrollment=world.enrollment, **filters).order_by("pk"))


def currency(world: World) -> str:
    return world.enrollment.terms_version.snapshot["currency"]


# --- the flat fee ---


def test_flat_fee_is_earned_when_every_deliverable_is_published_and_only_once(
    launched: World,
) -> None:
    make_ready(launched.creator)
    first = Deliverable.objects.get(enrollment=launched.enrollment)
    second = second_deliverable(launched)
    publish(launched, first)
    assert payouts(launched) == []  # one of two is live: nothing yet
    publish(launched, second)
    (payout,) = payouts(launched)
    assert payout.reason == "flat_fee" and payout.amount == Decimal("250.00")
    assert payout.currency == currency(launched)
    assert payout.state == PayoutState.EARNED and payout.hold_reason == ""
    assert payout.explanation == "Flat fee for 2 of 2 deliverables approved and published"
    assert payout.expected_on == expected_payment_date(organization=launched.cast.org)
    assert payout.earn_key == f"flat_fee:{launched.enrollment.pk}"
    assert earning.payout_earn_flat_fee(enrollment=launched.enrollment) is None
    assert len(payouts(launched)) == 1


def test_approved_but_not_published_earns_no_flat_fee(launched: World) -> None:
    Deliverable.objects.filter(enrollment=launched.enrollment).update(state="approved")
    assert earning.payout_earn_flat_fee(enrollment=launched.enrollment) is None


def test_cancelled_and_excused_deliverables_do_not_block_the_flat_fee(launched: World) -> None:
    Deliverable.objects.filter(pk=second_deliverable(launched).pk).update(state="cancelled")
    third = second_deliverable(launched)
    Deliverable.objects.filter(pk=third.pk).update(state="excused", number=3)
    publish(launched, Deliverable.objects.filter(enrollment=launched.enrollment).order_by("pk")[0])
    (payout,) = payouts(launched)
    assert payout.explanation == "Flat fee for 1 of 1 deliverables approved and published"


def test_no_flat_fee_payout_for_a_fee_of_zero(launched: World) -> None:
    terms(launched.enrollment, fee="0.00")
    publish(launched, Deliverable.objects.get(enrollment=launched.enrollment))
    assert payouts(launched) == []


# --- completion: clicks and the milestone bonus ---


def complete(world: World) -> None:
    programs.program_complete(program=world.program, actor=world.cast.members[Role.ADMIN].user)


def test_completion_pays_each_valid_click_half_up_to_cents(launched: World) -> None:
    terms(launched.enrollment, per_click_rate="0.0125", milestone_bonus="0.00")
    clicks(launched.enrollment, 1234)
    complete(launched)
    (payout,) = payouts(launched, reason="clicks")
    assert payout.amount == Decimal("15.43")  # 15.425: half up, not half even
    assert payout.explanation == f"1,234 valid clicks × 0.0125 {currency(launched)}"
    assert payout.earn_key == f"clicks:{launched.enrollment.pk}"


def test_completion_pays_the_bonus_when_the_milestone_was_reached(launched: World) -> None:
    terms(
        launched.enrollment,
        per_click_rate="0.05",
        click_milestone=1000,
        milestone_bonus="100.00",
        prorate_if_missed=True,
    )
    clicks(launched.enrollment, 1200)
    MilestoneReached.objects.create(
        organization=launched.cast.org,
        enrollment=launched.enrollment,
        milestone=1000,
        valid_clicks=1000,
        at=timezone.now(),
    )
    complete(launched)
    by_reason = {p.reason: p for p in payouts(launched)}
    assert set(by_reason) == {"clicks", "milestone_bonus"}
    assert by_reason["clicks"].amount == Decimal("60.00")
    assert by_reason["milestone_bonus"].amount == Decimal("100.00")
    assert (
        by_reason["milestone_bonus"].explanation == "Bonus for reaching the 1,000-click milestone"
    )


def test_completion_prorates_a_missed_milestone_when_the_terms_say_so(launched: World) -> None:
    terms(
        launched.enrollment, click_milestone=2000, milestone_bonus="100.00", prorate_if_missed=True
    )
    clicks(launched.enrollment, 1234)
    complete(launched)
    (payout,) = payouts(launched)
    assert payout.reason == "prorated_bonus" and payout.amount == Decimal("61.70")
    cur = currency(launched)
    assert payout.explanation == (
        f"Milestone bonus 100.00 {cur} × 1,234 of 2,000 valid clicks = 61.70 {cur} "
        "(milestone not reached, pro-rated)"
    )


def test_a_prorated_bonus_stays_below_the_bonus(launched: World) -> None:
    terms(
        launched.enrollment,
        click_milestone=100000,
        milestone_bonus="100.00",
        prorate_if_missed=True,
    )
    clicks(launched.enrollment, 99999)  # 99.999 would round to the whole bonus
    complete(launched)
    (payout,) = payouts(launched)
    assert payout.amount == Decimal("99.99")


def test_a_missed_milestone_pays_nothing_without_prorating(launched: World) -> None:
    terms(
        launched.enrollment, click_milestone=2000, milestone_bonus="100.00", prorate_if_missed=False
    )
    clicks(launched.enrollment, 1234)
    complete(launched)
    assert payouts(launched) == []


def test_no_clicks_and_no_rate_earn_nothing(launched: World) -> None:
    terms(launched.enrollment, per_click_rate="0.05")
    complete(launched)  # no clicks: no zero payout
    assert payouts(launched) == []
    terms(launched.enrollment, per_click_rate="0")
    clicks(launched.enrollment, 50)
    earning.payouts_earn_at_completion(enrollment=launched.enrollment)
    assert payouts(launched) == []


def test_completion_is_idempotent(launched: World) -> None:
    terms(launched.enrollment, per_click_rate="0.05")
    clicks(launched.enrollment, 10)
    complete(launched)
    assert earning.payouts_earn_at_completion(enrollment=launched.enrollment) == []
    assert earning.payouts_earn_for_program(program=launched.program) == []
    assert len(payouts(launched)) == 1


def test_the_auto_complete_sweep_earns_too(launched: World) -> None:
    terms(launched.enrollment, per_click_rate="0.10")
    clicks(launched.enrollment, 30)
    Deliverable.objects.filter(enrollment=launched.enrollment).update(state="published")
    today = timezone.localdate()
    Program.objects.filter(pk=launched.program.pk).update(
        launch_on=today - timedelta(days=10), end_on=today - timedelta(days=1)
    )
    assert program_auto_complete_sweep(organization=launched.cast.org, today=today) == 1
    by_reason = {p.reason: p.amount for p in payouts(launched)}
    # The flat fee too: its deliverables were marked published without the publish service.
    assert by_reason == {"clicks": Decimal("3.00"), "flat_fee": Decimal("250.00")}


def test_completion_reads_the_clicks_of_many_enrollments_in_constant_queries(
    launched: World,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    terms(launched.enrollment, per_click_rate="0.05")
    clicks(launched.enrollment, 10)
    with CaptureQueriesContext(connection) as one:
        earning.payouts_earn_for_program(program=launched.program)
    other = launched.other_enrollment
    admin = launched.cast.members[Role.ADMIN].user
    for state in ("accepted", "confirmed", "active"):
        recruiting.enrollment_move(enrollment=other, target=state, actor=admin)
    other.refresh_from_db()
    # No payout to record for either now (already earned / no rate): reads only.
    with CaptureQueriesContext(connection) as two:
        earning.payouts_earn_for_program(program=launched.program)
    reads_one = [q for q in one.captured_queries if q["sql"].startswith("SELECT")]
    reads_two = [q for q in two.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads_two) <= len(reads_one) + 1  # +1: the earn-key check of the earned payout


# --- termination ---


def terminate(world: World) -> None:
    bsm = world.cast.members[Role.BSM]
    case = cases.case_open(
        enrollment=world.enrollment,
        actor=bsm.user,
        membership=bsm,
        kind=ComplianceCase.Kind.GUIDELINE_BREACH,
        severity=ComplianceCase.Severity.MEDIUM,
        evidence="The post spells the brand wrong.",
        evidence_links=[],
    )
    cases.case_terminate(case=case, actor=bsm.user, membership=bsm, text="Repeated breaches.")


def test_termination_pays_the_amount_owed_and_the_clicks_so_far(launched: World) -> None:
    terms(
        launched.enrollment,
        per_click_rate="0.05",
        click_milestone=2000,
        milestone_bonus="100.00",
        prorate_if_missed=True,
    )
    clicks(launched.enrollment, 100)
    Deliverable.objects.filter(enrollment=launched.enrollment).update(state="approved")
    terminate(launched)
    by_reason = {p.reason: p for p in payouts(launched)}
    assert set(by_reason) == {"termination", "clicks"}  # a missed milestone is not pro-rated
    assert by_reason["termination"].amount == Decimal("250.00")
    assert by_reason["termination"].explanation.startswith("Owed at the end of the collaboration")
    assert by_reason["clicks"].amount == Decimal("5.00")


def test_termination_pays_a_milestone_already_reached(launched: World) -> None:
    terms(launched.enrollment, click_milestone=50, milestone_bonus="40.00")
    clicks(launched.enrollment, 60)
    terminate(launched)
    by_reason = {p.reason: p.amount for p in payouts(launched)}
    assert by_reason["milestone_bonus"] == Decimal("40.00")


def test_termination_does_not_pay_the_flat_fee_twice(launched: World) -> None:
    make_ready(launched.creator)
    publish(launched, Deliverable.objects.get(enrollment=launched.enrollment))
    terminate(launched)
    assert [p.reason for p in payouts(launched)] == ["flat_fee"]


def test_nothing_owed_records_no_termination_payout(launched: World) -> None:
    terminate(launched)  # nothing delivered, no clicks
    assert payouts(launched) == []


# --- refusals ---


def test_a_payout_in_another_currency_than_the_terms_is_refused(launched: World) -> None:
    other = "EUR" if currency(launched) != "EUR" else "GBP"
    with pytest.raises(PayoutInvalid, match="refused"):
        earning.payout_earn(
            enrollment=launched.enrollment,
            reason="clicks",
            amount=Decimal("5.00"),
            currency=other,
            explanation="x",
            key="clicks:x",
            expected_on=timezone.localdate(),
        )
    assert payouts(launched) == []


@pytest.mark.parametrize("amount", ["0.00", "-5.00", "0.004"])
def test_a_zero_or_negative_payout_is_never_created(launched: World, amount: str) -> None:
    with pytest.raises(PayoutInvalid):
        earning.payout_earn(
            enrollment=launched.enrollment,
            reason="clicks",
            amount=Decimal(amount),
            currency=currency(launched),
            explanation="x",
            key="clicks:x",
            expected_on=timezone.localdate(),
        )
    assert payouts(launched) == []


# --- readiness when earning ---


def test_a_creator_who_is_not_ready_earns_on_hold_with_what_to_do(launched: World) -> None:
    publish(launched, Deliverable.objects.get(enrollment=launched.enrollment))
    (payout,) = payouts(launched)
    assert payout.state == PayoutState.ON_HOLD
    assert payout.hold_reason == (
        READINESS_HOLD + "Add your payout details in the portal. Send your tax form."
    )


def test_without_the_readiness_policy_payouts_are_earned(launched: World) -> None:
    from payments.runs.schedule import schedule_for

    schedule_for(organization=launched.cast.org)
    PaymentSchedule.objects.filter(organization=launched.cast.org).update(require_readiness=False)
    publish(launched, Deliverable.objects.get(enrollment=launched.enrollment))
    (payout,) = payouts(launched)
    assert payout.state == PayoutState.EARNED and payout.hold_reason == ""
