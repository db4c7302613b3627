"""The figures audit: `manage.py audit_figures` and the nightly job find every figure that does
not add up, and find nothing when the real workflows made the figures."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from influencer_ops.tenancy import db_scope
from messaging.models import Notification
from organizations.models import Membership
from organizations.roles import Role
from payments import ledger
from payments.figures import checks
from payments.figures.checks import figures_violations
from payments.figures.tasks import audit_figures_all
from payments.models import Payout, PayoutState
from payments.payouts.delays import payout_delay_sweep
from programs.models import Deliverable
from tests.conftest import World, make_payout, make_ready
from tests.factories import CreatorProfileFactory, EnrollmentFactory
from tests.helpers import assert_constant_queries
from tests.payments.test_earning import (
    clicks,
    complete,
    launched,  # noqa: F401  (the fixture)
    publish,
    terms,
)
from tracking.models import MilestoneReached

pytestmark = pytest.mark.django_db


def keys(world: World) -> list[str]:
    return [v.key for v in figures_violations(organization=world.cast.org)]


def audit(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit_figures", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def earn_the_fee(world: World) -> Payout:
    make_ready(world.creator)
    publish(world, Deliverable.objects.get(enrollment=world.enrollment))
    return Payout.objects.get(enrollment=world.enrollment, reason="flat_fee")


def test_figures_made_by_the_workflows_add_up(launched: World) -> None:  # noqa: F811
    fee = earn_the_fee(launched)
    for target in (PayoutState.SCHEDULED, PayoutState.PROCESSING, PayoutState.PAID):
        fee = ledger.payout_move(payout=fee, target=target, memo="run")
    terms(launched.enrollment, per_click_rate="0.05", click_milestone=1000, milestone_bonus="100")
    clicks(launched.enrollment, 1200)
    MilestoneReached.objects.create(
        organization=launched.cast.org,
        enrollment=launched.enrollment,
        milestone=1000,
        valid_clicks=1000,
        at=timezone.now(),
    )
    complete(launched)
    assert Payout.objects.filter(enrollment=launched.enrollment).count() == 3
    assert keys(launched) == []
    assert audit("--org", launched.cast.org.slug) == (0, "0 violations in 1 org(s).\n")


def test_a_payout_its_terms_do_not_give_is_found(launched: World) -> None:  # noqa: F811
    made_up = make_payout(launched, "200.00", "made-up")  # a flat fee, nothing published
    assert keys(launched) == [f"payout:{made_up.pk}:terms"]
    code, out = audit()
    assert code == 1
    assert f"Payout #{made_up.pk}" in out and "is 200.00 while the terms' flat fee is" in out


def test_a_processing_payout_in_a_finished_run_is_found(launched: World) -> None:  # noqa: F811
    fee = earn_the_fee(launched)
    for target in (PayoutState.SCHEDULED, PayoutState.PROCESSING):
        fee = ledger.payout_move(payout=fee, target=target, memo="run")
    assert f"payout:{fee.pk}:processing" in keys(launched)  # in no run at all


def test_a_late_payout_is_found_until_the_delay_sweep_flags_it(launched: World) -> None:  # noqa: F811
    fee = earn_the_fee(launched)
    yesterday = timezone.localdate() - timedelta(days=1)
    Payout.objects.filter(pk=fee.pk).update(expected_on=yesterday - timedelta(days=1))
    assert keys(launched) == [f"payout:{fee.pk}:delayed"]
    payout_delay_sweep(organization=launched.cast.org, today=timezone.localdate())
    assert keys(launched) == []


def test_a_reached_milestone_without_its_record_is_found(launched: World) -> None:  # noqa: F811
    terms(launched.enrollment, click_milestone=100)
    clicks(launched.enrollment, 150)
    assert f"enrollment:{launched.enrollment.pk}:milestone" in keys(launched)


def test_terms_that_lag_the_creators_milestone_are_found(launched: World) -> None:  # noqa: F811
    launched.program.click_milestone = None
    launched.program.save(update_fields=["click_milestone"])
    terms(launched.enrollment, click_milestone=1000)
    type(launched.creator).objects.filter(pk=launched.creator.pk).update(click_milestone=600)
    assert f"enrollment:{launched.enrollment.pk}:terms-milestone" in keys(launched)


def test_the_nightly_job_tells_each_admin_of_each_violation_once(
    launched: World,  # noqa: F811
) -> None:
    made_up = make_payout(launched, "200.00", "made-up")
    admins = [
        m.user for m in Membership.objects.filter(organization=launched.cast.org, role=Role.ADMIN)
    ]
    assert admins
    assert audit_figures_all() >= 1
    assert audit_figures_all() >= 1  # still there tomorrow: not announced again
    with db_scope(org_ids=[launched.cast.org.pk]):
        told = Notification.objects.filter(event_key=f"figures:payout:{made_up.pk}:terms")
        assert sorted(n.recipient_id for n in told) == sorted(a.pk for a in admins)


def test_the_command_refuses_an_unknown_org() -> None:
    with pytest.raises(CommandError):
        call_command("audit_figures", "--org", "nope")


def test_the_portal_check_finds_a_creator_whose_portal_disagrees(
    launched: World,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fee = earn_the_fee(launched)
    assert keys(launched) == []
    real = checks.creators_payouts

    def portal_missing_the_fee(**kwargs: Any) -> Any:
        return real(**kwargs).exclude(pk=fee.pk)

    monkeypatch.setattr(checks, "creators_payouts", portal_missing_the_fee)
    assert keys(launched) == [f"creator:{launched.creator.pk}:totals"]


def test_the_portal_check_reads_in_constant_queries(launched: World) -> None:  # noqa: F811
    def grow() -> None:
        for _ in range(5):
            creator = CreatorProfileFactory(organization=launched.cast.org)
            enrollment = EnrollmentFactory(
                organization=launched.cast.org, program=launched.program, creator=creator
            )
            make_payout(launched, "10.00", f"grow-{creator.pk}", enrollment=enrollment)

    found = assert_constant_queries(
        lambda: checks.portal_matches_staff(launched.cast.org, timezone.localdate()), grow=grow
    )
    assert found == []
