"""The demo's integrations, made by the real services once the history is played: an analyst's
read-only API token (so the admins' token list is not empty), Cara's due-date calendar and the
Summit Trail program's calendar."""

from __future__ import annotations

from accounts.tokens.services import token_create
from demo.people import Cast
from programs.calendar.services import creator_feed_rotate, program_feed_rotate
from programs.models import Program


def seed_integrations(cast: Cast) -> None:
    north = cast.orgs["northwind"]
    token_create(
        user=cast.users["analyst@demo.test"],
        organization=north,
        name="Weekly report sheet",
        scope="read",
        expires_in_days=90,
    )
    creator_feed_rotate(user=cast.users["creator@demo.test"])
    summit = Program.objects.get(organization=north, name="Summit Trail")
    program_feed_rotate(program=summit, actor=cast.users["bsm@demo.test"])
