"""Writes of the calendar feeds: make a feed's secret address, or replace it (rotate)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Forbidden
from programs.models import CreatorCalendarFeed, Program, ProgramCalendarFeed


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def creator_feed_rotate(*, user: Any) -> CreatorCalendarFeed:
    """The creator's feed address: made on first use, replaced afterwards (the old one is a 404
    from now on)."""
    if not getattr(user, "is_creator", False):
        raise Forbidden(gettext("Only creators have a due-date calendar."))
    feed, created = CreatorCalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"token": _new_token()}
    )
    if not created:
        feed.token, feed.rotated_at = _new_token(), timezone.now()
        feed.save(update_fields=["token", "rotated_at"])
    return feed


@transaction.atomic
def program_feed_rotate(*, program: Program, actor: Any) -> ProgramCalendarFeed:
    """The program's feed address for its team: made on first use, replaced afterwards."""
    feed, created = ProgramCalendarFeed.objects.select_for_update().get_or_create(
        organization=program.organization, program=program, defaults={"token": _new_token()}
    )
    if not created:
        feed.token, feed.rotated_at = _new_token(), timezone.now()
        feed.save(update_fields=["token", "rotated_at"])
        audit_record(
            organization=program.organization,
            actor=actor,
            verb=AuditVerb.CALENDAR_FEED_ROTATED,
            target=feed,
            after={"rotated_at": feed.rotated_at.isoformat() if feed.rotated_at else None},
        )
    return feed
