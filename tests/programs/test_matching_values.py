"""Creators' exclusions meet programs: matching leaves out whoever a program's categories, brand
or brief words hit, and says which exclusion; an ISM invites them only with a reason (400
otherwise, page and API); the creator sees the conflict and accepts only by acknowledging it
(400 otherwise, nothing written). Query counts stay constant."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from influencer_ops.audit import AuditVerb
from influencer_ops.errors import DomainError
from influencer_ops.models import AuditEvent
from influencers.models import CreatorProfile
from influencers.values import services as values
from organizations.roles import Role
from programs.matching import selectors as matching
from programs.models import Enrollment, Program
from programs.recruiting import services as recruiting
from programs.states import EnrollmentState
from tests.conftest import Cast, World, login_client, make_creator
from tests.factories import UserFactory
from tests.helpers import assert_constant_queries
from tests.programs.test_matching import creator, page_url, spring

pytestmark = pytest.mark.django_db

BRIEF = {"goals": "Summer glow: our serum with a rosé cocktail pairing for the launch party."}


def linked(profile: CreatorProfile) -> CreatorProfile:
    profile.user = UserFactory(is_creator=True, email=profile.email, name=profile.display_name)
    profile.save(update_fields=["user"])
    return profile


def fits(cast: Cast, name: str) -> CreatorProfile:
    """A creator with a login who fits the brief of ``spring``."""
    email = f"{name.replace(' ', '.').lower()}@example.test"
    return linked(creator(cast.org, name, ["beauty"], [("instagram", 50_000, 4.0)], email=email))


def excludes(profile: CreatorProfile, kind: str, value: str) -> None:
    values.exclusion_add_own(user=profile.user, kind=kind, value=value)


# --- matching ---


@pytest.mark.parametrize(
    ("kind", "value", "reason"),
    [
        ("topic", "cocktail", "excludes cocktail"),  # a word of the brief
        ("product", "Rosé Cocktail", "excludes Rosé Cocktail"),  # a phrase of the brief
        ("category", "wellness", "excludes Wellness"),  # a category of the program
        ("brand", "lumen", "excludes lumen"),  # the program's brand
        ("topic", "spring glow", "excludes spring glow"),  # the program's name
    ],
)
def test_matching_leaves_out_a_creator_the_program_hits_and_says_why(
    cast: Cast, kind: str, value: str, reason: str
) -> None:
    program = spring(cast, **BRIEF)
    kept, left = fits(cast, "Kim Kept"), fits(cast, "Lee Left")
    excludes(left, kind, value)
    assert [c.pk for c in matching.candidates(program=program)] == [kept.pk]
    (row,) = matching.excluded(program=program)
    assert row.creator.pk == left.pk and row.reasons == [reason] and row.can_override


def test_the_api_lists_who_is_left_out_and_why(cast: Cast) -> None:
    program = spring(cast, **BRIEF)
    fits(cast, "Kim Kept")
    left = fits(cast, "Lee Left")
    excludes(left, "topic", "cocktail")
    url = reverse(
        "api-program-matches-left-out", kwargs={"org_slug": cast.org.slug, "program_pk": program.pk}
    )
    body = login_client(cast.members[Role.ISM].user).get(url).json()
    assert body == [
        {
            "creator": left.pk,
            "display_name": "Lee Left",
            "email": left.email,
            "reasons": ["excludes cocktail"],
            "exclusion_hits": [{"kind": "topic", "value": "cocktail"}],
            "enrollment_state": None,
            "can_override": True,
        }
    ]
    # A role without pre-launch work is refused; another org's program is not there.
    assert login_client(cast.members[Role.ANALYST].user).get(url).status_code == 403
    other = url.replace(f"/programs/{program.pk}/", "/programs/2000000000/")
    assert login_client(cast.members[Role.ISM].user).get(other).status_code == 404


def test_exclusions_match_whole_words_only_and_other_programs_are_untouched(cast: Cast) -> None:
    program = spring(cast, **BRIEF)
    sensitive = fits(cast, "Sam Sensitive")
    for word in ("tail", "glo", "rose", "finance"):  # "cocktail", "glow", "rosé", no category
        excludes(sensitive, "topic", word)
    excludes(sensitive, "category", "finance")
    assert sensitive.pk in [c.pk for c in matching.candidates(program=program)]
    assert matching.excluded(program=program) == []


def test_a_creator_without_a_login_has_no_exclusions(cast: Cast) -> None:
    program = spring(cast, **BRIEF)
    plain = creator(cast.org, "Pat Plain", ["beauty"], [("instagram", 50_000, 4.0)])
    assert [c.pk for c in matching.candidates(program=program)] == [plain.pk]


def test_matching_keeps_its_query_counts_as_excluded_creators_grow(cast: Cast) -> None:
    program = Program.objects.select_related("brand").get(pk=spring(cast, **BRIEF).pk)
    made = iter(range(1000))

    def grow() -> None:
        for _ in range(6):
            excludes(fits(cast, f"Ex {next(made)}"), "topic", "cocktail")
            fits(cast, f"Ok {next(made)}")

    grow()

    def fetch() -> tuple[list[Any], list[Any]]:
        return list(matching.candidates(program=program)), matching.excluded(program=program)

    ranked, left_out = assert_constant_queries(fetch, grow=grow)
    assert len(ranked) == 12 and len(left_out) == 12


def test_the_matching_page_shows_who_is_left_out_for_their_values(cast: Cast) -> None:
    program = spring(cast, **BRIEF)
    left = fits(cast, "Lee Left")
    excludes(left, "topic", "cocktail")
    html = cast.client_for(Role.ISM).get(page_url(program)).content.decode()
    assert "left out: excludes cocktail" in html
    assert f'name="creator" value="{left.pk}"' in html  # may be invited, with a reason
    invite = reverse("desk_program_invite", kwargs={"org_slug": "northwind", "pk": program.pk})
    refused = cast.client_for(Role.ISM).post(invite, {"creator": [left.pk]})
    assert refused.status_code == 400  # the page again, with the refusal and the pick kept
    html = refused.content.decode()
    assert "Lee Left (excludes cocktail)" in html
    assert f'value="{left.pk}" id="pick-{left.pk}" checked' in html


# --- inviting despite an exclusion ---


@pytest.fixture
def picky(world: World) -> CreatorProfile:
    """A creator of the world's org who won't promote serums (the world's program is one)."""
    profile = make_creator(world.cast.org, "Pia Picky", "pia@example.test")
    excludes(profile, "topic", "serum")
    return profile


def invite_url(world: World) -> str:
    return reverse(
        "desk_program_invite", kwargs={"org_slug": world.cast.org.slug, "pk": world.program.pk}
    )


def test_inviting_an_excluded_creator_needs_a_reason(world: World, picky: CreatorProfile) -> None:
    ism = world.cast.members[Role.ISM].user
    with pytest.raises(DomainError, match=r"Pia Picky \(excludes serum\)"):
        recruiting.enrollment_invite(program=world.program, creator=picky, actor=ism)
    response = world.cast.client_for(Role.ISM).post(
        invite_url(world), {"creator": [picky.pk], "override_reason": "  "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give a reason to invite anyway" in html and 'role="alert"' in html
    response = world.cast.client_for(Role.ISM).post(
        f"/api/v1/orgs/{world.cast.org.slug}/enrollments/invite/",
        {"program": world.program.pk, "creators": [picky.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Enrollment.objects.filter(creator=picky).exists()
    assert not AuditEvent.objects.filter(verb=AuditVerb.ENROLLMENT_EXCLUSION_OVERRIDDEN).exists()


def test_an_override_invitation_records_the_conflict_and_the_reason(
    world: World, picky: CreatorProfile
) -> None:
    reason = "The serum is fragrance-free: it fits your routine posts."
    response = world.cast.client_for(Role.ISM).post(
        invite_url(world), {"creator": [picky.pk], "override_reason": reason}
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(creator=picky)
    assert enrollment.state == EnrollmentState.INVITED
    assert enrollment.exclusion_conflicts == [{"kind": "topic", "value": "serum", "label": "serum"}]
    assert enrollment.exclusion_override_reason == reason
    assert enrollment.availability_override_reason == ""
    event = AuditEvent.objects.get(verb=AuditVerb.ENROLLMENT_EXCLUSION_OVERRIDDEN)
    assert event.after == {"conflicts": "excludes serum", "reason": reason}
    assert event.actor == world.cast.members[Role.ISM].user
    hub = reverse(
        "enrollment_detail", kwargs={"org_slug": world.cast.org.slug, "pk": enrollment.pk}
    )
    html = world.cast.client_for(Role.ISM).get(hub).content.decode()
    assert "Invited despite what the creator won" in html and reason in html


def test_the_api_invites_with_a_reason_and_shows_the_conflict(
    world: World, picky: CreatorProfile
) -> None:
    response = world.cast.client_for(Role.ISM).post(
        f"/api/v1/orgs/{world.cast.org.slug}/enrollments/invite/",
        {"program": world.program.pk, "creators": [picky.pk], "override_reason": "Fits."},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    (body,) = response.json()
    assert body["exclusion_conflicts"][0]["value"] == "serum"
    assert body["exclusion_override_reason"] == "Fits."


# --- the creator's acknowledgement ---


@pytest.fixture
def conflicted(world: World, picky: CreatorProfile) -> Enrollment:
    (enrollment,) = recruiting.enrollment_invite(
        program=world.program,
        creator=picky,
        actor=world.cast.members[Role.ISM].user,
        override_reason="It is fragrance-free.",
    )
    return enrollment


def nothing_written(enrollment: Enrollment) -> None:
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.INVITED
    assert enrollment.conflict_acknowledged_at is None and enrollment.accepted_at is None
    assert not AuditEvent.objects.filter(
        verb__in=[AuditVerb.ENROLLMENT_ACCEPTED, AuditVerb.ENROLLMENT_CONFLICT_ACKNOWLEDGED]
    ).exists()


def test_the_creator_sees_the_conflict_and_must_acknowledge_it_on_the_page(
    picky: CreatorProfile, conflicted: Enrollment
) -> None:
    client = login_client(picky.user)
    url = reverse("portal_invitation", args=[conflicted.pk])
    html = client.get(url).content.decode()
    assert "This goes against what you won" in html and "excludes serum" in html
    assert "It is fragrance-free." in html and 'name="acknowledge_conflict"' in html
    data = {"action": "accept", "terms_version": 1, "accept_terms": "on"}
    assert client.post(url, data).status_code == 400
    nothing_written(conflicted)
    assert client.post(url, {**data, "acknowledge_conflict": "on"}).status_code == 302
    conflicted.refresh_from_db()
    assert conflicted.state == EnrollmentState.ACCEPTED
    assert conflicted.conflict_acknowledged_at is not None
    event = AuditEvent.objects.get(verb=AuditVerb.ENROLLMENT_CONFLICT_ACKNOWLEDGED)
    assert event.actor == picky.user and event.after == {"conflicts": "excludes serum"}
    assert "You acknowledged it on" in client.get(url).content.decode()


def test_the_api_refuses_an_accept_without_the_acknowledgement(
    picky: CreatorProfile, conflicted: Enrollment
) -> None:
    client = login_client(picky.user)
    url = f"/api/v1/me/invitations/{conflicted.pk}/accept/"
    response = client.post(url, {"terms_version": 1}, content_type="application/json")
    assert response.status_code == 400
    nothing_written(conflicted)
    with pytest.raises(DomainError):
        recruiting.terms_accept(enrollment=conflicted, user=picky.user, terms_version=1)
    nothing_written(conflicted)
    body = {"terms_version": 1, "acknowledge_conflict": True}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["conflict_acknowledged_at"] is not None


def test_an_invitation_without_conflict_needs_no_acknowledgement(world: World) -> None:
    client = world.creator_client()
    url = reverse("portal_invitation", args=[world.enrollment.pk])
    assert 'name="acknowledge_conflict"' not in client.get(url).content.decode()
    response = client.post(url, {"action": "accept", "terms_version": 1, "accept_terms": "on"})
    assert response.status_code == 302
    world.enrollment.refresh_from_db()
    assert world.enrollment.state == EnrollmentState.ACCEPTED
    assert world.enrollment.conflict_acknowledged_at is None
