"""Payouts everyone can see: the staff pages and API, the portal, notifications, corrections
(holds, releases, cancels, adjustments), compensation questions and the demo data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from influencer_ops.errors import Conflict
from influencer_ops.models import AuditEvent
from messaging.kinds import NotificationKind, Topic
from messaging.models import Notification, Request, Task
from organizations.roles import Role
from payments import ledger, notify
from payments.models import LedgerTransaction, Payout, PayoutState
from payments.payouts import services
from tests.conftest import World, confirm_and_launch, login_client, make_payout
from tests.helpers import assert_constant_queries


def pay(payout: Payout) -> Payout:
    for target in (PayoutState.SCHEDULED, PayoutState.PROCESSING):
        payout = ledger.payout_move(payout=payout, target=target)
    return ledger.payout_move(payout=payout, target=PayoutState.PAID, paid_at=timezone.now())


@pytest.fixture
def launched(world: World) -> World:
    confirm_and_launch(world)
    return world


@pytest.fixture
def both_launched(launched: World) -> World:
    from programs.recruiting import services as recruiting

    admin = launched.cast.members[Role.ADMIN].user
    for state in ("accepted", "confirmed"):
        recruiting.enrollment_move(enrollment=launched.other_enrollment, target=state, actor=admin)
    launched.other_enrollment.refresh_from_db()
    return launched


def list_url(world: World) -> str:
    return f"/orgs/{world.cast.org.slug}/payments/payouts/"


def listed(response: Any) -> list[Payout]:
    """The payouts on the list page's current page, in order."""
    return [row.record for row in response.context["listing"].page.object_list]


def detail_url(world: World, payout: Payout) -> str:
    return f"{list_url(world)}{payout.pk}/"


# --- staff pages ---


@pytest.mark.parametrize("role", [Role.BRAND_MANAGER, Role.APPROVER, Role.ANALYST])
def test_it_requires_a_payout_viewer(launched: World, role: str) -> None:
    payout = new_payout(launched)
    client = launched.cast.client_for(role)
    assert client.get(list_url(launched)).status_code == 403
    assert client.get(detail_url(launched, payout)).status_code == 403


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ISM, Role.BSM])
def test_payout_viewers_see_the_list_and_the_detail(launched: World, role: str) -> None:
    payout = new_payout(launched)
    client = launched.cast.client_for(role)
    page = client.get(list_url(launched))
    assert page.status_code == 200
    assert "100.00" in page.content.decode()
    detail = client.get(detail_url(launched, payout)).content.decode()
    assert "payable:earned" in detail and "payout.earned" in detail
    can_act = role != Role.ISM
    assert (f"/payments/payouts/{payout.pk}/hold/" in detail) is can_act


def test_outsider_gets_404(launched: World) -> None:
    payout = new_payout(launched)
    outsider = login_client(launched.cast.outsider.user)
    assert outsider.get(list_url(launched)).status_code == 404
    # Their own org's URL with our payout's id: not found either.
    own = f"/orgs/{launched.cast.outsider_org.slug}/payments/payouts/{payout.pk}/"
    assert outsider.get(own).status_code == 404
    assert outsider.post(own + "cancel/", {"cancel-reason": "x"}).status_code == 404
    payout.refresh_from_db()
    assert payout.state == PayoutState.EARNED


def test_the_list_filters_and_totals_by_currency_and_state(both_launched: World) -> None:
    world = both_launched
    first = new_payout(world, "100.00", "a")
    new_payout(world, "50.00", "b")
    pay(new_payout(world, "30.00", "c", enrollment=world.other_enrollment))
    client = world.cast.client_for(Role.BSM)
    page = client.get(list_url(world))
    totals = {(t.currency, t.state): (t.count, t.amount) for t in page.context["totals"]}
    currency = first.currency
    assert totals == {
        (currency, "earned"): (2, Decimal("150.00")),
        (currency, "paid"): (1, Decimal("30.00")),
    }
    paid = client.get(list_url(world), {"state": "paid"})
    assert [p.amount for p in listed(paid)] == [Decimal("30.00")]
    mine = client.get(list_url(world), {"creator": world.creator.pk})
    assert {p.creator_id for p in listed(mine)} == {world.creator.pk}
    program = client.get(list_url(world), {"program": world.program.pk})
    assert len(listed(program)) == 3


def test_the_list_runs_the_same_number_of_queries_for_2_or_20_payouts(
    both_launched: World,
) -> None:
    world = both_launched
    for n in range(2):
        new_payout(world, key=f"few-{n}")
    client = world.cast.client_for(Role.BSM)

    def grow() -> None:
        for n in range(18):
            enrollment = world.enrollment if n % 2 else world.other_enrollment
            new_payout(world, key=f"many-{n}", enrollment=enrollment)

    response = assert_constant_queries(lambda: client.get(list_url(world)), grow=grow)
    assert response.status_code == 200
    assert Payout.objects.count() == 20


