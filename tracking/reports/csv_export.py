"""A table of rows as a CSV download, safe to open in a spreadsheet (no cell runs as a formula).
Used by the report pages and, through ``tracking.reports.views``, by the payment runs' export."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import tablib
from django.http import HttpResponse

# The columns of a table: a header and the attribute of each row that fills it.
Columns = Sequence[tuple[str, str]]
# A spreadsheet runs a cell that starts with one of these as a formula; names are user input.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def csv_response(rows: Iterable[Any], columns: Columns, filename: str) -> HttpResponse:
    dataset = tablib.Dataset(headers=[header for header, _ in columns])
    for row in rows:
        dataset.append([_cell(getattr(row, attr)) for _, attr in columns])
    response = HttpResponse(dataset.export("csv"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
