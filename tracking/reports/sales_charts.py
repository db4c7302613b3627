"""The sales report's charts: revenue against spend per program or per creator, one bar chart
per currency (amounts in different currencies are never drawn on one axis)."""

from __future__ import annotations

from collections.abc import Sequence

import pygal
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from influencer_ops.templatetags.formatting import money
from tracking.reports.charts import STYLE, Chart, _accessible
from tracking.reports.sales import SalesRow

MAX_BARS = 12


def _label(row: SalesRow) -> str:
    return f"{row.creator} · {row.program}" if row.creator else row.program


def sales_summary(rows: Sequence[SalesRow], currency: str) -> str:
    if not rows:
        return gettext("No sales yet.")
    revenue = sum((r.revenue for r in rows), start=rows[0].revenue * 0)
    spend = sum((r.spend for r in rows), start=rows[0].spend * 0)
    best = max(rows, key=lambda r: (r.revenue, -r.program_id))
    return gettext(
        "Revenue %(revenue)s against spend %(spend)s in %(currency)s across %(count)s rows; "
        "the most revenue came from %(best)s (%(best_revenue)s)."
    ) % {
        "revenue": money(revenue, currency),
        "spend": money(spend, currency),
        "currency": currency,
        "count": len(rows),
        "best": _label(best),
        "best_revenue": money(best.revenue, currency),
    }


def sales_charts(rows: Sequence[SalesRow], *, title: str) -> list[Chart]:
    """One chart per currency of the top ``MAX_BARS`` rows by revenue."""
    charts = []
    for currency in sorted({row.currency for row in rows}):
        mine = sorted(
            (r for r in rows if r.currency == currency), key=lambda r: (-r.revenue, r.program)
        )[:MAX_BARS]
        summary = sales_summary(mine, currency)
        chart = pygal.HorizontalBar(
            title=f"{title} ({currency})",
            style=STYLE,
            width=800,
            height=120 + 40 * len(mine),
            js=[],
            disable_xml_declaration=True,
            legend_at_bottom=True,
            no_data_text=gettext("No sales yet"),
            margin=12,
            x_title=currency,
        )
        chart.add_xml_filter(_accessible(summary))
        chart.x_labels = [_label(r) for r in mine]
        chart.add(gettext("Revenue"), [float(r.revenue) for r in mine])
        chart.add(gettext("Spend"), [float(r.spend) for r in mine])
        # pygal escapes every text node it writes (labels come from user data).
        svg = mark_safe(chart.render(is_unicode=True))  # noqa: S308
        charts.append(Chart(svg=svg, summary=summary))
    return charts
