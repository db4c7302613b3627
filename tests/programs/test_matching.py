"""Candidate matching: the ranking and its reasons, who is left out and why, the desk page,
the API, the walls and the roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from influencers.models import Availability, CreatorProfile, SocialHandle
from organizations.models import Brand, Organization
from organizations.roles import Role
from programs.matching import selectors as matching
from programs.models import Enrollment, Program
from programs.states import EnrollmentState, ProgramState
from tests.conftest import Cast, login_client
from tests.factories import ProgramFactory
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

LAUNCH_ON = dt.date(2027, 3, 1)
END_ON = dt.date(2027, 3, 15)


def make_program(organization: Organization, brand: Brand, actor: Any, **brief: Any) -> Program:
    fields = {
        "categories": ["beauty", "wellness"],
        "platforms": ["instagram", "tiktok"],
        "min_audience": 10_000,
        "max_audience": 500_000,
        "launch_on": LAUNCH_ON,
        "end_on": END_ON,
        "state": ProgramState.RECRUITING,
        **brief,
    }
    return ProgramFactory.create(
        organization=organization, brand=brand, name="Spring Glow", created_by=actor, **fields
    )


def spring(cast: Cast, **brief: Any) -> Program:
    return make_program(cast.org, cast.brand, cast.members[Role.ADMIN].user, **brief)


def creator(
    organization: Organization,
    name: str,
    categories: list[str],
    handles: list[tuple[str, int, float]],
    completed: int = 0,
    reached: int = 0,
    email: str = "",
) -> CreatorProfile:
    first = name.split()[0].lower()
    profile = CreatorProfile.objects.create(
        organization=organization,
        display_name=name,
        email=email or f"{first}@example.test",
        categories=categories,
        max_audience=max((audience for _, audience, _ in handles), default=0),
        programs_completed=completed,
        milestones_reached=reached,
    )
    for platform, audience, engagement in handles:
        SocialHandle.objects.create(
            organization=organization,
            profile=profile,
            platform=platform,
            handle=f"{first}_{platform}",
            audience_size=audience,
            engagement_rate=engagement,
        )
    return profile


def away(profile: CreatorProfile, start: dt.date, end: dt.date) -> Availability:
    return Availability.objects.create(
        organization=profile.organization, profile=profile, away_from=start, away_to=end
    )


def enroll(program: Program, profile: CreatorProfile, state: str, **fields: Any) -> Enrollment:
    return Enrollment.objects.create(
        organization=program.organization, program=program, creator=profile, state=state, **fields
    )


def names(rows: Any) -> list[str]:
    return [row.display_name for row in rows]


def left_out_names(rows: list[matching.Excluded]) -> list[str]:
    return [row.creator.display_name for row in rows]


@pytest.fixture
def line_up(cast: Cast) -> dict[str, CreatorProfile]:
    """A small hand-built set: engagement 3 % each, so the differences are the brief's."""
    org = cast.org
    return {
        "ava": creator(org, "Ava Both", ["beauty", "wellness"], [("instagram", 50_000, 3)]),
        "ben": creator(org, "Ben Beauty", ["beauty", "food"], [("instagram", 50_000, 3)]),
        "cy": creator(org, "Cy Small", ["beauty", "wellness"], [("instagram", 5_000, 3)]),
        "dee": creator(org, "Dee Tube", ["beauty"], [("youtube", 80_000, 3)]),
        "eve": creator(org, "Eve Food", ["food"], [("instagram", 50_000, 3)]),
    }


# --- the ranking ---


