"""Starting a payment run: its preview (what it pays, holds and carries, and why) equals what
the run stages; a stale preview is refused; the run page lists its payouts and failures; the
progress never reads "0 of 0" for a run that pays; the API's preview gives the same figures."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from influencer_ops.errors import Conflict
from influencer_ops.templatetags.formatting import money
from influencer_ops.tenancy import dangerously_unscoped, db_scope
from organizations.models import Organization
from organizations.roles import Role
from payments.figures.checks import MONEY_FLOW_CHECKS, figures_violations
from payments.models import PaymentRun, PaymentSchedule, Payout, PayoutState
from payments.payouts import services as payouts
from payments.runs import providers
from payments.runs import services as runs
from payments.runs.schedule import schedule_for
from payments.runs.selectors import run_preview
from programs.recruiting import services as recruiting
from tests.conftest import World, confirm_and_launch, login_client, make_payout, make_ready
from tests.factories import member
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

SLUG = "northwind"
HOLD = "Waiting for the signed contract amendment."


@pytest.fixture(autouse=True)
def figures_add_up_afterwards() -> Iterator[None]:
    """Whatever a test did, the figures audit's money-flow checks find nothing."""
    yield
    with dangerously_unscoped():
        orgs = list(Organization.objects.all())
    for organization in orgs:
        with db_scope(org_ids=[organization.pk]):
            found = figures_violations(organization=organization, checks=MONEY_FLOW_CHECKS)
        assert found == [], found


def set_schedule(world: World, **fields: Any) -> None:
    schedule = schedule_for(organization=world.cast.org)
    PaymentSchedule.objects.filter(pk=schedule.pk).update(**fields)


@pytest.fixture
def launched(world: World) -> World:
    """Both creators confirmed in a launched program; Cara is ready to be paid."""
    confirm_and_launch(world)
    admin = world.cast.members[Role.ADMIN].user
    for state in ("accepted", "confirmed"):
        recruiting.enrollment_move(enrollment=world.other_enrollment, target=state, actor=admin)
    world.other_enrollment.refresh_from_db()
    make_ready(world.creator)
    return world


def admin_of(world: World) -> Any:
    return world.cast.members[Role.ADMIN]


def hold(payout: Payout, world: World) -> Payout:
    return payouts.payout_hold(payout=payout, actor=admin_of(world).user, reason=HOLD)


def page_url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": SLUG, **kwargs})


PREVIEW = f"/orgs/{SLUG}/payments/runs/preview/"
API = f"/api/v1/orgs/{SLUG}/payment-runs/"


def post(c: Client, url: str, data: Any = None) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return c.post(url, data or {})


def mixed(world: World) -> dict[str, Payout]:
    """Cara: 60 + 30 due and 15 on hold; the other creator (not ready): 40 waiting."""
    set_schedule(world, minimum_amount=Decimal("50.00"))
    found = {
        "due_a": make_payout(world, "60.00", "a"),
        "due_b": make_payout(world, "30.00", "b"),
        "held": make_payout(world, "15.00", "c"),
        "not_ready": make_payout(world, "40.00", "d", enrollment=world.other_enrollment),
    }
    found["held"] = hold(found["held"], world)
    return found


# --- the preview is what the run stages ---


def test_the_preview_equals_what_the_run_stages(launched: World) -> None:
    found = mixed(launched)
    preview = run_preview(organization=launched.cast.org)
    assert {p.payout_id for p in preview.paying} == {found["due_a"].pk, found["due_b"].pk}
    currency = found["due_a"].currency
    assert preview.count == 2 and preview.totals == {currency: Decimal("90.00")}
    held = {p.payout_id: p.reason for p in preview.held}
    assert held[found["held"].pk] == HOLD
    assert "no verified tax form" in held[found["not_ready"].pk]
    membership = admin_of(launched)
    run = runs.run_start(
        organization=launched.cast.org,
        actor=membership.user,
        membership=membership,
        fingerprint=preview.fingerprint,
    )
    runs.run_process(organization_id=run.organization_id, run_id=run.pk)
    run.refresh_from_db()
    staged = set(Payout.objects.filter(run=run).values_list("pk", flat=True))
    assert staged == {p.payout_id for p in preview.paying}
    assert run.total_count == preview.count
    assert run.totals == {c: str(t) for c, t in preview.totals.items()}
    assert Payout.objects.get(pk=found["held"].pk).state == PayoutState.ON_HOLD
    assert Payout.objects.get(pk=found["not_ready"].pk).state == PayoutState.EARNED


