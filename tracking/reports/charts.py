"""Charts as inline SVG, drawn by pygal on the server: no JavaScript, a title, axis titles, and a
text alternative (``role="img"`` named by the chart's ``<title>`` and a ``<desc>`` summary).
Pages put the same numbers in a visually hidden table next to the chart."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

import pygal
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from pygal.style import Style

from tracking.reports.rows import DayClicks

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
# The app's accent for valid clicks, a grey for filtered ones (AA contrast on white).
STYLE = Style(
    background="transparent",
    plot_background="#ffffff",
    foreground="#111827",
    foreground_strong="#111827",
    foreground_subtle="#6b7280",
    guide_stroke_color="#d1d5db",
    major_guide_stroke_color="#9ca3af",
    colors=("#1d4ed8", "#6b7280"),
    font_family=FONT,
    title_font_size=16,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
)
MAX_X_LABELS = 10


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    summary: str


def _accessible(summary: str) -> Callable[[Element], Element]:
    """An xml filter: name the SVG by its title and summary, and drop pygal's inline script
    and tooltip data (its tooltips need pygal's external JS, which we do not load)."""

    def apply(root: Element) -> Element:
        chart_id = root.get("id", "chart")
        title = root.find("title")
        desc = Element("desc", id=f"{chart_id}-desc")
        desc.text = summary
        labels = [f"{chart_id}-desc"]
        if title is not None:
            title.set("id", f"{chart_id}-title")
            labels.insert(0, f"{chart_id}-title")
        root.insert(list(root).index(title) + 1 if title is not None else 0, desc)
        root.set("role", "img")
        root.set("aria-labelledby", " ".join(labels))
        for parent in list(root.iter()):
            for child in list(parent):
                # Tooltip data for pygal's script: noise for screen readers without it.
                if child.tag == "script" or (child.tag == "desc" and child.get("class")):
                    parent.remove(child)
        return root

    return apply


def clicks_summary(days: Sequence[DayClicks]) -> str:
    """One sentence that says what the chart shows, for people who cannot see it."""
    if not days:
        return gettext("No days to show yet: the program has not started.")
    valid = sum(d.valid for d in days)
    filtered = sum(d.filtered for d in days)
    span = f"{days[0].day:%d %b %Y} to {days[-1].day:%d %b %Y}"
    if not valid and not filtered:
        return gettext("No clicks from %(span)s.") % {"span": span}
    peak = max(days, key=lambda d: (d.valid, -d.day.toordinal()))
    return gettext(
        "Clicks per day from %(span)s: %(valid)s valid and %(filtered)s "
        "filtered in total; the busiest day was %(day)s with %(valid2)s valid "
        "clicks."
    ) % {
        "span": span,
        "valid": valid,
        "filtered": filtered,
        "day": format(peak.day, "%d %b %Y"),
        "valid2": peak.valid,
    }


def _clicks_chart(
    kind: Any,
    days: Sequence[DayClicks],
    title: str,
    width: int = 800,
    height: int = 320,
    **options: Any,
) -> Chart:
    summary = clicks_summary(days)
    chart = kind(
        title=title,
        x_title="Day",
        y_title="Clicks",
        style=STYLE,
        width=width,
        height=height,
        js=[],
        disable_xml_declaration=True,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, len(days) // MAX_X_LABELS),
        legend_at_bottom=True,
        include_x_axis=True,
        min_scale=2,
        no_data_text=gettext("No clicks yet"),
        margin=12,
        **options,
    )
    chart.add_xml_filter(_accessible(summary))
    chart.x_labels = [f"{d.day:%d %b}" for d in days]
    chart.add(gettext("Valid clicks"), [d.valid for d in days])
    chart.add(gettext("Filtered clicks"), [d.filtered for d in days])
    # pygal escapes every text node it writes (titles and labels come from user data).
    return Chart(svg=mark_safe(chart.render(is_unicode=True)), summary=summary)  # noqa: S308


def program_clicks_chart(days: Sequence[DayClicks], *, program_name: str) -> Chart:
    """Valid and filtered clicks per day across the program's creators (a line chart)."""
    return _clicks_chart(
        pygal.Line,
        days,
        (gettext("Clicks per day: %(program_name)s") % {"program_name": program_name}),
    )


def creator_clicks_chart(days: Sequence[DayClicks], *, program_name: str) -> Chart:
    """One creator's valid and filtered clicks per day (a bar chart)."""
    return _clicks_chart(
        pygal.Bar,
        days,
        (gettext("Your clicks per day: %(program_name)s") % {"program_name": program_name}),
    )


def week_clicks_chart(days: Sequence[DayClicks], *, title: str = "Clicks this week") -> Chart:
    """The last seven days' valid and filtered clicks across the programs a member reads (a
    bar chart: the staff home's small chart)."""
    return _clicks_chart(pygal.Bar, days, title, width=800, height=260, max_scale=6)
