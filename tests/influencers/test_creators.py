"""Creators: the desk roster (walls, roles, CSV import, milestone history), linking a creator's
login by e-mailed link, and the creator's own profile, availability and interests in the portal."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from influencer_ops.errors import Conflict, DomainError
from influencer_ops.models import AuditEvent
from influencers import services
from influencers.models import (
    Availability,
    CreatorLink,
    CreatorProfile,
    MilestoneChange,
    ProgramInterest,
    SocialHandle,
)
from messaging.kinds import TaskKind, Topic
from messaging.models import Request, Task
from organizations.roles import Role
from tests.conftest import Cast, World, login_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DESK_ROLES = {Role.ADMIN, Role.ISM, Role.BSM}
WRITE_ROLES = {Role.ADMIN, Role.ISM}
HEADER = (
    "display_name,email,categories,languages,location,rate_per_post,click_milestone,"
    "instagram,instagram_audience,tiktok,tiktok_audience,youtube,youtube_audience"
)
GOOD_CSV = "\n".join(
    [
        HEADER,
        'Ana Lima,ana@example.com,food;travel,Portuguese;English,"Lisbon, PT",250,1500,'
        "@analima,48000,,,analimacooks,12000",
        "Bo Chen,bo@example.com,Tech,English,,99.50,,bochen,1000,bo.tt,250000,,",
        "Cy Diaz,cy@example.com,,,,,,,,,,,",
    ]
)


def page(name: str, slug: str = "northwind", **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": slug, **kwargs})


def api(path: str = "", slug: str = "northwind") -> str:
    return f"/api/v1/orgs/{slug}/creators/{path}"


def add_creator(cast: Cast, name: str = "Dana Doe", email: str = "", **kwargs: Any) -> Any:
    return services.creator_create(
        organization=cast.org,
        actor=cast.members[Role.ISM].user,
        display_name=name,
        email=email or f"{name.split()[0].lower()}@example.test",
        **kwargs,
    )


@pytest.fixture
def creator(cast: Cast) -> CreatorProfile:
    return add_creator(
        cast,
        categories=["food"],
        internal_notes="Secret: prefers short briefs.",
        handles=[
            {"platform": "instagram", "handle": "@dana", "audience_size": 5000},
            {"platform": "tiktok", "handle": "dana.tt", "audience_size": 90000},
        ],
    )


def desk_pages(pk: int) -> list[tuple[str, bool]]:
    """(url, is it a read-only page?) for every desk creator page."""
    return [
        (page("creator_list"), True),
        (page("creator_detail", pk=pk), True),
        (page("creator_new"), False),
        (page("creator_import"), False),
        (page("creator_edit", pk=pk), False),
        (page("creator_milestone", pk=pk), False),
    ]


# --- walls and roles ---


def test_outsider_gets_404_on_every_creator_page(cast: Cast, creator: CreatorProfile) -> None:
    client = login_client(cast.outsider.user)
    for url, _read in desk_pages(creator.pk):
        assert client.get(url).status_code == 404, url
    for name in ("creator_invite", "creator_availability_add", "creator_interest_add"):
        assert client.post(page(name, pk=creator.pk)).status_code == 404, name
    # Through their own org's address, another org's creator is missing, not forbidden.
    for name in ("creator_detail", "creator_edit", "creator_milestone"):
        assert client.get(page(name, slug="acme", pk=creator.pk)).status_code == 404, name


def test_outsider_gets_404_on_every_creator_endpoint(cast: Cast, creator: CreatorProfile) -> None:
    client = login_client(cast.outsider.user)
    assert client.get(api()).status_code == 404
    assert client.get(api(f"{creator.pk}/")).status_code == 404
    created = client.post(
        api(), {"display_name": "X", "email": "x@example.test"}, content_type="application/json"
    )
    assert created.status_code == 404
    patched = client.patch(api(f"{creator.pk}/"), {"location": "X"}, "application/json")
    assert patched.status_code == 404
    imported = client.post(api("import/"), GOOD_CSV, content_type="text/csv")
    assert imported.status_code == 404
    assert client.get(api(f"{creator.pk}/", slug="acme")).status_code == 404
    assert (
        client.patch(api(f"{creator.pk}/", slug="acme"), {}, "application/json").status_code == 404
    )
    assert CreatorProfile.objects.filter(organization=cast.org).count() == 1


@pytest.mark.parametrize("role", sorted(Role.values))
def test_desk_creator_pages_require_a_desk_role(
    cast: Cast, creator: CreatorProfile, role: str
) -> None:
    client = cast.client_for(role)
    for url, is_read in desk_pages(creator.pk):
        allowed = role in (DESK_ROLES if is_read else WRITE_ROLES)
        assert client.get(url).status_code == (200 if allowed else 403), (role, url)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.BRAND_MANAGER, Role.BSM])
def test_only_ism_and_admin_may_change_creators(
    cast: Cast, creator: CreatorProfile, role: str
) -> None:
    client = cast.client_for(role)
    for name in ("creator_invite", "creator_availability_add", "creator_interest_add"):
        assert client.post(page(name, pk=creator.pk)).status_code == 403, name
    assert (
        client.post(
            api(), {"display_name": "X", "email": "x@x.test"}, "application/json"
        ).status_code
        == 403
    )
    assert (
        client.patch(api(f"{creator.pk}/"), {"location": "X"}, "application/json").status_code
        == 403
    )
    assert client.post(api("import/"), GOOD_CSV, content_type="text/csv").status_code == 403
    expected = 200 if role == Role.BSM else 403
    assert client.get(api()).status_code == expected


# --- the desk ---


def test_ism_adds_a_creator_with_handles(cast: Cast) -> None:
    client = cast.client_for(Role.ISM)
    response = client.post(
        page("creator_new"),
        {
            "display_name": "Eve Evans",
            "email": "EVE@Example.test",
            "categories": ["food", "travel"],
            "languages": "English, Spanish",
            "location": "Madrid",
            "rate_per_post": "120.00",
            "rate_currency": "eur",
            "click_milestone": "800",
            "internal_notes": "Met at a fair.",
            "instagram_handle": "@eve",
            "instagram_audience": "3000",
            "youtube_handle": "evecooks",
            "youtube_audience": "42000",
            "youtube_engagement": "3.5",
        },
    )
    assert response.status_code == 302
    profile = CreatorProfile.objects.get(organization=cast.org, email="eve@example.test")
    assert profile.languages == ["English", "Spanish"]
    assert profile.rate_currency == "EUR"
    assert profile.click_milestone == 800
    assert profile.max_audience == 42000
    assert sorted(profile.handles.values_list("platform", "handle")) == [
        ("instagram", "eve"),
        ("youtube", "evecooks"),
    ]
    assert AuditEvent.objects.filter(verb="creator.created", target_id=str(profile.pk)).exists()
    detail = client.get(response["Location"])
    assert b"evecooks" in detail.content and b"Met at a fair." in detail.content


def test_a_duplicate_email_is_refused_on_the_form(cast: Cast, creator: CreatorProfile) -> None:
    client = cast.client_for(Role.ISM)
    response = client.post(
        page("creator_new"),
        {
            "display_name": "Twin",
            "email": "DANA@example.test",
            "rate_currency": "USD",
            "click_milestone": "1000",
        },
    )
    assert response.status_code == 400
    assert b"already exists" in response.content
    assert CreatorProfile.objects.filter(organization=cast.org).count() == 1


def test_handle_services_keep_the_largest_audience(cast: Cast, creator: CreatorProfile) -> None:
    ism = cast.members[Role.ISM].user
    assert creator.max_audience == 90000
    services.handle_set(
        profile=creator, actor=ism, platform="youtube", handle="dana", audience_size=150000
    )
    creator.refresh_from_db()
    assert creator.max_audience == 150000
    services.handle_remove(profile=creator, actor=ism, platform="youtube")
    services.handle_remove(profile=creator, actor=ism, platform="tiktok")
    creator.refresh_from_db()
    assert creator.max_audience == 5000
    with pytest.raises(DomainError):
        services.handle_set(profile=creator, actor=ism, platform="myspace", handle="dana")


def test_editing_replaces_the_handles_and_keeps_the_milestone(
    cast: Cast, creator: CreatorProfile
) -> None:
    client = cast.client_for(Role.ADMIN)
    response = client.post(
        page("creator_edit", pk=creator.pk),
        {
            "display_name": "Dana D.",
            "email": creator.email,
            "rate_currency": "USD",
            "click_milestone": "1",  # ignored: the milestone changes with a reason only
            "instagram_handle": "dana",
            "instagram_audience": "7000",
        },
    )
    assert response.status_code == 302
    creator.refresh_from_db()
    assert creator.display_name == "Dana D."
    assert creator.click_milestone == 1000
    assert list(creator.handles.values_list("platform", flat=True)) == ["instagram"]
    assert creator.max_audience == 7000


def test_search_and_filters(cast: Cast, creator: CreatorProfile) -> None:
    add_creator(
        cast,
        "Finn Fox",
        categories=["tech"],
        handles=[{"platform": "youtube", "handle": "finnfox", "audience_size": 10}],
    )
    client = cast.client_for(Role.BSM)

    def names(**params: str) -> set[str]:
        response = client.get(page("creator_list"), params)
        assert response.status_code == 200
        return {n for n in ("Dana Doe", "Finn Fox") if n.encode() in response.content}

    assert names() == {"Dana Doe", "Finn Fox"}
    assert names(q="@finnf") == {"Finn Fox"}
    assert names(q="dana@") == {"Dana Doe"}
    assert names(category="food") == {"Dana Doe"}
    assert names(platform="youtube") == {"Finn Fox"}
    assert names(platform="tiktok", category="tech") == set()
    listed = client.get(api(), {"search": "finn"}).json()
    assert [c["display_name"] for c in listed["results"]] == ["Finn Fox"]


def test_creator_list_has_a_constant_number_of_queries(cast: Cast) -> None:
    client = cast.client_for(Role.ISM)

    def count_queries(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def grow_to(total: int) -> None:
        for i in range(CreatorProfile.objects.filter(organization=cast.org).count(), total):
            add_creator(
                cast,
                f"Creator {i:03d}",
                email=f"c{i}@example.test",
                categories=["food"],
                handles=[
                    {"platform": "instagram", "handle": f"c{i}", "audience_size": i},
                    {"platform": "tiktok", "handle": f"t{i}", "audience_size": i},
                ],
            )

    grow_to(5)
    few_page, few_api = count_queries(page("creator_list")), count_queries(api())
    grow_to(50)
    assert count_queries(page("creator_list")) == few_page
    assert count_queries(api()) == few_api
    assert len(client.get(api()).json()["results"]) == 50


# --- CSV import ---


def test_a_good_file_imports_every_row(cast: Cast) -> None:
    client = cast.client_for(Role.ISM)
    upload = SimpleUploadedFile("creators.csv", GOOD_CSV.encode(), content_type="text/csv")
    response = client.post(page("creator_import"), {"file": upload})
    assert response.status_code == 302
    profiles = {p.email: p for p in CreatorProfile.objects.filter(organization=cast.org)}
    assert set(profiles) == {"ana@example.com", "bo@example.com", "cy@example.com"}
    ana, bo = profiles["ana@example.com"], profiles["bo@example.com"]
    assert ana.categories == ["food", "travel"] and ana.languages == ["Portuguese", "English"]
    assert ana.location == "Lisbon, PT" and ana.rate_per_post == Decimal("250.00")
    assert ana.click_milestone == 1500 and ana.max_audience == 48000
    assert sorted(ana.handles.values_list("platform", "handle", "audience_size")) == [
        ("instagram", "analima", 48000),
        ("youtube", "analimacooks", 12000),
    ]
    assert bo.categories == ["tech"] and bo.click_milestone == 1000 and bo.max_audience == 250000
    assert bo.rate_currency == cast.org.default_currency
    assert AuditEvent.objects.filter(verb="creators.imported").count() == 1


def test_the_api_imports_a_csv_body(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    response = client.post(api("import/"), GOOD_CSV, content_type="text/csv")
    assert response.status_code == 201, response.content
    assert response.json() == {"ok": True, "rows": 3, "created": 3, "problems": []}
    assert CreatorProfile.objects.filter(organization=cast.org).count() == 3


BAD_ROWS = {
    3: ("email", "not-an-email"),
    4: ("rate_per_post", "cannot be negative"),
    5: ("instagram_audience", "not a whole number"),
    6: ("email", "also on line 2"),
    7: ("categories", "Unknown category"),
    8: ("email", "already exists"),
}


def _bad_csv() -> str:
    return "\n".join(
        [
            HEADER,
            "Good One,one@example.com,food,,,,,,,,,,",  # line 2: fine on its own
            "Bad Mail,not-an-email,,,,,,,,,,,",
            "Negative,neg@example.com,,,,-5,,,,,,,",
            "Audience,aud@example.com,,,,,,aud,lots,,,,",
            "Twice,ONE@example.com,,,,,,,,,,,",
            "Category,cat@example.com,food;knitting,,,,,,,,,,",
            "Known,dana@example.test,,,,,,,,,,,",
        ]
    )


def test_a_file_with_bad_rows_saves_nothing_and_reports_each_line(
    cast: Cast, creator: CreatorProfile
) -> None:
    client = cast.client_for(Role.ISM)
    response = client.post(page("creator_import"), {"text": _bad_csv()})
    assert response.status_code == 400
    html = response.content.decode()
    for line, (_column, message) in BAD_ROWS.items():
        assert re.search(rf"<th scope=\"row\">{line}</th>", html), line
        assert message in html, message
    assert '<th scope="row">2</th>' not in html
    assert CreatorProfile.objects.filter(organization=cast.org).count() == 1
    assert not SocialHandle.objects.filter(handle="aud").exists()

    report = services.creators_import_csv(
        organization=cast.org, actor=cast.members[Role.ISM].user, file_text=_bad_csv()
    )
    found = {(p.line, p.column) for p in report.problems}
    assert found == {(line, column) for line, (column, _m) in BAD_ROWS.items()}
    assert report.created == 0 and report.rows == 7


def test_the_api_answers_400_with_the_report(cast: Cast, creator: CreatorProfile) -> None:
    client = cast.client_for(Role.ISM)
    response = client.post(api("import/"), {"csv": _bad_csv()}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["created"] == 0
    assert {p["line"] for p in body["problems"]} == set(BAD_ROWS)
    assert CreatorProfile.objects.filter(organization=cast.org).count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,email\nA,a@example.com", "Unknown column"),
        ("display_name\nA", "is required"),
        (HEADER, "no creators"),
        (HEADER + "\nA,a@example.com", "Expected 13 cells"),
    ],
)
def test_a_malformed_file_is_refused(cast: Cast, text: str, message: str) -> None:
    report = services.creators_import_csv(
        organization=cast.org, actor=cast.members[Role.ISM].user, file_text=text
    )
    assert not report.ok
    assert any(message in p.message for p in report.problems)
    assert not CreatorProfile.objects.filter(organization=cast.org).exists()


# --- the click milestone ---


def test_a_milestone_change_needs_a_reason_and_keeps_history(
    cast: Cast, creator: CreatorProfile
) -> None:
    client = cast.client_for(Role.ISM)
    url = page("creator_milestone", pk=creator.pk)
    refused = client.post(url, {"new": "1500", "reason": "  "})
    assert refused.status_code == 400
    creator.refresh_from_db()
    assert creator.click_milestone == 1000 and not MilestoneChange.objects.exists()
    with pytest.raises(DomainError):
        services.milestone_change(
            profile=creator, actor=cast.members[Role.ISM].user, new=9, reason=""
        )

    assert client.post(url, {"new": "1500", "reason": "Brand asked for more"}).status_code == 302
    api_response = client.post(
        api(f"{creator.pk}/milestone/"), {"new": 1200, "reason": "Typo fixed"}, "application/json"
    )
    assert api_response.status_code == 200
    assert [(m["old"], m["new"]) for m in api_response.json()["milestone_history"]] == [
        (1500, 1200),
        (1000, 1500),
    ]
    creator.refresh_from_db()
    assert creator.click_milestone == 1200
    assert MilestoneChange.objects.filter(profile=creator).count() == 2
    assert AuditEvent.objects.filter(verb="creator.milestone_changed").count() == 2
    html = client.get(page("creator_detail", pk=creator.pk)).content
    assert b"Brand asked for more" in html and b"Typo fixed" in html
    patched = client.patch(api(f"{creator.pk}/"), {"click_milestone": 5}, "application/json")
    assert patched.status_code == 400
    no_reason = client.post(api(f"{creator.pk}/milestone/"), {"new": 7}, "application/json")
    assert no_reason.status_code == 400


# --- linking a creator's login ---


def _invite(client: Client, creator: CreatorProfile, capture: Any) -> str:
    with capture(execute=True):
        response = client.post(page("creator_invite", pk=creator.pk))
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == [creator.email]
    found = re.search(r"/creator-invitations/([^/\s]+)/", message.body)
    assert found is not None
    return found.group(0)


def test_invite_accept_links_the_login_and_opens_the_portal(
    cast: Cast, creator: CreatorProfile, django_capture_on_commit_callbacks: Any
) -> None:
    link_path = _invite(cast.client_for(Role.ISM), creator, django_capture_on_commit_callbacks)
    assert CreatorLink.objects.get(profile=creator).token_hash not in link_path

    anonymous = Client().get(link_path)
    assert anonymous.status_code == 200
    assert f"?next={link_path}".encode() in anonymous.content
    assert Client().post(link_path).status_code == 302  # sent to sign in

    person = UserFactory(email="dana.personal@example.test")
    client = login_client(person)
    assert b"Connect this login" in client.get(link_path).content
    response = client.post(link_path)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_profile") + "?org=northwind"
    creator.refresh_from_db()
    person.refresh_from_db()
    assert creator.user_id == person.pk and person.is_creator
    portal = client.get(reverse("portal_profile"))
    assert portal.status_code == 200
    assert b"Northwind" in portal.content and b"Dana Doe" in portal.content
    assert b"prefers short briefs" not in portal.content
    detail = cast.client_for(Role.ISM).get(page("creator_detail", pk=creator.pk))
    assert b"dana.personal@example.test" in detail.content

    # A second login cannot take the profile with the same (used) link.
    intruder = login_client(UserFactory(email="intruder@example.test"))
    assert intruder.post(link_path).status_code == 409
    creator.refresh_from_db()
    assert creator.user_id == person.pk
    # …and no new link is sent for a linked profile.
    with pytest.raises(Conflict):
        services.creator_link_invite(profile=creator, actor=cast.members[Role.ISM].user)


def test_a_profile_linked_meanwhile_cannot_be_taken(cast: Cast, creator: CreatorProfile) -> None:
    _link, token = services.creator_link_invite(profile=creator, actor=cast.members[Role.ISM].user)
    first = UserFactory(is_creator=True)
    CreatorProfile.objects.filter(pk=creator.pk).update(user=first)
    second = login_client(UserFactory())
    response = second.post(reverse("creator_link_accept", kwargs={"token": token}))
    assert response.status_code == 409
    assert b"another login" in response.content
    creator.refresh_from_db()
    assert creator.user_id == first.pk


def test_a_login_with_a_profile_in_the_org_cannot_link_a_second(
    world: World, creator: CreatorProfile
) -> None:
    _link, token = services.creator_link_invite(
        profile=creator, actor=world.cast.members[Role.ISM].user
    )
    response = world.creator_client().post(reverse("creator_link_accept", kwargs={"token": token}))
    assert response.status_code == 409
    creator.refresh_from_db()
    assert creator.user_id is None


def test_an_expired_link_is_refused(cast: Cast, creator: CreatorProfile) -> None:
    link, token = services.creator_link_invite(profile=creator, actor=cast.members[Role.ISM].user)
    CreatorLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    url = reverse("creator_link_accept", kwargs={"token": token})
    person = login_client(UserFactory())
    shown = person.get(url)
    assert shown.status_code == 410 and b"expired" in shown.content
    assert person.post(url).status_code == 409
    creator.refresh_from_db()
    assert creator.user_id is None
    assert Client().get(reverse("creator_link_accept", kwargs={"token": "nope"})).status_code == 404


def test_a_new_link_replaces_the_old_one(cast: Cast, creator: CreatorProfile) -> None:
    ism = cast.members[Role.ISM].user
    _old, old_token = services.creator_link_invite(profile=creator, actor=ism)
    new, _new_token = services.creator_link_invite(profile=creator, actor=ism)
    assert new.expires_at - timezone.now() > timedelta(days=13)
    url = reverse("creator_link_accept", kwargs={"token": old_token})
    assert login_client(UserFactory()).post(url).status_code == 409


# --- the portal ---


def test_a_creator_sees_only_their_own_profile(world: World) -> None:
    CreatorProfile.objects.filter(pk=world.other_creator.pk).update(
        internal_notes="Olli is difficult", location="Oslo"
    )
    CreatorProfile.objects.filter(pk=world.creator.pk).update(internal_notes="Cara secret")
    other_window = Availability.objects.create(
        organization=world.cast.org,
        profile=world.other_creator,
        away_from=timezone.localdate(),
        away_to=timezone.localdate() + timedelta(days=3),
    )
    client = world.creator_client()
    html = client.get(reverse("portal_profile")).content
    assert b"Cara Creator" in html
    assert b"Olli" not in html and b"Oslo" not in html and b"secret" not in html
    assert client.get(reverse("portal_profile"), {"org": "acme"}).status_code == 404
    removed = client.post(reverse("portal_availability_remove", kwargs={"pk": other_window.pk}))
    assert removed.status_code == 404
    assert Availability.objects.filter(pk=other_window.pk).exists()

    mine = client.get("/api/v1/me/profile/").json()
    assert [p["display_name"] for p in mine] == ["Cara Creator"]
    assert "internal_notes" not in mine[0]
    assert b"secret" not in client.get("/api/v1/me/profile/").content


def test_a_creator_cannot_reach_desk_pages_or_staff_api(world: World) -> None:
    client = world.creator_client()
    assert client.get(page("creator_list")).status_code == 404
    assert client.get(page("creator_detail", pk=world.other_creator.pk)).status_code == 404
    assert client.get(api(f"{world.other_creator.pk}/")).status_code == 404


def test_portal_pages_are_for_creators(cast: Cast) -> None:
    url = reverse("portal_profile")
    assert Client().get(url).status_code == 302
    assert cast.client_for(Role.ISM).get(url).status_code == 403
    assert cast.client_for(Role.ISM).get("/api/v1/me/profile/").status_code == 403


def test_a_creator_edits_only_their_own_fields(world: World) -> None:
    client = world.creator_client()
    response = client.post(
        reverse("portal_profile"),
        {
            "location": "Porto",
            "languages": "Portuguese; English",
            "categories": ["food"],
            "rate_per_post": "300",
            "internal_notes": "hacked",
            "click_milestone": "1",
        },
    )
    assert response.status_code == 302
    profile = CreatorProfile.objects.get(pk=world.creator.pk)
    assert profile.location == "Porto" and profile.languages == ["Portuguese", "English"]
    assert profile.rate_per_post == Decimal("300.00") and profile.categories == ["food"]
    assert profile.internal_notes == "" and profile.click_milestone == 1000

    refused = client.patch(
        "/api/v1/me/profile/", {"internal_notes": "x", "payout_ready": True}, "application/json"
    )
    assert refused.status_code == 400
    assert set(refused.json()) == {"internal_notes", "payout_ready"}
    patched = client.patch("/api/v1/me/profile/", {"location": "Faro"}, "application/json")
    assert patched.status_code == 200 and patched.json()["location"] == "Faro"
    assert "internal_notes" not in patched.json()
    with pytest.raises(DomainError):
        services.profile_update_own(
            profile=world.other_creator,
            user=world.creator.user,
            location="x",
            languages=[],
            categories=[],
            rate_per_post=None,
        )


def test_portal_availability_routes_to_the_ism(world: World) -> None:
    client = world.creator_client()
    start = timezone.localdate() + timedelta(days=10)
    response = client.post(
        reverse("portal_availability"),
        {
            "away_from": start.isoformat(),
            "away_to": (start + timedelta(days=6)).isoformat(),
            "note": "Festival",
        },
    )
    assert response.status_code == 302
    window = Availability.objects.get(profile=world.creator)
    task = Task.objects.get(creator=world.creator, kind=TaskKind.CREATOR_REQUEST)
    assert task.owner_role == "ism"
    request = Request.objects.get(pk=task.source_request_id)
    assert request.topic == Topic.AVAILABILITY
    assert start.strftime("%d %b %Y") in request.text and "Festival" in request.text

    overlapping = client.post(
        reverse("portal_availability"),
        {"away_from": start.isoformat(), "away_to": start.isoformat()},
    )
    assert overlapping.status_code == 400
    assert Task.objects.filter(creator=world.creator).count() == 1

    removed = client.post(reverse("portal_availability_remove", kwargs={"pk": window.pk}))
    assert removed.status_code == 302
    assert not Availability.objects.filter(pk=window.pk).exists()
    assert Task.objects.filter(creator=world.creator, owner_role="ism").count() == 2


def test_portal_interest_routes_to_the_ism(world: World) -> None:
    client = world.creator_client()
    page_html = client.get(reverse("portal_interests"))
    assert page_html.status_code == 200
    response = client.post(
        reverse("portal_interests"), {"category": "food", "note": "Less fashion please"}
    )
    assert response.status_code == 302
    interest = ProgramInterest.objects.get(profile=world.creator, category="food")
    task = Task.objects.get(creator=world.creator)
    assert task.owner_role == "ism"
    request = Request.objects.get(pk=task.source_request_id)
    assert request.topic == Topic.PROGRAM_REQUEST
    assert "Food programs" in request.text and "Less fashion please" in request.text
    assert client.post(reverse("portal_interests"), {"category": "food"}).status_code == 400
    removed = client.post(reverse("portal_interest_remove", kwargs={"pk": interest.pk}))
    assert removed.status_code == 302
    assert Task.objects.filter(creator=world.creator, owner_role="ism").count() == 2


def test_a_creator_in_several_orgs_picks_the_org(world: World) -> None:
    user = world.creator.user
    acme = CreatorProfile.objects.create(
        organization=world.cast.outsider_org,
        user=user,
        display_name="Cara at Acme",
        email=user.email,
    )
    client = world.creator_client()
    picker = client.get(reverse("portal_availability"))
    assert picker.status_code == 200
    assert b"?org=acme" in picker.content and b"?org=northwind" in picker.content
    chosen = client.get(reverse("portal_profile"), {"org": "acme"})
    assert b"Cara at Acme" in chosen.content
    assert client.get("/api/v1/me/profile/", {"org": "acme"}).json()[0]["id"] == acme.pk
    assert len(client.get("/api/v1/me/profile/").json()) == 2
    ambiguous = client.patch("/api/v1/me/profile/", {"location": "X"}, "application/json")
    assert ambiguous.status_code == 400 and "org" in ambiguous.json()
    ok = client.patch("/api/v1/me/profile/?org=acme", {"location": "X"}, "application/json")
    assert ok.status_code == 200
    assert CreatorProfile.objects.get(pk=acme.pk).location == "X"
    assert CreatorProfile.objects.get(pk=world.creator.pk).location == ""


def test_the_ism_records_availability_and_interests(cast: Cast, creator: CreatorProfile) -> None:
    client = cast.client_for(Role.ISM)
    start = timezone.localdate()
    window = {"away-away_from": start.isoformat(), "away-away_to": start.isoformat()}
    assert client.post(page("creator_availability_add", pk=creator.pk), window).status_code == 302
    again = client.post(page("creator_availability_add", pk=creator.pk), window, follow=True)
    assert b"overlaps" in again.content
    interest = {"interest-category": "travel", "interest-note": "Asked on the phone"}
    assert client.post(page("creator_interest_add", pk=creator.pk), interest).status_code == 302
    saved_window = Availability.objects.get(profile=creator)
    saved_interest = ProgramInterest.objects.get(profile=creator)
    html = client.get(page("creator_detail", pk=creator.pk)).content
    assert b"Asked on the phone" in html
    # Staff changes are audited and do not open tasks (the ISM is the one doing them).
    assert not Task.objects.filter(creator=creator).exists()
    assert AuditEvent.objects.filter(verb="creator.availability_added").count() == 1
    other = add_creator(cast, "Hal Hart")
    wrong = page("creator_availability_remove", pk=other.pk, item=saved_window.pk)
    assert client.post(wrong).status_code == 404
    for name, item in (
        ("creator_availability_remove", saved_window),
        ("creator_interest_remove", saved_interest),
    ):
        assert client.post(page(name, pk=creator.pk, item=item.pk)).status_code == 302
    assert not Availability.objects.filter(profile=creator).exists()
    assert not ProgramInterest.objects.filter(profile=creator).exists()


def test_the_creator_and_enrollment_lists_page_by_cursor_without_a_count(world: World) -> None:
    """Both grow with the org (#18): pages continue by cursor, in their order, never counted."""
    client = world.cast.client_for(Role.ADMIN)
    base = "/api/v1/orgs/northwind/creators/"
    first = client.get(base, {"limit": 1}).json()
    assert "count" not in first and len(first["results"]) == 1
    names = [first["results"][0]["display_name"]]
    page = first
    while page["next"]:
        page = client.get(page["next"]).json()
        names += [row["display_name"] for row in page["results"]]
    assert names == sorted(names) and len(names) >= 2
    assert client.get(base, {"offset": 1}).status_code == 400
    enrollments = client.get("/api/v1/orgs/northwind/enrollments/", {"limit": 1}).json()
    assert "count" not in enrollments and enrollments["next"]
    rest = client.get(enrollments["next"]).json()["results"]
    assert rest and rest[0]["id"] != enrollments["results"][0]["id"]
