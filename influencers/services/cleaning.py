"""One rule per creator field, shared by the forms, the API and the CSV import.

Each cleaner raises the core ``FieldError`` naming the field, so a page shows the message on
that field and the API answers 400 on it. The limits come from ``influencer_ops.validation``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext

from influencer_ops import validation
from influencer_ops.choices import Category, Platform
from influencer_ops.errors import FieldError

_CENT = Decimal("0.01")


def clean_display_name(value: str) -> str:
    limit = validation.CREATOR_NAME_MAX_LENGTH
    try:
        return validation.clean_text(value, limit=limit, required=True)
    except validation.ValueInvalid as exc:
        message = gettext("A creator needs a name.") if not (value or "").strip() else None
        raise FieldError(
            "display_name", message or f"A name has at most {limit} characters."
        ) from exc


def clean_email(value: str) -> str:
    value = (value or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError as exc:
        raise FieldError(
            "email", gettext("“%(value)s” is not a valid e-mail address.") % {"value": value}
        ) from exc
    return value


def clean_categories(values: Iterable[str]) -> list[str]:
    by_name = {c.value: c.value for c in Category} | {c.label.lower(): c.value for c in Category}
    cleaned: list[str] = []
    for raw in values:
        name = raw.strip().lower()
        if not name:
            continue
        if name not in by_name:
            raise FieldError(
                "categories", gettext("Unknown category “%(strip)s”.") % {"strip": raw.strip()}
            )
        if by_name[name] not in cleaned:
            cleaned.append(by_name[name])
    return cleaned


def clean_languages(values: Iterable[str]) -> list[str]:
    name_limit = validation.CREATOR_LANGUAGE_MAX_LENGTH
    most = validation.CREATOR_LANGUAGES_MAX_ITEMS
    cleaned: list[str] = []
    for raw in values:
        name = raw.strip()
        if not name:
            continue
        if len(name) > name_limit:
            raise FieldError(
                "languages",
                gettext("A language name has at most %(name_limit)s characters.")
                % {"name_limit": name_limit},
            )
        if name.lower() not in (c.lower() for c in cleaned):
            cleaned.append(name)
    if len(cleaned) > most:
        raise FieldError("languages", gettext("List at most %(most)s languages.") % {"most": most})
    return cleaned


def clean_location(value: str) -> str:
    limit = validation.CREATOR_LOCATION_MAX_LENGTH
    try:
        return validation.clean_text(value, limit=limit)
    except validation.ValueInvalid as exc:
        raise FieldError(
            "location", gettext("A location has at most %(limit)s characters.") % {"limit": limit}
        ) from exc


def clean_rate(value: Decimal | str | None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise FieldError(
            "rate_per_post", gettext("“%(value)s” is not an amount.") % {"value": value}
        ) from exc
    if not rate.is_finite() or rate < 0:
        raise FieldError("rate_per_post", gettext("The rate per post cannot be negative."))
    try:
        validation.clean_money(rate, digits=validation.CREATOR_RATE_DIGITS)
    except validation.ValueInvalid as exc:
        raise FieldError(
            "rate_per_post", gettext("Use an amount up to 99,999,999.99 with two decimals.")
        ) from exc
    return rate.quantize(_CENT)


def clean_currency(value: str) -> str:
    try:
        return validation.clean_currency(value)
    except validation.ValueInvalid as exc:
        raise FieldError(
            "rate_currency", gettext("The currency is a three-letter ISO 4217 code.")
        ) from exc


def clean_milestone(value: int | str) -> int:
    try:
        milestone = int(str(value).strip())
    except ValueError as exc:
        raise FieldError(
            "click_milestone", gettext("“%(value)s” is not a whole number.") % {"value": value}
        ) from exc
    if not 1 <= milestone <= validation.MAX_INT:
        raise FieldError(
            "click_milestone", gettext("The click milestone is a whole number above 0.")
        )
    return milestone


def clean_notes(value: str) -> str:
    limit = validation.CREATOR_NOTES_MAX_LENGTH
    try:
        return validation.clean_text(value, limit=limit)
    except validation.ValueInvalid as exc:
        raise FieldError(
            "internal_notes",
            gettext("Internal notes have at most %(limit)s characters.") % {"limit": limit},
        ) from exc


def clean_audience(value: int | str | None, platform: str = "") -> int:
    name = f"{platform}_audience" if platform else "audience_size"
    if value is None or str(value).strip() == "":
        return 0
    try:
        audience = int(str(value).strip().replace("_", ""))
    except ValueError as exc:
        raise FieldError(
            name, gettext("“%(value)s” is not a whole number of followers.") % {"value": value}
        ) from exc
    if not 0 <= audience <= validation.MAX_INT:
        raise FieldError(name, gettext("An audience is a whole number, 0 or more."))
    return audience


def clean_handle(data: Mapping[str, Any]) -> dict[str, Any]:
    """``{platform, handle, audience_size, engagement_rate}`` → clean values."""
    platform = str(data.get("platform", "")).strip().lower()
    if platform not in Platform.values:
        raise FieldError(
            "handles", gettext("Unknown platform “%(platform)s”.") % {"platform": platform}
        )
    handle = str(data.get("handle", "")).strip().lstrip("@").strip()
    if not handle or len(handle) > validation.HANDLE_MAX_LENGTH:
        raise FieldError(
            platform,
            gettext("A handle has 1 to %(HANDLE_MAX_LENGTH)s characters.")
            % {"HANDLE_MAX_LENGTH": validation.HANDLE_MAX_LENGTH},
        )
    try:
        engagement = Decimal(str(data.get("engagement_rate") or 0))
    except InvalidOperation as exc:
        raise FieldError(
            f"{platform}_engagement", gettext("The engagement rate is a percentage.")
        ) from exc
    if not engagement.is_finite() or not 0 <= engagement <= 100:
        raise FieldError(
            f"{platform}_engagement", gettext("The engagement rate is between 0 and 100.")
        )
    return {
        "platform": platform,
        "handle": handle,
        "audience_size": clean_audience(data.get("audience_size"), platform),
        "engagement_rate": engagement.quantize(_CENT),
    }


def clean_handles(handles: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    cleaned = [clean_handle(h) for h in handles]
    platforms = [h["platform"] for h in cleaned]
    if len(platforms) != len(set(platforms)):
        raise FieldError("handles", gettext("One handle per platform."))
    return cleaned