def test_candidates_are_ranked_by_fit_with_their_reasons(
    cast: Cast, line_up: dict[str, CreatorProfile]
) -> None:
    program = spring(cast)
    ranked = list(matching.candidates(program=program))
    # 2 categories beat 1; an audience out of range ranks lower; wrong platform or no shared
    # category: not a candidate at all.
    assert names(ranked) == ["Ava Both", "Ben Beauty", "Cy Small"]
    ava, ben, cy = ranked
    # 2×10 categories + 1×5 platform + 15 audience + 5 newcomer attainment + 3 engagement
    assert ava.match_score == pytest.approx(48.0)
    assert ben.match_score == pytest.approx(38.0)
    assert cy.match_score == pytest.approx(33.0)
    assert (ava.category_matches, ava.matched_categories) == (2, ["beauty", "wellness"])
    assert (ben.category_matches, ben.matched_categories) == (1, ["beauty"])
    assert (ava.platform_matches, ava.audience_fit, cy.audience_fit) == (1, True, False)
    assert ava.attainment is None
    assert ava.best_engagement == pytest.approx(3.0)
    assert ava.fit_handles == [
        {
            "platform": "instagram",
            "handle": "ava_instagram",
            "audience_size": 50_000,
            "engagement_rate": 3.0,
        }
    ]
    assert matching.candidate_reasons(ava, program) == [
        "2 of 2 categories: Beauty, Wellness",
        "on Instagram @ava_instagram (50,000)",
        "audience in range 10,000–500,000",
        "no completed program yet",
        "engagement 3.0 %",
    ]
    assert "audience outside 10,000–500,000" in matching.candidate_reasons(cy, program)
    # Neither missing creator is "left out" either: they do not fit the brief.
    assert matching.excluded(program=program) == []


def test_platforms_attainment_and_engagement_add_up(cast: Cast) -> None:
    org = cast.org
    both = [("instagram", 50_000, 1), ("tiktok", 40_000, 1)]
    creator(org, "Pia Two Platforms", ["beauty"], both)
    creator(org, "Rex Reliable", ["beauty"], [("instagram", 50_000, 2)], completed=4, reached=4)
    creator(org, "Sam Spotty", ["beauty"], [("instagram", 50_000, 2)], completed=4, reached=1)
    creator(org, "Tia Engaging", ["beauty"], [("instagram", 50_000, 25)])
    program = spring(cast)
    ranked = list(matching.candidates(program=program))
    scores = {row.display_name: row.match_score for row in ranked}
    assert scores == pytest.approx(
        {
            "Tia Engaging": 10 + 5 + 15 + 5 + 10,  # engagement is capped at 10 points
            "Rex Reliable": 10 + 5 + 15 + 10 + 2,
            "Pia Two Platforms": 10 + 10 + 15 + 5 + 1,
            "Sam Spotty": 10 + 5 + 15 + 2.5 + 2,
        }
    )
    assert names(ranked) == ["Tia Engaging", "Rex Reliable", "Pia Two Platforms", "Sam Spotty"]
    rex = ranked[1]
    assert rex.attainment == pytest.approx(1.0)
    assert "milestone reached in 4 of 4 programs" in matching.candidate_reasons(rex, program)


def test_a_bare_brief_ranks_every_creator_of_the_org(cast: Cast) -> None:
    program = spring(
        cast,
        categories=[],
        platforms=[],
        min_audience=None,
        max_audience=None,
        launch_on=None,
        end_on=None,
    )
    loner = creator(cast.org, "Lou Nohandle", [], [])
    away(loner, LAUNCH_ON, END_ON)  # no program dates: availability is not checked
    creator(cast.org, "Max Many", ["food"], [("youtube", 900_000, 4)])
    ranked = list(matching.candidates(program=program))
    assert names(ranked) == ["Max Many", "Lou Nohandle"]
    assert (ranked[0].platform_matches, ranked[0].audience_fit) == (0, True)
    assert ranked[1].fit_handles == []
    assert ranked[1].match_score == pytest.approx(15 + 5)


def test_the_limit_is_applied_and_capped(cast: Cast, line_up: dict[str, CreatorProfile]) -> None:
    program = spring(cast)
    assert names(matching.candidates(program=program, limit=1)) == ["Ava Both"]
    assert matching.clamp_limit(10_000) == matching.MAX_LIMIT
    assert matching.clamp_limit(0) == matching.DEFAULT_LIMIT


# --- who is left out, and why ---


def test_an_unavailable_creator_is_left_out_with_the_dates(
    cast: Cast, line_up: dict[str, CreatorProfile]
) -> None:
    program = spring(cast)
    away(line_up["ava"], dt.date(2027, 2, 25), dt.date(2027, 3, 5))
    away(line_up["ben"], dt.date(2027, 4, 1), dt.date(2027, 4, 9))  # after the program: fine
    away(line_up["cy"], dt.date(2027, 3, 15), dt.date(2027, 3, 15))  # the last day counts
    assert names(matching.candidates(program=program)) == ["Ben Beauty"]
    rows = matching.excluded(program=program)
    assert left_out_names(rows) == ["Ava Both", "Cy Small"]
    assert rows[0].reasons == ["away 25 Feb–5 Mar"]
    assert rows[1].reasons == ["away 15 Mar"]
    assert all(row.can_override for row in rows)


