from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from accounts.selectors import known_time_zone
from influencer_ops.errors import FieldError


def user_set_time_zone(*, user: Any, time_zone: str) -> None:
    """The user's own display zone; empty goes back to the organization's. Unknown → refused."""
    if time_zone and not known_time_zone(time_zone):
        raise FieldError("time_zone", gettext("Unknown time zone."))
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