def test_bsm_adjusts_an_earned_payout_with_a_balanced_ledger_transaction(launched: World) -> None:
    payout = new_payout(launched)
    client = launched.cast.client_for(Role.BSM)
    response = client.post(
        detail_url(launched, payout) + "adjust/",
        {"amount": "120.50", "explanation": "Flat fee plus the extra story"},
    )
    assert response.status_code == 302
    payout.refresh_from_db()
    assert payout.amount == Decimal("120.50")
    assert payout.explanation == "Flat fee plus the extra story"
    adjustment = LedgerTransaction.objects.get(payout=payout, from_state="earned")
    entries = {e.account: e.amount for e in adjustment.entries.all()}
    assert entries == {"expense": Decimal("20.50"), "payable:earned": Decimal("-20.50")}
    balances = ledger.ledger_balances(organization_id=payout.organization_id)
    assert balances[("payable:earned", payout.currency)] == Decimal("-120.50")
    event = AuditEvent.objects.get(verb="payout.adjusted", target_id=str(payout.pk))
    assert event.before["amount"] == "100.00" and event.after["amount"] == "120.50"
    # The adjustment is audited once, as an adjustment, not as another state move.
    assert AuditEvent.objects.filter(target_id=str(payout.pk), verb="payout.earned").count() == 1


def test_lowering_an_amount_books_the_difference_back(launched: World) -> None:
    payout = new_payout(launched)
    services.payout_adjust(
        payout=payout, actor=launched.cast.members[Role.BSM].user, amount=Decimal("80")
    )
    balances = ledger.ledger_balances(organization_id=payout.organization_id)
    assert balances[("expense", payout.currency)] == Decimal("80.00")
    assert balances[("payable:earned", payout.currency)] == Decimal("-80.00")


def test_a_paid_payout_cannot_be_adjusted(launched: World) -> None:
    payout = pay(new_payout(launched))
    client = launched.cast.client_for(Role.ADMIN)
    response = client.post(detail_url(launched, payout) + "adjust/", {"amount": "10.00"})
    assert response.status_code == 409
    assert "can no longer be changed" in response.content.decode()
    payout.refresh_from_db()
    assert payout.amount == Decimal("100.00")
    with pytest.raises(Conflict):
        services.payout_adjust(payout=payout, actor=None, amount="5")


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_a_zero_or_negative_amount_is_refused(launched: World, amount: str) -> None:
    payout = new_payout(launched)
    client = launched.cast.client_for(Role.BSM)
    response = client.post(detail_url(launched, payout) + "adjust/", {"amount": amount})
    assert response.status_code == 400
    with pytest.raises(ledger.PayoutInvalid):
        services.payout_adjust(payout=payout, actor=None, amount=amount)
    payout.refresh_from_db()
    assert payout.amount == Decimal("100.00")


def test_the_currency_stays_the_terms_currency(launched: World) -> None:
    payout = new_payout(launched)
    other = "EUR" if payout.currency != "EUR" else "USD"
    with pytest.raises(ledger.PayoutInvalid, match="stays so"):
        services.payout_adjust(payout=payout, actor=None, amount="5", currency=other)


def test_the_ism_cannot_act_on_a_payout(launched: World) -> None:
    payout = new_payout(launched)
    client = launched.cast.client_for(Role.ISM)
    url = detail_url(launched, payout)
    assert client.post(url + "adjust/", {"amount": "1"}).status_code == 403
    assert client.post(url + "hold/", {"hold-reason": "x"}).status_code == 403


