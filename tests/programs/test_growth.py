"""A path to grow: tiers computed from history (the same in SQL and Python), shown to the
creator with what unlocks the next, ranked on by matching with its reason, and the terms
suggested when inviting a returning creator."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from influencers.models import CreatorProfile
from organizations.roles import Role
from programs.growth import selectors as growth
from programs.growth.tiers import (
    NEWCOMER,
    PARTNER,
    RISING,
    TIERS,
    TRUSTED,
    History,
    tier_of,
    tier_rank,
    unlock_text,
    with_history,
)
from programs.matching import selectors as matching
from programs.matching.scoring import TIER_POINTS
from tests.conftest import Cast, World, login_client
from tests.factories import CreatorProfileFactory
from tests.helpers import assert_constant_queries
from tests.programs.growth_helpers import past_programs
from tests.programs.test_matching import creator as matching_creator
from tests.programs.test_matching import spring

pytestmark = pytest.mark.django_db


def test_each_tier_needs_every_one_of_its_thresholds() -> None:
    assert tier_of(History()) is NEWCOMER
    assert tier_of(History(completed=1)) is RISING
    good = {"delivered": 10, "on_time": 9, "reviewed": 10, "approved": 9}
    assert tier_of(History(completed=3, milestones=1, **good)) is TRUSTED
    assert tier_of(History(completed=3, milestones=0, **good)) is RISING  # no milestone yet
    late = {**good, "on_time": 7}  # 70 % on time: under trusted's 80 %
    assert tier_of(History(completed=4, milestones=2, **late)) is RISING
    assert tier_of(History(completed=5, milestones=3, **good)) is PARTNER
    # A partner's programs with a trusted record is trusted.
    fair = {**good, "on_time": 85, "delivered": 100}
    assert tier_of(History(completed=6, milestones=4, **fair)) is TRUSTED
    assert [t.rank for t in TIERS] == [0, 1, 2, 3]


def test_what_unlocks_the_next_tier_reads_as_a_sentence() -> None:
    record = History(completed=3, milestones=3, delivered=7, on_time=6, reviewed=5, approved=5)
    assert tier_of(record) is TRUSTED
    assert unlock_text(record) == "2 more completed programs and an on-time rate ≥ 90 %"
    assert unlock_text(History()) == "1 more completed program"
    both = History(completed=1, delivered=2, on_time=1, reviewed=2, approved=1)
    assert unlock_text(both) == (
        "2 more completed programs, 1 more click milestone reached, an on-time rate ≥ 80 % "
        "and an approval rate ≥ 70 %"
    )
    top = History(completed=5, milestones=3, delivered=5, on_time=5, reviewed=5, approved=5)
    assert unlock_text(top) == ""


def test_the_database_computes_the_same_tier_as_python(cast: Cast) -> None:
    org = cast.org
    records = {
        "new": {"completed": 0},
        "rising": {"completed": 1},
        "trusted": {"completed": 3, "milestones": 1},
        "late": {"completed": 3, "milestones": 3, "late": 1},  # 66 % on time
        "picky": {"completed": 3, "milestones": 1, "changes": 2},  # 60 % approved
        "partner": {"completed": 5, "milestones": 3},
    }
    for name, record in records.items():
        profile = CreatorProfileFactory(organization=org, display_name=name)
        past_programs(profile, **record)
    rows = with_history(CreatorProfile.objects.filter(organization=org)).annotate(rank=tier_rank())
    seen = {row.display_name: (row.rank, tier_of(History.of(row)).code) for row in rows}
    assert seen == {
        "new": (0, "newcomer"),
        "rising": (1, "rising"),
        "trusted": (2, "trusted"),
        "late": (1, "rising"),
        "picky": (1, "rising"),
        "partner": (3, "partner"),
    }


def test_the_creator_sees_their_tier_what_unlocks_the_next_and_their_history(
    world: World,
) -> None:
    past_programs(world.creator, completed=3, milestones=1)
    client = world.creator_client()
    home = client.get(reverse("portal_home")).content.decode()
    assert reverse("portal_growth") in home
    html = client.get(reverse("portal_growth")).content.decode()
    assert 'data-tier="trusted"' in html
    assert "To reach Partner:" in html
    assert "2 more completed programs and 2 more click milestones reached." in html
    assert 'data-figure="completed">3<' in html and 'data-figure="milestones">1<' in html
    assert "100 %" in html and world.cast.org.name in html


def test_the_creators_growth_costs_the_same_queries_however_long_their_history(
    world: World,
) -> None:
    past_programs(world.creator, completed=1)
    client = world.creator_client()
    assert_constant_queries(
        lambda: client.get(reverse("portal_growth")),
        grow=lambda: past_programs(world.creator, completed=4, milestones=2, changes=1),
    )
    ids = list(CreatorProfile.objects.filter(organization=world.cast.org).values_list("pk"))
    assert_constant_queries(
        lambda: growth.org_creator_growth(
            organization=world.cast.org, creator_ids=[pk for (pk,) in ids]
        ),
        grow=lambda: [
            past_programs(CreatorProfileFactory(organization=world.cast.org), completed=2)
            for _ in range(3)
        ],
    )


def test_my_growth_from_the_api(world: World) -> None:
    past_programs(world.creator, completed=1)
    response = world.creator_client().get("/api/v1/me/growth/")
    assert response.status_code == 200
    [mine] = response.json()
    assert mine["tier"] == "rising" and mine["next_tier"] == "trusted"
    assert mine["history"]["completed"] == 1 and mine["history"]["on_time_rate"] == 100
    assert mine["unlock"].startswith("2 more completed programs")
    staff = world.cast.client_for(Role.ADMIN).get("/api/v1/me/growth/")
    assert staff.status_code == 403


def _returning(cast: Cast) -> tuple[Any, Any]:
    handles = [("instagram", 50_000, 3.0)]
    newcomer = matching_creator(cast.org, "Ava New", ["beauty", "wellness"], handles)
    returning = matching_creator(cast.org, "Zoe Back", ["beauty", "wellness"], handles)
    past_programs(returning, completed=3, milestones=2, clicks=[1100, 1240, 1500])
    return newcomer, returning


def test_matching_ranks_a_returning_creator_by_tier_with_the_reason(cast: Cast) -> None:
    newcomer, returning = _returning(cast)
    program = spring(cast)
    ranked = list(matching.candidates(program=program))
    assert [c.pk for c in ranked] == [returning.pk, newcomer.pk]  # same fit, the tier decides
    assert ranked[0].match_score - ranked[1].match_score == pytest.approx(2 * TIER_POINTS)
    assert "tier: Trusted" in matching.candidate_reasons(ranked[0], program)
    assert not any(r.startswith("tier") for r in matching.candidate_reasons(ranked[1], program))


def test_the_ism_sees_a_suggested_milestone_and_rate_for_a_returning_creator(
    cast: Cast,
) -> None:
    newcomer, returning = _returning(cast)
    program = spring(cast)
    suggestions = growth.invite_suggestions(
        program=program, creator_ids=[newcomer.pk, returning.pk]
    )
    assert newcomer.pk not in suggestions
    s = suggestions[returning.pk]
    assert (s.milestone, s.median_clicks, s.reached) == (1250, 1240, 2)
    assert str(s.per_click_rate) == "0.12"
    url = reverse("desk_program_candidates", kwargs={"org_slug": "northwind", "pk": program.pk})
    html = login_client(cast.members[Role.ISM].user).get(url).content.decode()
    assert f'data-suggestion="{returning.pk}"' in html
    assert f'data-suggestion="{newcomer.pk}"' not in html
    assert "a click milestone of 1,250" in html
    assert "past programs: median 1,240 valid clicks over 3 programs" in html


def test_the_suggestions_from_the_api_for_isms_only(cast: Cast) -> None:
    _, returning = _returning(cast)
    program = spring(cast)
    url = f"/api/v1/orgs/northwind/programs/{program.pk}/invite-suggestions/"
    response = login_client(cast.members[Role.ISM].user).get(url)
    assert response.status_code == 200
    [row] = response.json()
    assert row["creator"] == returning.pk and row["milestone"] == 1250
    assert row["per_click_rate"] == "0.12" and row["why"].startswith("past programs: median")
    assert cast.client_for(Role.ANALYST).get(url).status_code == 403
    outsider = login_client(cast.outsider.user)
    assert outsider.get(url).status_code == 404
    other = f"/api/v1/orgs/acme/programs/{program.pk}/invite-suggestions/"
    assert outsider.get(other).status_code == 404
    paths = cast.client_for(Role.ADMIN).get("/api/schema/", {"format": "json"}).json()["paths"]
    assert "/api/v1/orgs/{org_slug}/programs/{program_pk}/invite-suggestions/" in paths
