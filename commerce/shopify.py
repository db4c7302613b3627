"""Shopify's order and refund webhooks: the signature and the formats.

Shopify signs each webhook with the shared secret: ``X-Shopify-Hmac-Sha256`` is the base64
HMAC-SHA256 of the raw body. An order (``orders/create``) carries its ``id``, ``processed_at``
or ``created_at``, ``currency``, ``total_price`` (what the buyer paid: the gross value) and
``subtotal_price`` (after discounts, before shipping and taxes: the net value), its
``discount_codes`` and where the buyer landed: ``landing_site`` (with our ``io_ref``) and
``note_attributes`` (a theme may copy ``io_ref`` there). A refund (``refunds/create``) carries
its ``id``, ``order_id``, ``created_at`` and the money in its ``transactions`` (kind
``refund``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from tracking.links.attribution import ATTRIBUTION_PARAM, attribution_of

HMAC_HEADER = "HTTP_X_SHOPIFY_HMAC_SHA256"


def sign(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verified(secret: str, body: bytes, signature: str | None) -> bool:
    return bool(secret and signature) and hmac.compare_digest(sign(secret, body), signature or "")


def _attribution(payload: Mapping[str, Any]) -> str:
    for note in payload.get("note_attributes") or []:
        if isinstance(note, Mapping) and note.get("name") == ATTRIBUTION_PARAM:
            return str(note.get("value") or "").strip()
    for key in ("landing_site", "referring_site"):
        value = payload.get(key)
        if isinstance(value, str) and (found := attribution_of(value)):
            return found
    return ""


def order_fields(payload: Any) -> Any:
    """Shopify's order as the fields ``commerce.orders.inputs.clean_order`` checks (values
    are passed as they came: a bad one is refused there, 400)."""
    if not isinstance(payload, Mapping):
        return payload
    codes = [c.get("code") for c in payload.get("discount_codes") or [] if isinstance(c, Mapping)]
    fields = {
        "id": payload.get("id"),
        "placed_at": payload.get("processed_at") or payload.get("created_at"),
        "currency": payload.get("currency"),
        "gross_value": payload.get("total_price"),
        "net_value": payload.get("subtotal_price"),
        "discount_code": codes[0] if codes else "",
        "attribution_id": _attribution(payload),
    }
    return fields


def refund_fields(payload: Any) -> Any:
    """Shopify's refund as ``clean_refund``'s fields: the amount is the sum of its successful
    refund transactions ("0" when it moved no money, e.g. a restock only)."""
    if not isinstance(payload, Mapping):
        return payload
    total = Decimal(0)
    for transaction in payload.get("transactions") or []:
        if not isinstance(transaction, Mapping) or transaction.get("kind") != "refund":
            continue
        if transaction.get("status") not in (None, "success"):
            continue
        try:
            total += Decimal(str(transaction.get("amount")))
        except InvalidOperation:
            return {**payload, "amount": transaction.get("amount")}
    return {
        "order_id": payload.get("order_id"),
        "id": payload.get("id"),
        "amount": str(total),
        "refunded_at": payload.get("processed_at") or payload.get("created_at"),
    }
