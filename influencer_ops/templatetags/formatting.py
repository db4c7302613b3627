"""Display formats in the viewer's locale (Babel) and time zone (the one Django has active).

Loaded as a template builtin (settings ``TEMPLATES``), so every template can write
``{{ payout.amount|money:payout.currency }}``, ``{{ reach|number }}``, ``{{ due_on|reldate }}``,
``{{ created_at|when }}`` and ``{{ day|day }}`` without a ``{% load %}``. CSV exports and API
bodies keep machine formats; these filters are for people only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, format_timedelta
from babel.numbers import format_currency, format_decimal, format_percent
from django import template
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

register = template.Library()

# A rate (per click) keeps up to 4 decimals, and only those that say something: $0.1525, $0.15.
RATE_PLACES = Decimal("0.0001")


def active_locale() -> Locale:
    """The Babel locale of the active Django language; English when Babel does not know it."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


@register.filter
def money(amount: Any, currency: Any = "") -> str:
    """``Decimal("10000.00"), "USD"`` → ``$10,000.00``; ``0.1500 EUR`` → ``€0.15``.

    The currency's own decimals always show; up to 4 show when the amount has them (rates).
    """
    value = _decimal(amount)
    if value is None:
        return ""
    code = str(currency or "").upper()
    if not code:
        return number(value)
    trimmed = value.quantize(RATE_PLACES).normalize()
    if trimmed == trimmed.to_integral_value():
        trimmed = trimmed.quantize(Decimal(1))  # no exponent: 1E+4 → 10000
    try:
        return format_currency(
            trimmed, code, locale=active_locale(), currency_digits=True, decimal_quantization=False
        )
    except (ValueError, TypeError):
        return f"{value} {code}"


@register.filter
def number(value: Any) -> str:
    """Grouped digits: ``228635`` → ``228,635``; decimals kept as given."""
    parsed = _decimal(value)
    if parsed is None:
        return "" if value is None else str(value)
    places = -int(parsed.as_tuple().exponent) if parsed.is_finite() else 0
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return format_decimal(parsed, format=pattern, locale=active_locale())


@register.filter
def percent(ratio: Any, places: int = 0) -> str:
    """A ratio as a percentage: ``0.125`` → ``13%``, with ``places=1`` → ``12.5%``."""
    parsed = _decimal(ratio)
    if parsed is None:
        return ""
    pattern = "#,##0%" if int(places) <= 0 else "#,##0." + "#" * int(places) + "%"
    return format_percent(parsed, format=pattern, locale=active_locale())


NBSP = "\u00a0"


def _as_day(value: Any) -> date | None:
    """A date, a datetime (its day where the viewer is) or an ISO string (terms snapshots)."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, date):
        return _viewer_day(value)
    return None


def _viewer_day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value).date()
        return value.date()
    return value


@register.filter
def reldate(value: Any, today: date | None = None) -> str:
    """``today``, ``tomorrow``, ``yesterday``, ``in 3 days``, ``3 days ago`` — counted in the
    viewer's calendar (the active time zone), so a deadline at 01:00 UTC can be "today"."""
    parsed = _as_day(value)
    if parsed is None:
        return ""
    reference = today if isinstance(today, date) else timezone.localdate()
    days = (parsed - reference).days
    if days == 0:
        return gettext("today")
    if days == 1:
        return gettext("tomorrow")
    if days == -1:
        return gettext("yesterday")
    if days > 0:
        return ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}
    return ngettext("%(count)d day ago", "%(count)d days ago", -days) % {"count": -days}


@register.filter
def day(value: Any) -> str:
    """A calendar day in the viewer's locale, never broken over two lines: ``Dec 7, 2026``."""
    parsed = _as_day(value)
    if parsed is None:
        return ""
    return format_date(parsed, format="medium", locale=active_locale()).replace(" ", NBSP)


@register.filter
def when(value: Any) -> str:
    """A moment in the viewer's zone, with its abbreviation: ``Dec 7, 2026, 9:30 AM EST``."""
    if not isinstance(value, datetime):
        return day(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    locale = active_locale()
    # The day and the time each stay on one line; a narrow column may break between them.
    shown_day = format_date(local, format="medium", locale=locale).replace(" ", NBSP)
    shown_time = format_time(local, format="short", locale=locale).replace(" ", NBSP)
    zone = local.tzname()
    if zone:
        shown_time = f"{shown_time}{NBSP}{zone}"
    return gettext("%(day)s, %(time)s") % {"day": shown_day, "time": shown_time}


@register.filter
def zone_name(value: Any = None) -> str:
    """The active zone's abbreviation now (or at ``value``), for column headings: ``EST``."""
    moment = value if isinstance(value, datetime) else timezone.now()
    return timezone.localtime(moment).tzname() or ""


@register.filter
def duration(value: Any) -> str:
    """A length of time in its largest sensible unit: ``timedelta(hours=3, minutes=10)`` →
    ``3 hours``; ``None`` → an empty string."""
    if not isinstance(value, timedelta):
        return ""
    return format_timedelta(value, threshold=1.5, locale=active_locale())