def test_hold_tells_the_creator_and_release_and_cancel_follow_the_rules(
    launched: World, django_capture_on_commit_callbacks: Any
) -> None:
    payout = new_payout(launched)
    client = launched.cast.client_for(Role.BSM)
    url = detail_url(launched, payout)
    assert client.post(url + "hold/", {"hold-reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "hold/", {"hold-reason": "Your tax form is missing."})
    assert response.status_code == 302
    payout.refresh_from_db()
    assert (payout.state, payout.hold_reason) == ("on_hold", "Your tax form is missing.")
    note = Notification.objects.get(recipient=launched.creator.user, kind=NotificationKind.PAYOUT)
    assert "on hold" in note.title and "Your tax form is missing." in note.body
    assert client.post(url + "release/").status_code == 302
    payout.refresh_from_db()
    assert (payout.state, payout.hold_reason) == ("earned", "")
    assert client.post(url + "cancel/", {"cancel-reason": "Entered twice"}).status_code == 302
    payout.refresh_from_db()
    assert payout.state == "cancelled"
    assert client.post(url + "release/").status_code == 409
    memo = LedgerTransaction.objects.get(payout=payout, to_state="cancelled").memo
    assert memo == "Entered twice"


# --- notifications ---


def test_notifications_are_sent_once_per_payout_and_event(launched: World) -> None:
    payout = new_payout(launched, "75.00")
    org_id = payout.organization_id
    expected = timezone.localdate()
    payout = ledger.payout_move(payout=payout, target=PayoutState.SCHEDULED, expected_on=expected)
    for _ in range(2):
        notify.payouts_scheduled(organization_id=org_id, payout_ids=[payout.pk])
    payout = ledger.payout_move(payout=payout, target=PayoutState.PROCESSING)
    payout = ledger.payout_move(payout=payout, target=PayoutState.PAID, paid_at=timezone.now())
    for _ in range(2):
        notify.payouts_paid(organization_id=org_id, payout_ids=[payout.pk])
    notes = Notification.objects.filter(
        recipient=launched.creator.user, kind=NotificationKind.PAYOUT
    ).order_by("pk")
    titles = [n.title for n in notes]
    currency = payout.currency
    assert titles == [
        f"Your payout of 75.00 {currency} is scheduled for {expected:%Y-%m-%d}",
        f"Your payout of 75.00 {currency} was paid on {timezone.localdate():%Y-%m-%d}",
    ]
    assert all(n.url == "/portal/payouts/" for n in notes)


def test_held_notifications_say_why_and_what_to_do_by_email(
    launched: World, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    payout = new_payout(launched)
    payout = ledger.payout_move(
        payout=payout, target=PayoutState.ON_HOLD, hold_reason="Add your bank details."
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify.payouts_held(organization_id=payout.organization_id, payout_ids=[payout.pk])
        notify.payouts_held(organization_id=payout.organization_id, payout_ids=[payout.pk])
    note = Notification.objects.get(kind=NotificationKind.PAYOUT)
    assert "Add your bank details." in note.body and "payout details" in note.body
    assert [m.to for m in mail.outbox] == [[launched.creator.user.email]]


# --- portal ---


def test_the_portal_shows_the_creators_own_payouts_only(both_launched: World) -> None:
    world = both_launched
    mine = ledger.payout_move(
        payout=new_payout(world, "100.00", "mine"),
        target=PayoutState.ON_HOLD,
        hold_reason="Upload your W-8BEN.",
    )
    Payout.objects.filter(pk=mine.pk).update(delayed_at=timezone.now())
    new_payout(world, "333.00", "theirs", enrollment=world.other_enrollment)
    page = world.creator_client().get("/portal/payouts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "100.00" in html and "Upload your W-8BEN." in html and "Delayed" in html
    assert "333.00" not in html
    assert "/portal/payouts/" in world.creator_client().get("/portal/").content.decode()


def test_staff_are_not_creators_in_the_portal(launched: World) -> None:
    response = launched.cast.client_for(Role.BSM).get("/portal/payouts/")
    assert response.status_code == 403


# --- API ---


def test_the_api_lists_filters_and_shows_money_as_strings(both_launched: World) -> None:
    world = both_launched
    payout = new_payout(world, "100.00", "a")
    pay(new_payout(world, "30.00", "c", enrollment=world.other_enrollment))
    client = world.cast.client_for(Role.ISM)
    url = f"/api/v1/orgs/{world.cast.org.slug}/payouts/"
    body = client.get(url).json()
    assert len(body["results"]) == 2 and "count" not in body  # by cursor: no count(*)
    assert body["next"] is None
    earned = client.get(url, {"state": "earned"}).json()["results"]
    assert [(p["id"], p["amount"]) for p in earned] == [(payout.pk, "100.00")]
    assert len(client.get(url, {"creator": world.other_creator.pk}).json()["results"]) == 1
    assert len(client.get(url, {"program": world.program.pk}).json()["results"]) == 2
    assert client.get(url, {"state": "nope"}).status_code == 400
    assert client.get(f"{url}{payout.pk}/").json()["currency"] == payout.currency


def test_the_api_requires_a_payout_viewer_and_a_manager_to_patch(launched: World) -> None:
    payout = new_payout(launched)
    url = f"/api/v1/orgs/{launched.cast.org.slug}/payouts/{payout.pk}/"
    assert launched.cast.client_for(Role.ANALYST).get(url).status_code == 403
    ism = launched.cast.client_for(Role.ISM)
    assert ism.patch(url, {"amount": "5.00"}, content_type="application/json").status_code == 403
    outsider = login_client(launched.cast.outsider.user)
    assert outsider.get(url).status_code == 404
    own = f"/api/v1/orgs/{launched.cast.outsider_org.slug}/payouts/{payout.pk}/"
    assert outsider.get(own).status_code == 404


def test_the_api_patch_adjusts_and_answers_409_when_paid(launched: World) -> None:
    payout = new_payout(launched)
    url = f"/api/v1/orgs/{launched.cast.org.slug}/payouts/{payout.pk}/"
    bsm = launched.cast.client_for(Role.BSM)
    response = bsm.patch(
        url, {"amount": "110.00", "explanation": "Fee + story"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert (response.json()["amount"], response.json()["explanation"]) == ("110.00", "Fee + story")
    zero = bsm.patch(url, {"amount": "0"}, content_type="application/json")
    assert zero.status_code == 400
    pay(payout)
    paid = bsm.patch(url, {"amount": "1.00"}, content_type="application/json")
    assert paid.status_code == 409


def test_creators_read_their_own_payouts_from_the_api(both_launched: World) -> None:
    world = both_launched
    mine = new_payout(world, "100.00", "mine")
    theirs = new_payout(world, "333.00", "theirs", enrollment=world.other_enrollment)
    client = world.creator_client()
    body = client.get("/api/v1/me/payouts/").json()
    assert [(p["id"], p["amount"]) for p in body["results"]] == [(mine.pk, "100.00")]
    assert client.get(f"/api/v1/me/payouts/{mine.pk}/").json()["program_name"] == "Spring Glow"
    assert client.get(f"/api/v1/me/payouts/{theirs.pk}/").status_code == 404
    assert world.cast.client_for(Role.BSM).get("/api/v1/me/payouts/").status_code == 403


# --- compensation questions ---


def test_a_compensation_question_names_the_payout_and_goes_to_the_bsm(launched: World) -> None:
    payout = new_payout(launched)
    client = launched.creator_client()
    form = client.get("/portal/requests/new/?topic=compensation").content.decode()
    assert 'name="payout"' in form and "100.00" in form
    response = client.post(
        "/portal/requests/new/",
        {"topic": Topic.COMPENSATION, "payout": payout.pk, "text": "When is this paid?"},
    )
    assert response.status_code == 302
    request = Request.objects.get()
    assert (request.payout_id, request.enrollment_id) == (payout.pk, launched.enrollment.pk)
    assert request.routed_role == "bsm"
    task = Task.objects.get(source_request=request)
    assert task.owner_role == "bsm"
    page = launched.cast.client_for(Role.BSM).get(
        f"/orgs/{launched.cast.org.slug}/desk/tasks/{task.pk}/"
    )
    html = page.content.decode()
    assert f"/payments/payouts/{payout.pk}/" in html and "100.00" in html


def test_a_question_cannot_name_someone_elses_payout(both_launched: World) -> None:
    new_payout(both_launched, key="mine")
    theirs = new_payout(both_launched, key="theirs", enrollment=both_launched.other_enrollment)
    response = both_launched.creator_client().post(
        "/portal/requests/new/",
        {"topic": Topic.COMPENSATION, "payout": theirs.pk, "text": "Mine?"},
    )
    assert response.status_code == 400
    assert not Request.objects.exists()


def test_a_payout_only_goes_with_a_compensation_question(launched: World) -> None:
    payout = new_payout(launched)
    response = launched.creator_client().post(
        "/portal/requests/new/",
        {"topic": Topic.OTHER, "payout": payout.pk, "text": "Hello"},
    )
    assert response.status_code == 400
    assert not Request.objects.exists()


def test_the_api_attaches_the_payout_to_a_compensation_question(both_launched: World) -> None:
    mine = new_payout(both_launched, key="mine")
    theirs = new_payout(both_launched, key="theirs", enrollment=both_launched.other_enrollment)
    client = both_launched.creator_client()
    url = "/api/v1/me/requests/"
    body = {"topic": Topic.COMPENSATION, "text": "When?", "payout": theirs.pk}
    assert client.post(url, body, content_type="application/json").status_code == 404
    wrong_topic = {"topic": Topic.OTHER, "text": "Hi", "payout": mine.pk}
    assert client.post(url, wrong_topic, content_type="application/json").status_code == 400
    assert not Request.objects.exists()
    body["payout"] = mine.pk
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["payout"] == mine.pk and response.json()["routed_role"] == "bsm"
    assert Request.objects.get().enrollment_id == both_launched.enrollment.pk


# --- demo data ---


def new_payout(world: World, amount: str = "100.00", key: str = "k1", **fields: Any) -> Payout:
    return make_payout(world, amount, key, **({"explanation": "Flat fee"} | fields))
