"""The display filters: money, numbers, percentages, relative dates and times in the viewer's
locale and zone (influencer_ops/templatetags/formatting.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from influencer_ops.templatetags.formatting import (
    day,
    money,
    number,
    percent,
    reldate,
    when,
    zone_name,
)

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("10000.00"), "USD", "$10,000.00"),
        (Decimal("1234.5"), "USD", "$1,234.50"),
        (Decimal("0.1500"), "USD", "$0.15"),
        (Decimal("0.1500"), "EUR", "€0.15"),
        (Decimal("0.1525"), "USD", "$0.1525"),
        (Decimal("0.15255"), "USD", "$0.1526"),
        (Decimal("10000"), "usd", "$10,000.00"),
        (Decimal("-5"), "USD", "-$5.00"),
        (Decimal("1500"), "JPY", "¥1,500"),
        ("250.00", "GBP", "£250.00"),
    ],
)
def test_money_shows_the_symbol_grouping_and_only_the_decimals_that_matter(
    amount: object, currency: str, shown: str
) -> None:
    with translation.override("en"):
        assert money(amount, currency) == shown


def test_money_follows_the_active_locale() -> None:
    with translation.override("de"):
        assert money(Decimal("10000.00"), "EUR") == "10.000,00\xa0€"
    with translation.override("fr"):
        assert number(228635) == "228\u202f635"


def test_money_without_an_amount_or_currency() -> None:
    assert money(None, "USD") == ""
    assert money("", "USD") == ""
    assert money(Decimal("1234.5"), "") == "1,234.5"
    # An unknown code still shows the amount and the code, never a 500.
    assert "12" in money(Decimal("12.00"), "ZZZ")


def test_numbers_are_grouped() -> None:
    with translation.override("en"):
        assert number(228635) == "228,635"
        assert number(Decimal("1234.50")) == "1,234.50"
        assert number(7) == "7"
        assert number(None) == ""


def test_percent_of_a_ratio() -> None:
    with translation.override("en"):
        assert percent(0.5) == "50%"
        assert percent(Decimal("0.125"), 1) == "12.5%"
        assert percent(2) == "200%"
        assert percent(None) == ""


@pytest.mark.parametrize(
    ("offset", "shown"),
    [(0, "today"), (1, "tomorrow"), (-1, "yesterday"), (3, "in 3 days"), (-3, "3 days ago")],
)
def test_relative_dates(offset: int, shown: str) -> None:
    today = date(2026, 3, 10)
    assert reldate(date(2026, 3, 10 + offset), today) == shown


def test_relative_dates_count_in_the_viewers_zone() -> None:
    # 03:00 UTC on the 11th is still the 10th in New York (22:00): "today" there, not tomorrow.
    moment = datetime(2026, 3, 11, 3, 0, tzinfo=UTC)
    with timezone.override("America/New_York"):
        assert reldate(moment, date(2026, 3, 10)) == "today"
    with timezone.override("Europe/Berlin"):
        assert reldate(moment, date(2026, 3, 10)) == "tomorrow"


def test_a_moment_shows_in_the_viewers_zone_with_its_abbreviation() -> None:
    moment = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
    with translation.override("en"), timezone.override("America/New_York"):
        shown = when(moment)
    assert re.fullmatch(r"Jan\s15,\s2026, 10:00\sAM\sEST", shown), shown
    with translation.override("en"), timezone.override("Europe/Berlin"):
        assert when(moment).endswith("CET")
        assert re.search(r"4:00\sPM\sCET", when(moment))


def test_daylight_saving_time_changes_the_hour_and_the_abbreviation() -> None:
    winter = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)  # 01:30 EST, before the switch
    summer = datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT, the hour after it
    with translation.override("en"), timezone.override("America/New_York"):
        assert re.search(r"1:30\sAM\sEST$", when(winter))
        assert re.search(r"3:30\sAM\sEDT$", when(summer))
        assert zone_name(summer) == "EDT"
        assert zone_name(winter) == "EST"


def test_a_day_is_shown_in_the_locale() -> None:
    with translation.override("en"):
        assert day(date(2026, 12, 7)) == "Dec\xa07,\xa02026"
        assert day("2026-12-07") == "Dec\xa07,\xa02026"  # terms snapshots keep ISO strings
        assert day("not a date") == ""
        assert day(None) == ""


def test_a_day_or_a_time_never_breaks_inside() -> None:
    with translation.override("en"), timezone.override("America/New_York"):
        shown = when(datetime(2026, 1, 15, 15, 0, tzinfo=UTC))
    day_part, time_part = shown.split(", ", 1)[0], shown.rsplit(", ", 1)[1]
    assert " " not in day_part
    assert " " not in time_part


def test_deliverables_read_as_phrases() -> None:
    from programs.templatetags.deliverable_phrases import deliverable_phrase

    assert deliverable_phrase({"kind": "post", "platform": "instagram", "count": 2}) == (
        "2 Instagram posts"
    )
    assert deliverable_phrase({"kind": "story", "platform": "tiktok", "count": 1}) == (
        "1 TikTok story"
    )
    assert deliverable_phrase({"kind": "blog", "platform": "blog", "count": 3}) == "3 blog posts"


def test_the_filters_need_no_load_in_templates() -> None:
    template = Template("{{ amount|money:currency }} · {{ reach|number }} · {{ on|reldate }}")
    with translation.override("en"):
        rendered = template.render(
            Context(
                {
                    "amount": Decimal("1234.50"),
                    "currency": "USD",
                    "reach": 228635,
                    "on": timezone.localdate(),
                }
            )
        )
    assert rendered == "$1,234.50 · 228,635 · today"


def test_no_template_hard_codes_utc() -> None:
    """Times show in the viewer's zone with its abbreviation; a literal "UTC" would lie."""
    offenders = [
        f"{path.relative_to(TEMPLATES_DIR)}:{number}"
        for path in TEMPLATES_DIR.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\bUTC\b", line)
    ]
    assert offenders == []


def test_relative_dates_of_iso_strings_and_nothing() -> None:
    assert reldate("2026-03-11", date(2026, 3, 10)) == "tomorrow"
    assert reldate(None) == ""
    assert reldate("soon") == ""
