"""Cleaning metric values and days: shared by the CSV import and the API's upsert, so both refuse
the same input with the same words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from influencer_ops.errors import FieldError
from influencer_ops.validation import METRIC_COUNT_MAX

METRIC_FIELDS = ("reach", "impressions", "likes", "comments", "shares", "saves", "views")
DIGITS = re.compile(r"\d+")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def clean_count(value: int | str | None, column: str) -> int:
    """A non-negative whole number; empty counts as 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    text = str(value).strip()
    if text.startswith("-") and DIGITS.fullmatch(text[1:]) and int(text[1:]) > 0:
        raise FieldError(column, f"{column} cannot be negative ({text}).")
    if not DIGITS.fullmatch(text.lstrip("+")):
        raise FieldError(column, f"{column} must be a whole number, not “{text}”.")
    count = int(text)
    if count > METRIC_COUNT_MAX:
        raise FieldError(column, f"{column} is too large.")
    return count


def clean_day(value: date | str, today: date, column: str = "date") -> date:
    """A day (YYYY-MM-DD) that is not in the future on the org's calendar."""
    if isinstance(value, date):
        day = value
    else:
        text = (value or "").strip()
        if not _ISO_DAY.fullmatch(text):
            raise FieldError(column, f"“{text}” is not a date: write it as YYYY-MM-DD.")
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise FieldError(column, f"“{text}” is not a date on the calendar.") from exc
    if day > today:
        raise FieldError(column, f"{day:%Y-%m-%d} is in the future: metrics are for past days.")
    return day


def clean_values(values: Mapping[str, int | str | None]) -> dict[str, int]:
    unknown = sorted(set(values) - set(METRIC_FIELDS))
    if unknown:
        raise FieldError(unknown[0], f"Unknown metric “{unknown[0]}”.")
    return {name: clean_count(values.get(name), name) for name in METRIC_FIELDS}
