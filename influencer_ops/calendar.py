"""The one clock for "today": an organization's calendar day, in its own time zone."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import Any

from django.utils import timezone


def org_zone(organization: Any) -> zoneinfo.ZoneInfo:
    """The org's time zone; UTC when it is unset or unknown."""
    try:
        return zoneinfo.ZoneInfo(getattr(organization, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def org_today(organization: Any, moment: datetime | None = None) -> date:
    """The calendar day it is (or was at ``moment``) where the organization works."""
    return (moment or timezone.now()).astimezone(org_zone(organization)).date()
