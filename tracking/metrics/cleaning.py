"""Cleaning metric values and days: shared by the CSV import and the API's upsert, so both refuse
the same input with the same words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from django.utils.translation import gettext

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
        raise FieldError(
            column,
            gettext("%(column)s cannot be negative (%(text)s).") % {"column": column, "text": text},
        )
    if not DIGITS.fullmatch(text.lstrip("+")):
        raise FieldError(
            column,
            gettext("%(column)s must be a whole number, not “%(text)s”.")
            % {"column": column, "text": text},
        )
    count = int(text)
    if count > METRIC_COUNT_MAX:
        raise FieldError(column, gettext("%(column)s is too large.") % {"column": column})
    return count


def clean_day(value: date | str, today: date, column: str = "date") -> date:
    """A day (YYYY-MM-DD) that is not in the future on the org's calendar."""
    if isinstance(value, date):
        day = value
    else:
        text = (value or "").strip()
        if not _ISO_DAY.fullmatch(text):
            raise FieldError(
                column,
                gettext("“%(text)s” is not a date: write it as YYYY-MM-DD.") % {"text": text},
            )
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise FieldError(
                column, gettext("“%(text)s” is not a date on the calendar.") % {"text": text}
            ) from exc
    if day > today:
        raise FieldError(
            column,
            gettext("%(day)s is in the future: metrics are for past days.")
            % {"day": format(day, "%Y-%m-%d")},
        )
    return day


def clean_values(values: Mapping[str, int | str | None]) -> dict[str, int]:
    unknown = sorted(set(values) - set(METRIC_FIELDS))
    if unknown:
        raise FieldError(unknown[0], gettext("Unknown metric “%(value)s”.") % {"value": unknown[0]})
    return {name: clean_count(values.get(name), name) for name in METRIC_FIELDS}