def test_a_total_below_the_minimum_is_carried_with_its_reason(launched: World) -> None:
    make_ready(launched.other_creator)
    set_schedule(launched, minimum_amount=Decimal("50.00"))
    small = make_payout(launched, "20.00", "s", enrollment=launched.other_enrollment)
    due = make_payout(launched, "70.00", "d")
    preview = run_preview(organization=launched.cast.org)
    assert [p.payout_id for p in preview.paying] == [due.pk]
    (carried,) = preview.carried
    assert carried.payout_id == small.pk and "Below the minimum" in carried.reason
    assert preview.held == []
    membership = admin_of(launched)
    run = runs.run_start(
        organization=launched.cast.org,
        actor=membership.user,
        membership=membership,
        fingerprint=preview.fingerprint,
    )
    runs.run_process(organization_id=run.organization_id, run_id=run.pk)
    assert list(Payout.objects.filter(run=run).values_list("pk", flat=True)) == [due.pk]


def test_a_payout_left_processing_by_an_earlier_run_is_in_the_preview(launched: World) -> None:
    lost = make_payout(launched, "25.00", "lost")
    providers.sandbox_timeout(organization_id=launched.cast.org.pk, payout_id=lost.pk)
    membership = admin_of(launched)
    first = runs.run_start(
        organization=launched.cast.org, actor=membership.user, membership=membership
    )
    runs.run_process(organization_id=first.organization_id, run_id=first.pk)
    assert Payout.objects.get(pk=lost.pk).state == PayoutState.PROCESSING
    preview = run_preview(organization=launched.cast.org)
    assert [p.payout_id for p in preview.paying] == [lost.pk] and preview.resent == 1
    page = login_client(membership.user).get(PREVIEW).content.decode()
    assert "1 left unfinished by an earlier run is sent again" in " ".join(page.split())


# --- the preview page and its confirmation ---


def test_the_preview_page_shows_what_is_paid_held_and_why(launched: World) -> None:
    found = mixed(launched)
    admin = login_client(admin_of(launched).user)
    list_page = admin.get(page_url("payment_run_list")).content.decode()
    assert f'href="{PREVIEW}">Start a payment run</a>' in list_page
    response = admin.get(PREVIEW)
    assert response.status_code == 200
    body = " ".join(response.content.decode().split())
    assert "<h1>Start a payment run</h1>" in body
    assert "2 payouts through the sandbox" in body
    assert "90.00" in body and "Held payouts (2)" in body and HOLD in body
    assert "The creator has no verified tax form yet." in body
    assert page_url("payout_detail", pk=found["held"].pk) in body
    assert page_url("enrollment_detail", pk=launched.other_enrollment.pk) in body
    assert 'name="fingerprint"' in body and "Confirm and start the run" in body
    assert not PaymentRun.objects.exists()  # looking starts nothing


def test_confirming_the_preview_starts_the_run_and_lists_its_payouts(launched: World) -> None:
    found = mixed(launched)
    admin = login_client(admin_of(launched).user)
    fingerprint = admin.get(PREVIEW).context["preview"].fingerprint
    response = post(admin, PREVIEW, {"fingerprint": fingerprint})
    run = PaymentRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_url("payment_run_detail", pk=run.pk)
    detail = " ".join(admin.get(response["Location"]).content.decode().split())
    assert "The run's payouts (2)" in detail and "Payouts done: 2 of 2 (100%)" in detail
    for payout in (found["due_a"], found["due_b"]):
        assert f'href="{page_url("payout_detail", pk=payout.pk)}">#{payout.pk}</a>' in detail
    assert page_url("enrollment_detail", pk=launched.enrollment.pk) in detail
    assert detail.count(">Paid</span>") == 2


def test_a_stale_preview_is_refused_and_the_new_one_shown(launched: World) -> None:
    found = mixed(launched)
    admin = login_client(admin_of(launched).user)
    old = admin.get(PREVIEW).context["preview"].fingerprint
    payouts.payout_release(payout=found["held"], actor=admin_of(launched).user)
    response = post(admin, PREVIEW, {"fingerprint": old})
    assert response.status_code == 409
    body = response.content.decode()
    assert 'role="alert"' in body and "changed since this preview" in body
    fresh = response.context["preview"]
    assert fresh.fingerprint != old and fresh.count == 3
    assert not PaymentRun.objects.exists()
    # The API refuses the same way; the fresh fingerprint starts the run.
    stale = post(admin, f"{API}start/", {"fingerprint": old})
    assert stale.status_code == 409 and "changed since" in stale.json()["detail"]
    assert not PaymentRun.objects.exists()
    started = post(admin, f"{API}start/", {"fingerprint": fresh.fingerprint})
    assert started.status_code == 201, started.json()
    assert Payout.objects.filter(run_id=started.json()["id"]).count() == 3