def test_invited_and_declined_creators_are_left_out_with_the_reason(
    cast: Cast, line_up: dict[str, CreatorProfile]
) -> None:
    program = spring(cast)
    enroll(program, line_up["ava"], EnrollmentState.INVITED)
    declined_at = dt.datetime(2027, 2, 3, 12, 0, tzinfo=dt.UTC)
    enroll(program, line_up["ben"], EnrollmentState.DECLINED, ended_at=declined_at)
    enroll(program, line_up["cy"], EnrollmentState.WITHDRAWN)
    away(line_up["cy"], dt.date(2027, 3, 1), dt.date(2027, 3, 15))
    assert names(matching.candidates(program=program)) == []
    rows = {row.creator.display_name: row for row in matching.excluded(program=program)}
    assert rows["Ava Both"].reasons == ["already invited"]
    assert rows["Ben Beauty"].reasons == ["declined on 3 Feb 2027"]
    assert rows["Cy Small"].reasons == ["withdrawn", "away 1–15 Mar"]
    assert not any(row.can_override for row in rows.values())


def test_an_enrollment_in_another_program_does_not_matter(
    cast: Cast, line_up: dict[str, CreatorProfile]
) -> None:
    program = spring(cast)
    other = make_program(cast.org, cast.other_brand, cast.members[Role.ADMIN].user)
    enroll(other, line_up["ava"], EnrollmentState.INVITED)
    assert names(matching.candidates(program=program))[0] == "Ava Both"


def test_another_orgs_creators_never_appear(cast: Cast, line_up: dict[str, CreatorProfile]) -> None:
    # Tests see every org (see conftest): only the application wall keeps these out here.
    stranger = creator(
        cast.outsider_org, "Zed Perfect", ["beauty", "wellness"], [("instagram", 90_000, 9)]
    )
    away_stranger = creator(
        cast.outsider_org, "Zoe Away", ["beauty", "wellness"], [("tiktok", 90_000, 9)]
    )
    away(away_stranger, LAUNCH_ON, END_ON)
    program = spring(cast)
    assert stranger.display_name not in names(matching.candidates(program=program))
    assert away_stranger.display_name not in left_out_names(matching.excluded(program=program))


# --- search and filters ---


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"search": "ava"}, ["Ava Both"]),
        ({"search": "BEN@example"}, ["Ben Beauty"]),
        ({"search": "@cy_insta"}, ["Cy Small"]),
        ({"search": "nobody"}, []),
        ({"category": "wellness"}, ["Ava Both", "Cy Small"]),
        ({"platform": "tiktok"}, ["Fay Tok"]),
        ({"platform": "tiktok", "search": "ava"}, []),
    ],
)
def test_search_and_filters_narrow_the_candidates(
    cast: Cast, line_up: dict[str, CreatorProfile], filters: dict[str, str], expected: list[str]
) -> None:
    creator(cast.org, "Fay Tok", ["beauty"], [("tiktok", 20_000, 1)])
    assert names(matching.candidates(program=spring(cast), **filters)) == expected


def test_search_and_filters_narrow_who_is_left_out(
    cast: Cast, line_up: dict[str, CreatorProfile]
) -> None:
    program = spring(cast)
    away(line_up["ava"], LAUNCH_ON, END_ON)
    enroll(program, line_up["ben"], EnrollmentState.INVITED)
    assert left_out_names(matching.excluded(program=program, search="ava")) == ["Ava Both"]
    assert left_out_names(matching.excluded(program=program, category="wellness")) == ["Ava Both"]
    assert matching.excluded(program=program, platform="tiktok") == []


def test_away_reasons_read_naturally() -> None:
    assert matching.away_reason(dt.date(2027, 3, 1), dt.date(2027, 3, 15)) == "away 1–15 Mar"
    assert matching.away_reason(dt.date(2027, 2, 28), dt.date(2027, 3, 3)) == "away 28 Feb–3 Mar"
    assert (
        matching.away_reason(dt.date(2026, 12, 20), dt.date(2027, 1, 5))
        == "away 20 Dec 2026–5 Jan 2027"
    )


