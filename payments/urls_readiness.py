"""URLs of the payments app (readiness): pages under /orgs/<slug>/, the portal, the API."""

from __future__ import annotations

from typing import Any

page_patterns: list[Any] = []
portal_patterns: list[Any] = []
api_patterns: list[Any] = []