def test_a_confirmation_without_a_preview_starts_nothing(launched: World) -> None:
    make_payout(launched, "60.00", "a")
    response = post(login_client(admin_of(launched).user), PREVIEW)
    assert response.status_code == 400 and "from its preview" in response.content.decode()
    assert not PaymentRun.objects.exists()


def test_an_approval_of_a_changed_run_is_refused(launched: World) -> None:
    set_schedule(launched, approval_threshold=Decimal("10.00"))
    make_payout(launched, "60.00", "a")
    starter = login_client(admin_of(launched).user)
    post(starter, PREVIEW, {"fingerprint": starter.get(PREVIEW).context["preview"].fingerprint})
    run = PaymentRun.objects.get(state=PaymentRun.State.AWAITING_APPROVAL)
    second = login_client(member(launched.cast.org, Role.ADMIN, email="a2@northwind.test").user)
    page = second.get(page_url("payment_run_detail", pk=run.pk))
    seen = page.context["preview"].fingerprint
    assert "Approving now pays 1 payout" in page.content.decode()
    make_payout(launched, "5.00", "late")
    action = page_url("payment_run_action", pk=run.pk, action="approve")
    refused = post(second, action, {"fingerprint": seen})
    assert refused.status_code == 302
    run.refresh_from_db()
    assert run.state == PaymentRun.State.AWAITING_APPROVAL
    api = f"{API}{run.pk}/approve/"
    assert post(second, api, {"fingerprint": seen}).status_code == 409
    fresh = second.get(page_url("payment_run_detail", pk=run.pk)).context["preview"]
    assert second.get(f"{API}preview/").json()["fingerprint"] == fresh.fingerprint
    post(second, action, {"fingerprint": fresh.fingerprint})
    run.refresh_from_db()
    assert run.state == PaymentRun.State.COMPLETED and run.paid_count == 2


def test_run_start_refuses_a_stale_fingerprint(launched: World) -> None:
    make_payout(launched, "60.00", "a")
    membership = admin_of(launched)
    with pytest.raises(Conflict, match="changed since this preview"):
        runs.run_start(
            organization=launched.cast.org,
            actor=membership.user,
            membership=membership,
            fingerprint="0" * 32,
        )
    assert not PaymentRun.objects.exists()


# --- who may preview and confirm ---


@pytest.mark.parametrize("role", [Role.ANALYST, Role.BRAND_MANAGER, Role.APPROVER])
def test_it_requires_a_payouts_role_to_preview(launched: World, role: str) -> None:
    c = launched.cast.client_for(role)
    assert c.get(PREVIEW).status_code == 403
    assert c.get(f"{API}preview/").status_code == 403


@pytest.mark.parametrize("role", [Role.ISM, Role.BSM])
def test_it_requires_an_admin_to_confirm(launched: World, role: str) -> None:
    make_payout(launched, "60.00", "a")
    c = launched.cast.client_for(role)
    assert f'href="{PREVIEW}"' in c.get(page_url("payment_run_list")).content.decode()
    page = c.get(PREVIEW)
    assert page.status_code == 200
    assert "Confirm and start the run" not in page.content.decode()
    assert "Only admins start payment runs." in page.content.decode()
    fingerprint = page.context["preview"].fingerprint
    assert post(c, PREVIEW, {"fingerprint": fingerprint}).status_code == 403
    assert post(c, f"{API}start/", {"fingerprint": fingerprint}).status_code == 403
    assert not PaymentRun.objects.exists()


def test_outsider_gets_404(launched: World) -> None:
    outsider = login_client(launched.cast.outsider.user)
    assert outsider.get(PREVIEW).status_code == 404
    assert outsider.get(f"{API}preview/").status_code == 404
    assert post(outsider, PREVIEW, {"fingerprint": "x"}).status_code == 404


# --- the API's preview ---


def test_the_api_preview_gives_the_same_figures(launched: World) -> None:
    found = mixed(launched)
    preview = run_preview(organization=launched.cast.org)
    data = launched.cast.client_for(Role.BSM).get(f"{API}preview/").json()
    currency = found["due_a"].currency
    assert data["count"] == 2 and data["totals"] == {currency: "90.00"}
    assert data["fingerprint"] == preview.fingerprint
    assert data["held_count"] == 2 and data["carried_count"] == 0
    assert data["minimum"] == "50.00"
    reasons = {row["payout_id"]: row["reason"] for row in data["held"]}
    assert reasons[found["held"].pk] == HOLD
    assert data["held"][0]["amount"] in {"15.00", "40.00"}


def test_the_schema_documents_the_preview(launched: World) -> None:
    response = launched.cast.client_for(Role.ADMIN).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/orgs/{org_slug}/payment-runs/preview/" in response.content
    assert b"RunPreview" in response.content and b"RunStart" in response.content


# --- query counts ---