# --- the desk page ---


def page_url(program: Program, slug: str = "northwind") -> str:
    return reverse("desk_program_candidates", kwargs={"org_slug": slug, "pk": program.pk})


@pytest.mark.parametrize("role", sorted(Role.values))
def test_the_page_is_for_admins_and_isms(cast: Cast, role: str) -> None:
    allowed = role in (Role.ADMIN, Role.ISM)
    response = cast.client_for(role).get(page_url(spring(cast)))
    assert response.status_code == (200 if allowed else 403)


def test_outsider_gets_404(cast: Cast) -> None:
    program = spring(cast)
    client = login_client(cast.outsider.user)
    assert client.get(page_url(program)).status_code == 404
    # Their own org's URL with our program id: the same answer as a missing program.
    assert client.get(page_url(program, slug="acme")).status_code == 404


def test_another_orgs_program_is_a_404(cast: Cast) -> None:
    acme_brand = Brand.objects.filter(organization=cast.outsider_org).get()
    theirs = make_program(cast.outsider_org, acme_brand, cast.outsider.user)
    assert cast.client_for(Role.ISM).get(page_url(theirs)).status_code == 404


def test_the_page_shows_ranks_reasons_and_who_is_left_out(
    cast: Cast, line_up: dict[str, CreatorProfile]
) -> None:
    program = spring(cast)
    away(line_up["cy"], LAUNCH_ON, END_ON)
    enroll(program, line_up["ben"], EnrollmentState.INVITED)
    response = cast.client_for(Role.ISM).get(page_url(program))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<caption" in html and 'scope="col"' in html
    invite = reverse("desk_program_invite", kwargs={"org_slug": "northwind", "pk": program.pk})
    assert f'action="{invite}"' in html
    assert f'name="creator" value="{line_up["ava"].pk}"' in html
    assert "Select Ava Both" in html
    assert "2 of 2 categories: Beauty, Wellness" in html
    # Left out: Cy (away, may be invited with a reason) and Ben (invited, no checkbox).
    assert "away 1–15 Mar" in html and "already invited" in html
    assert "Select Cy Small" in html and "Select Ben Beauty" not in html
    assert 'name="override_reason"' in html
    assert "Invite despite unavailability or exclusions: reason" in html


def test_the_page_filters_with_get(cast: Cast, line_up: dict[str, CreatorProfile]) -> None:
    program = spring(cast)
    client = cast.client_for(Role.ADMIN)
    html = client.get(page_url(program), {"search": "ben"}).content.decode()
    assert "Select Ben Beauty" in html and "Select Ava Both" not in html
    html = client.get(page_url(program), {"category": "nonsense"}).content.decode()
    assert "Select Ava Both" in html  # an invalid filter is ignored, not a 500


def test_the_invite_form_round_trip(cast: Cast, line_up: dict[str, CreatorProfile]) -> None:
    """The form's field names are what the recruiting desk's invite endpoint reads."""
    program = spring(cast, recruit_by=dt.date(2027, 2, 15))
    away(line_up["cy"], LAUNCH_ON, END_ON)
    client = cast.client_for(Role.ISM)
    invite = reverse("desk_program_invite", kwargs={"org_slug": "northwind", "pk": program.pk})
    response = client.post(
        invite,
        {
            "creator": [line_up["ava"].pk, line_up["cy"].pk],
            "override_reason": "Films ahead of time",
        },
    )
    assert response.status_code == 302
    assert set(
        Enrollment.objects.filter(program=program).values_list("creator__display_name", flat=True)
    ) == {"Ava Both", "Cy Small"}
    html = client.get(page_url(program)).content.decode()
    assert "Select Ava Both" not in html and "already invited" in html


