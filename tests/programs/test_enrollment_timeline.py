"""An enrollment's timeline, each side's: the team's page and API (brand-scoped roles for
their brands only), the creator's page and API (a whitelist: internal notes never appear),
click milestones and payouts among the events, pagination, and the refusals (404s)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.roles import Role
from programs.cases.services import case_act
from programs.models import CaseAction
from programs.timeline import selectors as timeline
from tests.conftest import World, login_client, make_payout
from tests.factories import MilestoneReachedFactory
from tests.helpers import assert_constant_queries
from tests.programs.test_cases import (  # noqa: F401  (the fixture)
    SECRET,
    act,
    active,
    membership_of,
    open_case,
    other_brand_manager,
    user_of,
)

# Every test starts from an active enrollment with amended terms (``test_cases.active``).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("active")]

Kind = CaseAction.Kind


def _story(world: World) -> None:
    """An amendment (in the fixture), a case with a message and an internal note, a click
    milestone and a payout."""
    case = open_case(world)
    act(world, case, Kind.MESSAGE, text="Please fix the spelling.")
    case_act(
        case=case,
        actor=user_of(world, Role.BSM),
        membership=membership_of(world, Role.BSM),
        kind=Kind.NOTE,
        text=SECRET,
    )
    MilestoneReachedFactory(
        organization=world.cast.org, enrollment=world.enrollment, milestone=1000, valid_clicks=1012
    )
    make_payout(world, amount="500.00")


def _staff_url(world: World, pk: int | None = None) -> str:
    pk = pk or world.enrollment.pk
    return reverse("enrollment_timeline", kwargs={"org_slug": world.cast.org.slug, "pk": pk})


def _creator_url(world: World, pk: int | None = None) -> str:
    return reverse("portal_enrollment_timeline", kwargs={"pk": pk or world.enrollment.pk})


def test_the_team_reads_every_event_in_sentences(world: World) -> None:
    _story(world)
    hub = reverse(
        "enrollment_detail", kwargs={"org_slug": world.cast.org.slug, "pk": world.enrollment.pk}
    )
    client = world.cast.client_for(Role.ADMIN)
    assert _staff_url(world) in client.get(hub).content.decode()
    html = client.get(_staff_url(world)).content.decode()
    assert "sent new terms" in html and "Fee: <del>" in html  # the amendment, what changed
    assert "Cara Creator accepted the invitation" in html and "Terms version" in html
    assert "confirmed Cara Creator in Spring Glow" in html
    assert "opened a case" in html and "sent a message on a case" in html
    assert "added an internal note to a case" in html  # the team sees its own notes
    assert SECRET in html and "Please fix the spelling." in html
    assert "Click milestone of 1,000 reached with 1,012 valid clicks" in html
    assert "recorded a payout as earned: 500.00 USD" in html
    assert "enrollment.invited" not in html


def test_the_creator_reads_their_timeline_without_the_teams_notes(world: World) -> None:
    _story(world)
    client = world.creator_client()
    invitation = client.get(reverse("portal_invitation", kwargs={"pk": world.enrollment.pk}))
    assert _creator_url(world) in invitation.content.decode()
    html = client.get(_creator_url(world)).content.decode()
    assert "Northwind sent new terms" in html and "Fee: <del>" in html
    assert "Cara Creator accepted the invitation" in html
    assert "Northwind sent a message on a case" in html and "Please fix the spelling." in html
    assert "Three posts for 500." in html  # the amendment's reason, under its line
    assert "Click milestone of 1,000 reached" in html
    assert "recorded a payout as earned" in html
    assert "internal note" not in html and SECRET not in html
    for role in (Role.ISM, Role.BSM, Role.ADMIN):  # the team, never a staff member's name
        assert str(user_of(world, role).display_name) not in html


def test_the_creators_timeline_keeps_only_whitelisted_fields(world: World) -> None:
    from influencer_ops.audit import AuditVerb, audit_record

    audit_record(
        organization=world.cast.org,
        actor=user_of(world, Role.ISM),
        verb=AuditVerb.SUBMISSION_REVIEWED,
        target=world.enrollment,
        before={"state": "submitted"},
        after={"state": "approved", "override_reason": "INTERNAL override", "memo": SECRET},
    )
    lines = timeline.enrollment_timeline(
        enrollment=world.enrollment, with_money=True, creator_view=True
    )[0:50]
    words = " ".join(f"{c.label} {c.old} {c.new}" for line in lines for c in line.changes)
    assert "approved" in words
    assert "INTERNAL" not in words and SECRET not in words and "Override" not in words


def test_another_creators_timeline_is_a_404(world: World) -> None:
    other = world.other_enrollment.pk
    client = world.creator_client()
    assert client.get(_creator_url(world, other)).status_code == 404
    assert client.get(f"/api/v1/me/enrollments/{other}/timeline/").status_code == 404
    assert client.get(f"/api/v1/me/enrollments/{world.enrollment.pk}/timeline/").status_code == 200


def test_a_brand_scoped_role_reads_only_its_brands_timelines(world: World) -> None:
    api = f"/api/v1/orgs/{world.cast.org.slug}/enrollments/{world.enrollment.pk}/timeline/"
    mine = world.cast.client_for(Role.BRAND_MANAGER)  # covers Lumen, the program's brand
    assert mine.get(_staff_url(world)).status_code == 200
    assert mine.get(api).status_code == 200
    elsewhere = login_client(other_brand_manager(world).user)  # covers Trailhead only
    assert elsewhere.get(_staff_url(world)).status_code == 404
    assert elsewhere.get(api).status_code == 404
    outsider = login_client(world.cast.outsider.user)
    assert outsider.get(api).status_code == 404
    assert world.creator_client().get(api).status_code in (403, 404)


def test_the_api_pages_the_timeline_newest_first(world: World) -> None:
    _story(world)
    client = world.creator_client()
    url = f"/api/v1/me/enrollments/{world.enrollment.pk}/timeline/"
    whole = client.get(url).json()
    first = client.get(url, {"limit": 2}).json()
    second = client.get(url, {"limit": 2, "offset": 2}).json()
    assert first["count"] == whole["count"] == len(whole["results"]) > 4
    assert [r["sentence"] for r in first["results"] + second["results"]] == [
        r["sentence"] for r in whole["results"][:4]
    ]
    ats = [r["at"] for r in whole["results"]]
    assert ats == sorted(ats, reverse=True)
    assert {"at", "actor", "sentence", "verb", "changes"} == set(whole["results"][0])
    assert all("note" not in r["verb"] for r in whole["results"])
    assert client.get(url, {"limit": "x"}).status_code == 400
    staff = world.cast.client_for(Role.ADMIN).get(
        f"/api/v1/orgs/{world.cast.org.slug}/enrollments/{world.enrollment.pk}/timeline/"
    )
    assert any(r["verb"] == "case.note" for r in staff.json()["results"])


def test_both_timelines_are_in_the_schema(world: World) -> None:
    client = world.cast.client_for(Role.ADMIN)
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert "/api/v1/me/enrollments/{id}/timeline/" in paths
    assert "/api/v1/orgs/{org_slug}/enrollments/{id}/timeline/" in paths
    assert "/api/v1/me/growth/" in paths


def test_the_timeline_costs_the_same_queries_however_long(world: World) -> None:
    client = world.cast.client_for(Role.ADMIN)
    creator = world.creator_client()
    _story(world)  # every kind of thing the events name, once (one query per kind)
    case = world.enrollment.cases.get()
    grown = iter(range(100))

    def grow() -> None:
        for _ in range(3):
            act(world, case, Kind.MESSAGE, text="One more thing.")
        MilestoneReachedFactory(
            organization=world.cast.org, enrollment=world.enrollment, milestone=5000 + next(grown)
        )
        make_payout(world, amount="20.00", key=f"grow-{next(grown)}")

    assert_constant_queries(
        lambda: (client.get(_staff_url(world)), creator.get(_creator_url(world))), grow=grow
    )
