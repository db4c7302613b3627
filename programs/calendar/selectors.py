"""Reads of the calendar feeds: a feed by its secret token, and the dates each feed shows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from influencer_ops.tenancy import dangerously_unscoped
from influencers.models import CreatorProfile
from programs.models import (
    CreatorCalendarFeed,
    Deliverable,
    DeliverableState,
    Program,
    ProgramCalendarFeed,
)
from programs.models.calendar import CALENDAR_TOKEN_MAX_LENGTH

# A feed shows what is due from this many days ago on (older dates stay in the calendar apps
# that already have them), and at most this many deliverables.
FEED_PAST_DAYS = 180
FEED_MAX_EVENTS = 2000
NOT_DUE = (DeliverableState.CANCELLED, DeliverableState.EXCUSED)


def feed_by_token(token: str) -> CreatorCalendarFeed | ProgramCalendarFeed | None:
    """The feed whose secret this is, creator's or program's; a lookup by secret, across orgs."""
    if not token or len(token) > CALENDAR_TOKEN_MAX_LENGTH:
        return None
    creator = CreatorCalendarFeed.objects.select_related("user").filter(token=token).first()
    if creator is not None:
        return creator
    with dangerously_unscoped():
        return (
            ProgramCalendarFeed.objects.select_related("program", "organization")
            .filter(token=token)
            .first()
        )


def creator_feed_of(*, user: Any) -> CreatorCalendarFeed | None:
    return CreatorCalendarFeed.objects.filter(user=user).first()


def program_feed_of(*, program: Program) -> ProgramCalendarFeed | None:
    return ProgramCalendarFeed.objects.filter(
        organization=program.organization, program=program
    ).first()


def creator_org_ids(*, user: Any) -> list[int]:
    """The orgs the creator works with (their own profiles, visible through their user clause)."""
    profiles = CreatorProfile.objects.filter(user=user).order_by("organization_id")
    return list(profiles.values_list("organization_id", flat=True))


def creator_due_dates(*, user: Any, today: date) -> QuerySet[Deliverable]:
    """The creator's deliverables in every org (the scope must hold their orgs), due dates with
    every extension and move applied (``due_on`` is the one in force)."""
    return (
        Deliverable.objects.filter(
            enrollment__creator__user=user, due_on__gte=today - timedelta(days=FEED_PAST_DAYS)
        )
        .exclude(state__in=NOT_DUE)
        .select_related("program", "organization")
        .order_by("due_on", "id")[:FEED_MAX_EVENTS]
    )


def program_due_dates(*, program: Program, today: date) -> QuerySet[Deliverable]:
    """Every enrollment's deliverables in the program, with the creator's name (one query)."""
    return (
        Deliverable.objects.filter(
            organization=program.organization,
            program=program,
            due_on__gte=today - timedelta(days=FEED_PAST_DAYS),
        )
        .exclude(state__in=NOT_DUE)
        .select_related("enrollment__creator")
        .order_by("due_on", "id")[:FEED_MAX_EVENTS]
    )
