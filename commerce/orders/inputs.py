"""What an order or a refund must look like to come in, whichever way it comes (API, CSV,
Shopify): checked here in plain Python (fast enough for 500 at once), all-or-nothing.

A value that is not a number, negative, NaN or with more than two decimals is refused (400), as
is a missing id, an unknown currency shape or a date in the future. ``content_hash`` is the
sha256 of the normalised content: the same order sent again is recognised (idempotent), the
same id with another content is a conflict (409)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext

from commerce.models import (
    ATTRIBUTION_ID_MAX_LENGTH,
    DISCOUNT_CODE_MAX_LENGTH,
    ORDER_ID_MAX_LENGTH,
)
from influencer_ops.errors import DomainError
from influencer_ops.validation import AMOUNT_DIGITS

MAX_BATCH = 500
CENT = Decimal("0.01")
MAX_VALUE = Decimal(10) ** (AMOUNT_DIGITS[0] - AMOUNT_DIGITS[1]) - Decimal("0.01")
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
ORDER_FIELDS = (
    "id",
    "placed_at",
    "currency",
    "gross_value",
    "net_value",
    "discount_code",
    "attribution_id",
)
REFUND_FIELDS = ("order_id", "id", "amount", "refunded_at")


class OrdersInvalid(DomainError):
    """Some orders (or refunds) of a batch are not acceptable: nothing was stored.
    ``errors`` maps each refused item's index to {field: [messages]}."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]) -> None:
        self.errors = errors
        first = min(errors)
        field, messages = next(iter(errors[first].items()))
        super().__init__(
            gettext("%(count)s refused, nothing stored. Item %(index)s, %(field)s: %(message)s")
            % {"count": len(errors), "index": first + 1, "field": field, "message": messages[0]}
        )

    def field_errors(self) -> dict[str | None, list[str]]:
        return {None: [str(self)]}


def _hash(data: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


# A JSON string as ``json.dumps`` writes it (ASCII, escaped): the order's hash is built from
# its fields in key order without a dict and ``json.dumps`` (half the cost of a whole batch's
# checks); a test holds it to ``_hash`` byte for byte, or replays would become conflicts.
_json_text = json.encoder.encode_basestring_ascii


@dataclass(frozen=True)
class OrderIn:
    source_order_id: str
    placed_at: datetime
    currency: str
    gross_value: Decimal
    net_value: Decimal
    discount_code: str = ""
    attribution_id: str = ""

    @cached_property
    def content_hash(self) -> str:
        """sha256 of ``{"attribution_id", "currency", "discount_code", "gross_value", "id",
        "net_value", "placed_at"}`` as ``json.dumps(…, sort_keys=True)`` writes it."""
        text = (
            f'{{"attribution_id": {_json_text(self.attribution_id)}, '
            f'"currency": {_json_text(self.currency)}, '
            f'"discount_code": {_json_text(self.discount_code)}, '
            f'"gross_value": {_json_text(str(self.gross_value))}, '
            f'"id": {_json_text(self.source_order_id)}, '
            f'"net_value": {_json_text(str(self.net_value))}, '
            f'"placed_at": {_json_text(self.placed_at.astimezone(UTC).isoformat())}}}'
        )
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class RefundIn:
    source_order_id: str
    source_refund_id: str
    amount: Decimal
    refunded_at: datetime

    @property
    def content_hash(self) -> str:
        return _hash(
            {
                "order_id": self.source_order_id,
                "id": self.source_refund_id,
                "amount": str(self.amount),
                "refunded_at": self.refunded_at.astimezone(UTC).isoformat(),
            }
        )


_CONTROL = re.compile(r"[\x00-\x1f]")


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)


def clean_amount(value: Any, field: str, errors: _Errors, *, positive: bool = False) -> Decimal:
    """A money amount from a string (or a whole number; never a float): finite, ≥ 0 (> 0 if
    ``positive``), at most two decimals, within the column."""
    if type(value) is str:  # the usual case, first
        text = value.strip()
    elif isinstance(value, float):
        errors.add(
            field, gettext("Send amounts as strings, like “12.50”: a JSON number can lose cents.")
        )
        return Decimal(0)
    elif isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        errors.add(field, gettext("Must be a number (a string like “12.50”)."))
        return Decimal(0)
    else:
        text = str(value).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        errors.add(field, gettext("Must be a number (a string like “12.50”)."))
        return Decimal(0)
    if not amount.is_finite():
        errors.add(field, gettext("Must be a number (a string like “12.50”)."))
        return Decimal(0)
    if amount < 0 or (positive and amount == 0):
        errors.add(
            field,
            gettext("Must be more than zero.") if positive else gettext("Cannot be negative."),
        )
        return Decimal(0)
    cents = amount.quantize(CENT)
    if amount != cents:
        errors.add(field, gettext("At most two decimals."))
        return Decimal(0)
    if amount > MAX_VALUE:
        errors.add(field, gettext("Too large."))
        return Decimal(0)
    return cents


