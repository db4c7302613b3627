"""A corrected click milestone reaches the terms: an amendment per open place, which the
creator sees and accepts; confirmation waits for it; nothing changes silently."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from influencer_ops.errors import Conflict
from messaging.models import Notification
from organizations.roles import Role
from payments.figures.checks import milestones_follow_terms
from programs.recruiting import services as recruiting
from programs.recruiting.services import creator_milestone_correct, latest_terms
from tests.conftest import World

pytestmark = pytest.mark.django_db


def accept(world: World) -> None:
    admin = world.cast.members[Role.ADMIN].user
    recruiting.enrollment_move(enrollment=world.enrollment, target="accepted", actor=admin)
    world.enrollment.refresh_from_db()


def correct(world: World, new: int) -> Any:
    ism = world.cast.members[Role.ISM].user
    return creator_milestone_correct(
        profile=world.creator, actor=ism, new=new, reason="The brand agreed to a lower target."
    )


def test_each_open_place_gets_an_amendment_the_creator_must_accept(world: World) -> None:
    accept(world)
    was = latest_terms(world.enrollment).snapshot["click_milestone"]
    assert was != 600
    change, amendments = correct(world, 600)
    assert (change.old, change.new) == (was, 600)
    assert {a.enrollment_id for a in amendments} == {world.enrollment.pk}  # Olli is not Cara
    amendment = latest_terms(world.enrollment)
    assert amendment.snapshot["click_milestone"] == 600 and amendment.accepted_at is None
    assert f"from {was:,} to 600 valid clicks" in amendment.reason
    # The creator is told, and the ISM cannot confirm before the creator accepts.
    assert Notification.objects.filter(
        recipient=world.creator.user, event_key__contains=f"terms:{amendment.number}"
    ).exists()
    with pytest.raises(Conflict):
        recruiting.enrollment_confirm(
            enrollment=world.enrollment, actor=world.cast.members[Role.ISM].user
        )
    # Meanwhile the figures audit sees the amendment waiting: not a silent mismatch.
    assert milestones_follow_terms(world.cast.org, None) == []
    recruiting.terms_accept(
        enrollment=world.enrollment, user=world.creator.user, terms_version=amendment.number
    )
    world.enrollment.refresh_from_db()
    assert world.enrollment.terms_version.snapshot["click_milestone"] == 600
    recruiting.enrollment_confirm(
        enrollment=world.enrollment, actor=world.cast.members[Role.ISM].user
    )
    assert milestones_follow_terms(world.cast.org, None) == []


def test_a_program_with_its_own_milestone_keeps_its_terms(world: World) -> None:
    accept(world)
    world.program.click_milestone = 5000
    world.program.save(update_fields=["click_milestone"])
    _change, amendments = correct(world, 600)
    assert amendments == []


def test_without_the_amendment_the_audit_finds_the_silent_mismatch(world: World) -> None:
    from influencers.services import milestone_change

    accept(world)
    milestone_change(
        profile=world.creator,
        actor=world.cast.members[Role.ISM].user,
        new=600,
        reason="Only the profile, as before.",
    )
    found = milestones_follow_terms(world.cast.org, None)
    assert [v.key for v in found] == [f"enrollment:{world.enrollment.pk}:terms-milestone"]


def test_the_profile_page_correction_sends_the_amendment(world: World) -> None:
    accept(world)
    client = world.cast.client_for(Role.ISM)
    url = reverse(
        "creator_milestone", kwargs={"org_slug": world.cast.org.slug, "pk": world.creator.pk}
    )
    response = client.post(url, {"new": 600, "reason": "Typo: 600, not 1000."}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        "Click milestone is now 600. New terms sent for 1 program: the creator accepts them."
        in (text)
    )
    assert latest_terms(world.enrollment).snapshot["click_milestone"] == 600
