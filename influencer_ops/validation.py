"""Limits and cleaners, defined once: models, forms, serializers and services share them.

A cleaner takes what a person or a client sent (a form value, JSON, a CSV cell) and returns the
clean value or raises ``ValueInvalid`` with a message for that person. Services call them, so a
page, the API and an import refuse the same input with the same words. Model fields and
serializer fields take their ``max_length``/``max_digits`` from the constants here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from influencer_ops.errors import DomainError

# --- limits shared by every app ---

MAX_INT = 2_147_483_647  # PostgreSQL integer
URL_MAX_LENGTH = 1000
NAME_MAX_LENGTH = 150
SHORT_TEXT_MAX_LENGTH = 300
NOTE_MAX_LENGTH = 2000
LONG_TEXT_MAX_LENGTH = 10_000
# (max_digits, decimal_places) of money columns: amounts, and per-click rates.
AMOUNT_DIGITS = (12, 2)
RATE_DIGITS = (8, 4)
FREE_LIST_MAX_ITEMS = 50
FREE_LIST_ITEM_MAX_LENGTH = 60


class ValueInvalid(DomainError):
    """One value was refused; the message is for the person who typed it."""


def clean_text(value: Any, *, limit: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValueInvalid("This field is required.")
    if len(text) > limit:
        raise ValueInvalid(f"At most {limit} characters.")
    return text


def clean_money(value: Any, *, digits: tuple[int, int] = AMOUNT_DIGITS) -> Decimal | None:
    """A non-negative decimal that fits its column; None when empty. Floats are refused by the
    API layer before this (a JSON float is not an exact amount)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueInvalid("Enter an amount.")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueInvalid("Enter an amount.") from exc
    max_digits, places = digits
    if not amount.is_finite():
        raise ValueInvalid("Enter an amount.")
    if amount < 0:
        raise ValueInvalid("The amount cannot be negative.")
    if amount >= Decimal(10) ** (max_digits - places):
        raise ValueInvalid("The amount is too large.")
    exponent = amount.as_tuple().exponent  # an int: the amount is finite
    if isinstance(exponent, int) and exponent < -places and amount != round(amount, places):
        raise ValueInvalid(f"At most {places} decimal places.")
    return amount


def clean_int(
    value: Any, *, minimum: int = 0, maximum: int = MAX_INT, required: bool = False
) -> int | None:
    if value is None or value == "":
        if required:
            raise ValueInvalid("This field is required.")
        return None
    if isinstance(value, bool):
        raise ValueInvalid("Enter a whole number.")
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ValueInvalid("Enter a whole number.") from exc
    if number != value and not isinstance(value, str):
        raise ValueInvalid("Enter a whole number.")
    if number < minimum:
        raise ValueInvalid(f"At least {minimum}.")
    if number > maximum:
        raise ValueInvalid("The number is too large.")
    return number


def clean_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueInvalid("Enter a valid date.") from exc


def as_list(value: Any) -> list[str]:
    """A list from a list or a comma-separated string: stripped, blanks and repeats dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        raise ValueInvalid("Enter a list.")
    return list(dict.fromkeys(str(item).strip() for item in value if str(item).strip()))


def clean_choice_list(value: Any, choices: Iterable[str]) -> list[str]:
    allowed = set(choices)
    items = as_list(value)
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise ValueInvalid(f"Unknown choice: {', '.join(unknown)}.")
    return items


def clean_free_list(value: Any) -> list[str]:
    items = as_list(value)
    if len(items) > FREE_LIST_MAX_ITEMS or any(
        len(item) > FREE_LIST_ITEM_MAX_LENGTH for item in items
    ):
        raise ValueInvalid(
            f"At most {FREE_LIST_MAX_ITEMS} entries of {FREE_LIST_ITEM_MAX_LENGTH} characters each."
        )
    return items


def clean_currency(value: Any) -> str:
    code = str(value or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueInvalid("Use a three-letter ISO 4217 code, e.g. USD or EUR.")
    return code


def clean_url(value: Any, *, limit: int = URL_MAX_LENGTH) -> str:
    """An http(s) address, or "" when empty."""
    text = str(value or "").strip()
    if not text:
        return ""
    if len(text) > limit:
        raise ValueInvalid(f"At most {limit} characters.")
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError as exc:
        raise ValueInvalid("Enter a web address starting with http:// or https://.") from exc
    return text


# --- limits of one app's fields: each app adds its own below its heading ---

# organizations

# influencers

# messaging

# programs
PROGRAM_GOALS_MAX_LENGTH = 5000
DISCLOSURE_RULE_MAX_LENGTH = 200
# Why a program was cancelled, an invitation declined, a creator withdrawn or terms amended.
REASON_MAX_LENGTH = 500
DELIVERABLE_COUNT_MAX = 100
DUE_OFFSET_MAX_DAYS = 3650
INVITE_MAX_CREATORS = 500  # creators invited in one request
MATCH_SEARCH_MAX_LENGTH = 100  # the candidate search box

# tracking

# payments