def test_the_preview_page_issues_constant_queries(launched: World) -> None:
    admin = login_client(admin_of(launched).user)
    make_ready(launched.other_creator)
    set_schedule(launched, minimum_amount=Decimal("20.00"))
    count = iter(range(1000))

    def grow() -> None:
        for _ in range(6):
            n = next(count)
            make_payout(launched, "30.00", f"due-{n}")
            held = make_payout(launched, "30.00", f"held-{n}", enrollment=launched.other_enrollment)
            hold(held, launched)

    grow()
    body = assert_constant_queries(lambda: admin.get(PREVIEW), grow=grow)
    assert body.context["preview"].count == 12


def test_the_run_page_issues_constant_queries(launched: World) -> None:
    admin = login_client(admin_of(launched).user)
    membership = admin_of(launched)

    def run_with(count: int) -> PaymentRun:
        for n in range(count):
            make_payout(launched, "10.00", f"r{count}-{n}")
        run = runs.run_start(
            organization=launched.cast.org, actor=membership.user, membership=membership
        )
        runs.run_process(organization_id=run.organization_id, run_id=run.pk)
        return run

    small, big = run_with(2), run_with(12)
    pages = {"url": page_url("payment_run_detail", pk=small.pk)}

    def fetch() -> Any:
        return admin.get(pages["url"])

    def grow() -> None:
        pages["url"] = page_url("payment_run_detail", pk=big.pk)

    response = assert_constant_queries(fetch, grow=grow)
    assert response.context["payouts"].paginator.count == 12


# --- honest progress ---


def test_a_run_awaiting_approval_says_what_it_will_pay(launched: World) -> None:
    set_schedule(launched, approval_threshold=Decimal("10.00"))
    payout = make_payout(launched, "60.00", "a")
    admin = login_client(admin_of(launched).user)
    post(admin, PREVIEW, {"fingerprint": admin.get(PREVIEW).context["preview"].fingerprint})
    run = PaymentRun.objects.get()
    detail = " ".join(admin.get(page_url("payment_run_detail", pk=run.pk)).content.decode().split())
    shown = money(Decimal("60.00"), payout.currency)  # "$60.00"
    assert f"waits for a second admin's approval to pay {shown}" in detail
    assert "0 of 0" not in detail and "paid nothing" not in detail
    listing = admin.get(page_url("payment_run_list")).content.decode()
    assert "Not started: awaiting approval" in listing and "0 paid of 0" not in listing


def test_a_processing_run_that_has_not_gathered_its_payouts_says_so(launched: World) -> None:
    make_payout(launched, "60.00", "a")
    run = PaymentRun.objects.create(
        organization=launched.cast.org,
        state=PaymentRun.State.PROCESSING,
        trigger=PaymentRun.Trigger.SCHEDULE,
        provider="sandbox",
    )
    fragment = launched.cast.client_for(Role.ISM).get(page_url("payment_run_progress", pk=run.pk))
    body = fragment.content.decode()
    assert "Gathering the due payouts" in body
    assert "0 of 0" not in body and "paid nothing" not in body


def test_a_run_that_found_nothing_due_says_it_paid_nothing(launched: World) -> None:
    membership = admin_of(launched)
    run = runs.run_start(
        organization=launched.cast.org, actor=membership.user, membership=membership
    )
    runs.run_process(organization_id=run.organization_id, run_id=run.pk)
    body = login_client(membership.user).get(page_url("payment_run_detail", pk=run.pk))
    text = " ".join(body.content.decode().split())
    assert "it paid nothing" in text and "0 of 0" not in text


def test_the_status_lists_the_failing_payouts_with_their_reasons(launched: World) -> None:
    set_schedule(launched, max_failures=1)
    refused = make_payout(launched, "60.00", "a")
    make_payout(launched, "40.00", "b")
    providers.sandbox_fail(
        organization_id=launched.cast.org.pk, payout_id=refused.pk, error="Unknown account."
    )
    membership = admin_of(launched)
    run = runs.run_start(
        organization=launched.cast.org, actor=membership.user, membership=membership
    )
    runs.run_process(organization_id=run.organization_id, run_id=run.pk)
    fragment = launched.cast.client_for(Role.BSM).get(page_url("payment_run_progress", pk=run.pk))
    body = " ".join(fragment.content.decode().split())
    assert "1 paid · 1 failed · 1 put on hold" in body
    assert "Failing payouts (1 failed, 1 put on hold)" in body
    link = f'href="{page_url("payout_detail", pk=refused.pk)}">Payout #{refused.pk}</a>'
    assert body.count(link) == 2
    assert "failed: Unknown account." in body and "put on hold: Failed 1 times" in body
    assert "1 payout was put on hold after repeated failures" in body
    assert "retried in the next run" in body.split("any other")[1]