def test_the_page_makes_a_constant_number_of_queries(cast: Cast) -> None:
    program = spring(cast)
    client = cast.client_for(Role.ISM)

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            profile = creator(
                cast.org,
                f"Creator {n:03d}",
                ["beauty", "wellness"][: 1 + n % 2],
                [("instagram", 20_000 + n, 2), ("tiktok", 900_000, 4)][: 1 + n % 2],
                completed=n % 3,
                reached=n % 2,
                email=f"creator{n}@example.test",
            )
            if n % 5 == 0:
                away(profile, LAUNCH_ON, END_ON)
            elif n % 7 == 0:
                enroll(program, profile, EnrollmentState.DECLINED, ended_at=timezone.now())

    def fetch() -> str:
        response = client.get(page_url(program))
        assert response.status_code == 200
        return response.content.decode()

    add(5, 0)
    html = assert_constant_queries(fetch, grow=lambda: add(45, 5))
    assert html.count('name="creator"') == 50 - 6  # the 6 declined ones cannot be picked


# --- the API ---


def api_url(program: Program, slug: str = "northwind") -> str:
    return f"/api/v1/orgs/{slug}/programs/{program.pk}/matches/"


def test_api_lists_matches_with_score_and_reasons(
    cast: Cast, line_up: dict[str, CreatorProfile]
) -> None:
    program = spring(cast)
    response = cast.client_for(Role.ISM).get(api_url(program))
    assert response.status_code == 200
    body = response.json()
    assert [row["display_name"] for row in body] == ["Ava Both", "Ben Beauty", "Cy Small"]
    ava = body[0]
    assert (ava["rank"], ava["creator"], ava["score"]) == (1, line_up["ava"].pk, 48.0)
    assert ava["reasons"] == {
        "matched_categories": ["beauty", "wellness"],
        "category_matches": 2,
        "platform_matches": 1,
        "handles": [
            {
                "platform": "instagram",
                "handle": "ava_instagram",
                "audience_size": 50_000,
                "engagement_rate": 3.0,
            }
        ],
        "audience_in_range": True,
        "best_audience": 50_000,
        "best_engagement": 3.0,
        "attainment": None,
    }
    assert ava["summary"][0] == "2 of 2 categories: Beauty, Wellness"
    assert body[2]["reasons"]["audience_in_range"] is False


def test_api_search_filters_and_limit(cast: Cast, line_up: dict[str, CreatorProfile]) -> None:
    program = spring(cast)
    client = cast.client_for(Role.ADMIN)

    def shown(**params: Any) -> list[str]:
        response = client.get(api_url(program), params)
        assert response.status_code == 200, response.content
        return [row["display_name"] for row in response.json()]

    assert shown(search="cy") == ["Cy Small"]
    assert shown(category="wellness") == ["Ava Both", "Cy Small"]
    assert shown(platform="youtube") == []
    assert shown(limit=2) == ["Ava Both", "Ben Beauty"]
    for bad in ({"limit": 201}, {"limit": 0}, {"category": "nonsense"}, {"platform": "myspace"}):
        assert client.get(api_url(program), bad).status_code == 400


@pytest.mark.parametrize("role", [Role.BSM, Role.BRAND_MANAGER, Role.APPROVER, Role.ANALYST])
def test_api_requires_admin_or_ism(cast: Cast, role: str) -> None:
    assert cast.client_for(role).get(api_url(spring(cast))).status_code == 403


def test_api_outsider_gets_404(cast: Cast) -> None:
    program = spring(cast)
    client = login_client(cast.outsider.user)
    assert client.get(api_url(program)).status_code == 404
    assert client.get(api_url(program, slug="acme")).status_code == 404
    acme_brand = Brand.objects.filter(organization=cast.outsider_org).get()
    theirs = make_program(cast.outsider_org, acme_brand, cast.outsider.user)
    assert cast.client_for(Role.ISM).get(api_url(theirs)).status_code == 404


def test_api_makes_a_constant_number_of_queries(cast: Cast) -> None:
    program = spring(cast)
    client = cast.client_for(Role.ISM)
    for n in range(5):
        creator(
            cast.org, f"Early {n}", ["beauty"], [("instagram", 20_000, 2)], email=f"e{n}@x.test"
        )
    assert len(client.get(api_url(program)).json()) == 5

    def grow() -> None:
        for n in range(45):
            creator(
                cast.org, f"Late {n}", ["wellness"], [("tiktok", 30_000, 3)], email=f"l{n}@x.test"
            )

    rows = assert_constant_queries(lambda: client.get(api_url(program)).json(), grow=grow)
    assert len(rows) == 50
