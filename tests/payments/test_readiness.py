"""Payout readiness: details and tax forms, who may decide, the holds it puts on and releases,
and its pages (portal and staff), with every refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from influencer_ops.errors import Conflict, Forbidden
from influencer_ops.models import AuditEvent
from organizations.roles import Role
from payments import ledger
from payments.models import Payout, PayoutDetails, PayoutReason, PayoutState, TaxForm
from payments.readiness import services as readiness
from tests.conftest import World, confirm_and_launch, login_client, make_creator
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

IBAN = "DE89 3704 0044 0532 0130 00"


@pytest.fixture
def launched(world: World) -> World:
    confirm_and_launch(world)
    return world


def details(world: World, **fields: str) -> PayoutDetails:
    values = {"method": "bank", "account_name": "Cara Creator", "account_identifier": IBAN} | fields
    return readiness.payout_details_set(creator=world.creator, actor=world.creator.user, **values)


def submit(world: World) -> TaxForm:
    return readiness.tax_form_submit(
        creator=world.creator, actor=world.creator.user, kind="w9", reference="…1234"
    )


def held(world: World, key: str, reason: str = "", failures: int = 0) -> Payout:
    enrollment = world.enrollment
    return ledger.payout_record(
        payout=Payout(
            organization_id=enrollment.organization_id,
            enrollment=enrollment,
            creator_id=enrollment.creator_id,
            terms_version_id=enrollment.terms_version_id,
            amount=Decimal("10.00"),
            currency=enrollment.terms_version.snapshot["currency"],
            reason=PayoutReason.CLICKS,
            state=PayoutState.ON_HOLD,
            hold_reason=reason or readiness.READINESS_HOLD + "Send your tax form.",
            failure_count=failures,
            earn_key=key,
        )
    )


def verify(world: World, form: TaxForm, role: str = Role.BSM) -> TaxForm:
    membership = world.cast.members[role]
    return readiness.tax_form_verify(tax_form=form, actor=membership.user, membership=membership)


# --- the rules ---


def test_readiness_says_what_is_missing_step_by_step(world: World) -> None:
    creator = world.creator
    assert readiness.creator_readiness(creator) == (
        False,
        ["Add your payout details in the portal.", "Send your tax form."],
    )
    details(world)
    form = submit(world)
    assert readiness.creator_readiness(creator) == (
        False,
        ["Your tax form is awaiting verification."],
    )
    bsm = world.cast.members[Role.BSM]
    readiness.tax_form_reject(tax_form=form, actor=bsm.user, membership=bsm, note="Unsigned.")
    assert readiness.creator_readiness(creator)[1] == [
        "Your tax form was rejected: send a new one."
    ]
    verify(world, submit(world))
    assert readiness.creator_readiness(creator) == (True, [])
    creator.refresh_from_db()
    assert creator.payout_ready is True
    assert AuditEvent.objects.filter(verb="creator.payout_ready").count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"account_name": "  "}, "account_name"),
        ({"account_identifier": "123"}, "account_identifier"),
        ({"account_identifier": "1" * 65}, "account_identifier"),
        ({"method": "paypal", "account_identifier": "not-an-email"}, "account_identifier"),
        ({"method": "cash"}, "method"),
    ],
)
def test_invalid_payout_details_are_refused(world: World, fields: dict, field: str) -> None:
    with pytest.raises(readiness.ReadinessInvalid) as refused:
        details(world, **fields)
    assert field in refused.value.errors
    assert not PayoutDetails.objects.exists()


def test_details_are_stored_clean_and_audited_masked(world: World) -> None:
    saved = details(world)
    assert saved.account_identifier == "DE89370400440532013000"
    assert saved.masked == "•••• 3000"
    paypal = details(world, method="paypal", account_identifier="cara@pay.example")
    assert paypal.pk == saved.pk and paypal.method == "paypal"
    events = AuditEvent.objects.filter(verb="payout_details.set")
    assert events.count() == 2
    assert all("DE8937" not in str(e.after) + str(e.before) for e in events)


def test_only_the_creator_sets_their_details_and_sends_forms(world: World) -> None:
    staff = world.cast.members[Role.ADMIN].user
    with pytest.raises(Forbidden):
        readiness.payout_details_set(
            creator=world.creator,
            actor=staff,
            method="bank",
            account_name="X",
            account_identifier=IBAN,
        )
    with pytest.raises(Forbidden):
        readiness.tax_form_submit(creator=world.creator, actor=staff, kind="w9", reference="1")


@pytest.mark.parametrize("role", [Role.ANALYST, Role.BRAND_MANAGER, Role.ISM, Role.APPROVER])
def test_only_admins_and_bsms_decide_on_tax_forms(world: World, role: str) -> None:
    form = submit(world)
    with pytest.raises(Forbidden):
        verify(world, form, role)
    membership = world.cast.members[role]
    with pytest.raises(Forbidden):
        readiness.tax_form_reject(
            tax_form=form, actor=membership.user, membership=membership, note="x"
        )
    form.refresh_from_db()
    assert form.state == TaxForm.State.RECEIVED


def test_an_outsider_cannot_decide_and_a_decision_is_final(world: World) -> None:
    form = submit(world)
    outsider = world.cast.outsider
    with pytest.raises(Forbidden):
        readiness.tax_form_verify(tax_form=form, actor=outsider.user, membership=outsider)
    verify(world, form, Role.ADMIN)
    with pytest.raises(Conflict):
        verify(world, form)
    bsm = world.cast.members[Role.BSM]
    with pytest.raises(readiness.ReadinessInvalid):
        readiness.tax_form_reject(tax_form=submit(world), actor=bsm.user, membership=bsm, note=" ")


def test_becoming_ready_releases_readiness_holds_only(launched: World) -> None:
    waiting = held(launched, "a")
    failed = held(launched, "b", failures=3)  # held after max_failures: stays for the BSM
    by_hand = held(launched, "c", reason="Held by the BSM: checking the invoice.")
    details(launched)
    waiting.refresh_from_db()
    assert waiting.state == PayoutState.ON_HOLD
    assert waiting.hold_reason == readiness.READINESS_HOLD + "Send your tax form."
    form = submit(launched)
    waiting.refresh_from_db()
    assert waiting.hold_reason.endswith("Your tax form is awaiting verification.")
    verify(launched, form)
    waiting.refresh_from_db()
    assert waiting.state == PayoutState.EARNED and waiting.hold_reason == ""
    assert waiting.expected_on is not None
    for still in (failed, by_hand):
        still.refresh_from_db()
        assert still.state == PayoutState.ON_HOLD


# --- the portal page ---

PORTAL = "/portal/payout-details/"


def test_the_portal_page_sets_details_and_shows_them_masked(world: World) -> None:
    client = world.creator_client()
    response = client.get(PORTAL)
    assert response.status_code == 200
    assert b"Add your payout details in the portal." in response.content
    response = client.post(
        PORTAL,
        {
            "action": "details",
            "details-method": "bank",
            "details-account_name": "Cara Creator",
            "details-account_identifier": IBAN,
        },
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "•••• 3000" in body and "DE89370400440532013000" not in body
    assert "Payout details saved" in body


def test_the_portal_page_shows_errors_next_to_fields(world: World) -> None:
    response = world.creator_client().post(
        PORTAL,
        {
            "action": "details",
            "details-method": "paypal",
            "details-account_name": "Cara",
            "details-account_identifier": "no-email",
        },
    )
    assert response.status_code == 400
    assert "PayPal needs the account" in response.content.decode()
    assert not PayoutDetails.objects.exists()


def test_the_portal_page_sends_a_tax_form(world: World) -> None:
    response = world.creator_client().post(
        PORTAL, {"action": "tax_form", "tax-kind": "w8ben", "tax-reference": "9876"}, follow=True
    )
    assert response.status_code == 200
    assert b"Your tax form is awaiting verification." in response.content
    assert TaxForm.objects.get(creator=world.creator).kind == "w8ben"


def test_the_portal_page_shows_only_the_creators_own_data(world: World) -> None:
    PayoutDetails.objects.create(
        organization=world.cast.org,
        creator=world.other_creator,
        method="paypal",
        account_name="Olli",
        account_identifier="olli@pay.example",
    )
    response = world.creator_client().get(PORTAL)
    assert b"Olli" not in response.content and b".example" not in response.content
    assert world.creator_client().get(PORTAL + "?org=acme").status_code == 404


def test_a_creator_of_two_orgs_picks_one(world: World) -> None:
    from influencers.models import CreatorProfile

    CreatorProfile.objects.create(
        organization=world.cast.outsider_org,
        user=world.creator.user,
        display_name="Cara",
        email="cara@example.test",
    )
    client = world.creator_client()
    assert b"?org=acme" in client.get(PORTAL).content
    response = client.get(PORTAL + "?org=acme")
    assert response.status_code == 200 and b"Getting paid by Acme" in response.content


def test_the_portal_page_is_for_creators(world: World) -> None:
    assert world.cast.client_for(Role.ADMIN).get(PORTAL).status_code == 403


# --- the staff page ---


def staff_url(world: World, slug: str = "northwind", pk: int | None = None) -> str:
    return reverse(
        "creator_payout_readiness", kwargs={"org_slug": slug, "pk": pk or world.creator.pk}
    )


def form_url(world: World, name: str, form: TaxForm) -> str:
    return reverse(
        name, kwargs={"org_slug": "northwind", "pk": world.creator.pk, "form_pk": form.pk}
    )


@pytest.mark.parametrize("role", [Role.ANALYST, Role.BRAND_MANAGER, Role.APPROVER])
def test_the_staff_page_requires_a_payout_role(world: World, role: str) -> None:
    assert world.cast.client_for(role).get(staff_url(world)).status_code == 403


def test_the_staff_page_shows_masked_details_and_decisions(world: World) -> None:
    details(world)
    submit(world)
    response = world.cast.client_for(Role.BSM).get(staff_url(world))
    body = response.content.decode()
    assert response.status_code == 200
    assert "•••• 3000" in body and "DE89370400440532013000" not in body
    assert "Verify" in body and "Reject" in body
    ism_body = world.cast.client_for(Role.ISM).get(staff_url(world)).content.decode()
    assert "Verify<" not in ism_body


def test_outsider_gets_404(world: World) -> None:
    outsider = login_client(world.cast.outsider.user)
    assert outsider.get(staff_url(world, slug="acme")).status_code == 404
    stranger = make_creator(world.cast.outsider_org, "Stan", "stan@example.test")
    bsm = world.cast.client_for(Role.BSM)
    assert bsm.get(staff_url(world, pk=stranger.pk)).status_code == 404


def test_verify_and_reject_from_the_staff_page(world: World) -> None:
    form = submit(world)
    client = world.cast.client_for(Role.BSM)
    response = client.post(form_url(world, "tax_form_reject", form), {f"reject-{form.pk}-note": ""})
    assert response.status_code == 400 and b"This field is required" in response.content
    assert (
        world.cast.client_for(Role.ISM).post(form_url(world, "tax_form_verify", form)).status_code
        == 403
    )
    response = client.post(form_url(world, "tax_form_verify", form), follow=True)
    assert response.status_code == 200 and b"verified" in response.content
    form.refresh_from_db()
    assert form.state == TaxForm.State.VERIFIED
    second = submit(world)
    client.post(
        form_url(world, "tax_form_reject", second), {f"reject-{second.pk}-note": "Blurry scan."}
    )
    second.refresh_from_db()
    assert second.state == TaxForm.State.REJECTED and second.note == "Blurry scan."


def test_the_creator_page_links_to_readiness(world: World) -> None:
    url = reverse("creator_detail", kwargs={"org_slug": "northwind", "pk": world.creator.pk})
    assert staff_url(world).encode() in world.cast.client_for(Role.BSM).get(url).content


def test_the_staff_page_runs_constant_queries(world: World) -> None:
    details(world)
    submit(world)
    client = world.cast.client_for(Role.BSM)

    def grow() -> None:
        for _ in range(4):
            verify(world, submit(world))

    assert_constant_queries(lambda: client.get(staff_url(world)), grow=grow)


def test_the_creator_hears_of_each_tax_form_decision_once(world: World) -> None:
    from messaging.models import Notification

    bsm = world.cast.members[Role.BSM]
    rejected = submit(world)
    readiness.tax_form_reject(tax_form=rejected, actor=bsm.user, membership=bsm, note="Unsigned.")
    verify(world, submit(world))
    notes = list(
        Notification.objects.filter(recipient=world.creator.user, kind="payout").order_by("pk")
    )
    assert [n.title for n in notes] == [
        "Your tax form (W-9 (US persons)) was rejected",
        "Your tax form (W-9 (US persons)) is verified",
    ]
    assert "Unsigned." in notes[0].body and notes[0].url == reverse("portal_payout_details")
    with pytest.raises(Conflict):
        verify(world, rejected)
    assert Notification.objects.filter(recipient=world.creator.user, kind="payout").count() == 2