def clean_moment(value: Any, field: str, errors: _Errors) -> datetime:
    """An ISO 8601 date-time (a time zone offset, or UTC) or date, not before 2000 nor in the
    future (a day of slack for clocks)."""
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            parsed = parse_datetime(text)
            if parsed is None and (day := parse_date(text)) is not None:
                parsed = datetime(day.year, day.month, day.day)
        except ValueError:
            parsed = None
    if parsed is None:
        errors.add(field, gettext("An ISO 8601 date and time, like 2026-05-01T14:30:00Z."))
        return EARLIEST
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    if parsed < EARLIEST or parsed > timezone.now() + FUTURE_SLACK:
        errors.add(field, gettext("Not before 2000 and not in the future."))
        return EARLIEST
    return parsed


def clean_text(value: Any, field: str, errors: _Errors, *, limit: int, required: bool) -> str:
    if type(value) is str:  # the usual case, first
        text = value.strip()
    elif value is None:
        text = ""
    elif isinstance(value, bool) or not isinstance(value, (str, int)):
        errors.add(field, gettext("Must be text."))
        return ""
    else:
        text = str(value).strip()
    if required and not text:
        errors.add(field, gettext("Required."))
    elif len(text) > limit:
        errors.add(field, gettext("At most %(limit)s characters.") % {"limit": limit})
    elif _CONTROL.search(text):
        errors.add(field, gettext("No control characters."))
    return text


def _unknown(raw: Mapping[str, Any], allowed: Sequence[str], errors: _Errors) -> None:
    for key in raw:
        if key not in allowed:
            errors.add(str(key)[:40], gettext("Unknown field."))


def clean_order(raw: Any) -> tuple[OrderIn | None, dict[str, list[str]]]:
    """One order from a mapping (``ORDER_FIELDS``): the order, or its errors by field."""
    errors = _Errors()
    if type(raw) is not dict and not isinstance(raw, Mapping):
        return None, {"order": [gettext("Each order is an object.")]}
    _unknown(raw, ORDER_FIELDS, errors)
    order_id = clean_text(raw.get("id"), "id", errors, limit=ORDER_ID_MAX_LENGTH, required=True)
    placed_at = clean_moment(raw.get("placed_at"), "placed_at", errors)
    currency = clean_text(raw.get("currency"), "currency", errors, limit=3, required=True).upper()
    if currency and not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        errors.add("currency", gettext("A three-letter ISO 4217 code, like EUR."))
    gross = clean_amount(raw.get("gross_value"), "gross_value", errors)
    net_raw = raw.get("net_value")
    net = gross if net_raw in (None, "") else clean_amount(net_raw, "net_value", errors)
    if net > gross and not errors.fields:
        errors.add("net_value", gettext("Cannot be more than the gross value."))
    code = clean_text(
        raw.get("discount_code"),
        "discount_code",
        errors,
        limit=DISCOUNT_CODE_MAX_LENGTH,
        required=False,
    ).upper()
    attribution = clean_text(
        raw.get("attribution_id"),
        "attribution_id",
        errors,
        limit=ATTRIBUTION_ID_MAX_LENGTH,
        required=False,
    )
    if errors.fields:
        return None, errors.fields
    return OrderIn(order_id, placed_at, currency, gross, net, code, attribution), {}


def clean_refund(raw: Any) -> tuple[RefundIn | None, dict[str, list[str]]]:
    errors = _Errors()
    if not isinstance(raw, Mapping):
        return None, {"refund": [gettext("Each refund is an object.")]}
    _unknown(raw, REFUND_FIELDS, errors)
    order_id = clean_text(
        raw.get("order_id"), "order_id", errors, limit=ORDER_ID_MAX_LENGTH, required=True
    )
    refund_id = clean_text(raw.get("id"), "id", errors, limit=ORDER_ID_MAX_LENGTH, required=True)
    amount = clean_amount(raw.get("amount"), "amount", errors, positive=True)
    refunded_at = clean_moment(raw.get("refunded_at"), "refunded_at", errors)
    if errors.fields:
        return None, errors.fields
    return RefundIn(order_id, refund_id, amount, refunded_at), {}


def clean_batch(items: Any, cleaner: Any) -> list[Any]:
    """Every item of a batch (1 to ``MAX_BATCH``), or ``OrdersInvalid`` naming each refused."""
    if isinstance(items, Mapping):
        items = [items]
    if not isinstance(items, list) or not items:
        raise OrdersInvalid({0: {"items": [gettext("Send an object or a non-empty list.")]}})
    if len(items) > MAX_BATCH:
        raise OrdersInvalid(
            {0: {"items": [gettext("At most %(max)s at a time.") % {"max": MAX_BATCH}]}}
        )
    cleaned, errors = [], {}
    for index, raw in enumerate(items):
        item, problems = cleaner(raw)
        if problems:
            errors[index] = problems
        cleaned.append(item)
    if errors:
        raise OrdersInvalid(errors)
    return cleaned
