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
from django.utils.translation import gettext

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
# API lists: the largest page a client may ask for, and the furthest it may skip.
PAGE_SIZE_MAX = 200
OFFSET_MAX = MAX_INT
# An id sent by a client (a query filter or a path segment): ids are bigint keys.
ID_MAX = 9_223_372_036_854_775_807
# Dates a person plans with (a program's launch and end): nothing before DATE_MIN, nothing more
# than DATE_MAX_YEARS_AHEAD years after today.
DATE_MIN = date(2000, 1, 1)
DATE_MAX_YEARS_AHEAD = 10


class ValueInvalid(DomainError):
    """One value was refused; the message is for the person who typed it."""


def clean_text(value: Any, *, limit: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValueInvalid(gettext("This field is required."))
    if len(text) > limit:
        raise ValueInvalid(gettext("At most %(limit)s characters.") % {"limit": limit})
    return text


def clean_money(value: Any, *, digits: tuple[int, int] = AMOUNT_DIGITS) -> Decimal | None:
    """A non-negative decimal that fits its column; None when empty. Floats are refused by the
    API layer before this (a JSON float is not an exact amount)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueInvalid(gettext("Enter an amount."))
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueInvalid(gettext("Enter an amount.")) from exc
    max_digits, places = digits
    if not amount.is_finite():
        raise ValueInvalid(gettext("Enter an amount."))
    if amount < 0:
        raise ValueInvalid(gettext("The amount cannot be negative."))
    if amount >= Decimal(10) ** (max_digits - places):
        raise ValueInvalid(gettext("The amount is too large."))
    exponent = amount.as_tuple().exponent  # an int: the amount is finite
    if isinstance(exponent, int) and exponent < -places and amount != round(amount, places):
        raise ValueInvalid(gettext("At most %(places)s decimal places.") % {"places": places})
    return amount


def clean_int(
    value: Any, *, minimum: int = 0, maximum: int = MAX_INT, required: bool = False
) -> int | None:
    if value is None or value == "":
        if required:
            raise ValueInvalid(gettext("This field is required."))
        return None
    if isinstance(value, bool):
        raise ValueInvalid(gettext("Enter a whole number."))
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ValueInvalid(gettext("Enter a whole number.")) from exc
    if number != value and not isinstance(value, str):
        raise ValueInvalid(gettext("Enter a whole number."))
    if number < minimum:
        raise ValueInvalid(gettext("At least %(minimum)s.") % {"minimum": minimum})
    if number > maximum:
        raise ValueInvalid(gettext("The number is too large."))
    return number


def clean_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueInvalid(gettext("Enter a valid date.")) from exc


def date_max(today: date) -> date:
    """The latest planning date accepted on ``today``: DATE_MAX_YEARS_AHEAD years on."""
    try:
        return today.replace(year=today.year + DATE_MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + DATE_MAX_YEARS_AHEAD, day=28)


def check_date_bounds(value: date | None, *, today: date) -> date | None:
    """A planning date within DATE_MIN and ``date_max(today)``, or ValueInvalid."""
    if value is None:
        return None
    if value < DATE_MIN:
        raise ValueInvalid(
            gettext("Enter a date from %(isoformat)s.") % {"isoformat": DATE_MIN.isoformat()}
        )
    latest = date_max(today)
    if value > latest:
        raise ValueInvalid(
            gettext("Enter a date up to %(isoformat)s.") % {"isoformat": latest.isoformat()}
        )
    return value


def as_list(value: Any) -> list[str]:
    """A list from a list or a comma-separated string: stripped, blanks and repeats dropped."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        raise ValueInvalid(gettext("Enter a list."))
    return list(dict.fromkeys(str(item).strip() for item in value if str(item).strip()))


def clean_choice_list(value: Any, choices: Iterable[str]) -> list[str]:
    allowed = set(choices)
    items = as_list(value)
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise ValueInvalid(gettext("Unknown choice: %(join)s.") % {"join": ", ".join(unknown)})
    return items


def clean_free_list(value: Any) -> list[str]:
    items = as_list(value)
    if len(items) > FREE_LIST_MAX_ITEMS or any(
        len(item) > FREE_LIST_ITEM_MAX_LENGTH for item in items
    ):
        raise ValueInvalid(
            gettext(
                "At most %(FREE_LIST_MAX_ITEMS)s entries of "
                "%(FREE_LIST_ITEM_MAX_LENGTH)s characters each."
            )
            % {
                "FREE_LIST_MAX_ITEMS": FREE_LIST_MAX_ITEMS,
                "FREE_LIST_ITEM_MAX_LENGTH": FREE_LIST_ITEM_MAX_LENGTH,
            }
        )
    return items


def clean_currency(value: Any) -> str:
    code = str(value or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueInvalid(gettext("Use a three-letter ISO 4217 code, e.g. USD or EUR."))
    return code


def clean_url(value: Any, *, limit: int = URL_MAX_LENGTH) -> str:
    """An http(s) address, or "" when empty."""
    text = str(value or "").strip()
    if not text:
        return ""
    if len(text) > limit:
        raise ValueInvalid(gettext("At most %(limit)s characters.") % {"limit": limit})
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError as exc:
        raise ValueInvalid(
            gettext("Enter a web address starting with http:// or https://.")
        ) from exc
    return text


# --- limits of one app's fields: each app adds its own below its heading ---

# organizations

# influencers

CREATOR_NAME_MAX_LENGTH = NAME_MAX_LENGTH
CREATOR_LOCATION_MAX_LENGTH = 120
CREATOR_LANGUAGE_MAX_LENGTH = 40
CREATOR_LANGUAGES_MAX_ITEMS = 20
CREATOR_NOTES_MAX_LENGTH = 5000
CREATOR_RATE_DIGITS = (10, 2)  # rate per post: up to 99,999,999.99
CREATOR_HANDLES_MAX_ITEMS = 20
HANDLE_MAX_LENGTH = 100
AWAY_NOTE_MAX_LENGTH = 200
INTEREST_NOTE_MAX_LENGTH = SHORT_TEXT_MAX_LENGTH
MILESTONE_REASON_MAX_LENGTH = SHORT_TEXT_MAX_LENGTH
EXCLUSION_VALUE_MAX_LENGTH = 100  # a brand, product or topic a creator won't promote
EXCLUSIONS_MAX_ITEMS = 100
VALUES_STATEMENT_MAX_LENGTH = NOTE_MAX_LENGTH
CREATOR_IMPORT_MAX_ROWS = 5000
CREATOR_IMPORT_MAX_CHARS = 5_000_000

# messaging

# programs
PROGRAM_GOALS_MAX_LENGTH = 5000
DISCLOSURE_RULE_MAX_LENGTH = 200
# Why a program was cancelled, an invitation declined, a creator withdrawn or terms amended.
REASON_MAX_LENGTH = 500
DELIVERABLE_COUNT_MAX = 100
DUE_OFFSET_MAX_DAYS = 3650
# An extension may move a due date at most this many days past the program's end date.
EXTENSION_GRACE_DAYS = 30
INVITE_MAX_CREATORS = 500  # creators invited in one request
MATCH_SEARCH_MAX_LENGTH = 100  # the candidate search box

# programs: content, deadlines, cases. The columns decide: every web address these features store
# (a deliverable's live URL, a submission's links and media URL, a case's evidence links) is a
# 500-character column, so they keep 500 rather than URL_MAX_LENGTH.
DELIVERY_URL_MAX_LENGTH = 500
CAPTION_MAX_LENGTH = 5000  # captions, review comments and internal notes
OVERRIDE_REASON_MAX_LENGTH = 500  # Review.override_reason
SUBMISSION_MAX_LINKS = 10
EXTENSION_TEXT_MAX_LENGTH = 500  # Extension.reason and decision_note
CASE_EVIDENCE_MAX_LENGTH = 10_000  # ComplianceCase.evidence
CASE_MAX_EVIDENCE_LINKS = 20
CASE_TEXT_MAX_LENGTH = 5000  # CaseAction.text
# The reason for ending is quoted in the thread message, which has its own length limit.
CASE_END_REASON_MAX_LENGTH = 2000
AMENDMENT_REASON_MAX_LENGTH = 500  # TermsVersion.reason

# tracking

LINK_CODE_MAX_LENGTH = 32  # a tracked link's code (/r/<code>)
CLICK_USER_AGENT_MAX_LENGTH = 512  # the part of a user agent classified and hashed
METRIC_COUNT_MAX = 9_223_372_036_854_775_807  # a metric value (PositiveBigIntegerField)
BIGINT_ID_MAX = ID_MAX  # a bigint primary key (a deliverable id)
METRICS_IMPORT_MAX_ROWS = 20_000
REPORT_MONEY_DIGITS = (14, 2)  # sums of amounts in reports (max_digits, decimal_places)

# payments
# Payment money columns (payouts, ledger, schedule thresholds) are wider than AMOUNT_DIGITS.
PAYMENT_AMOUNT_DIGITS = (14, 2)
PAYMENT_TEXT_MAX_LENGTH = 500  # explanation, hold/failure reason, ledger memo, tax form note
ACCOUNT_NAME_MAX_LENGTH = 120
ACCOUNT_IDENTIFIER_LENGTH = (4, 64)  # (min, max): IBAN, account number or PayPal e-mail
TAX_FORM_REFERENCE_MAX_LENGTH = 120
PROVIDER_REFERENCE_MAX_LENGTH = 120

# accounts: API tokens
API_TOKEN_NAME_MAX_LENGTH = 100
API_TOKEN_MAX_DAYS = 365  # a token expires at the latest a year after it is made
