"""CSV downloads, shared by every export (the report tables, the org overview, a payment run's
payouts, the bank file of the ``csv_export`` provider): one writer, and no spreadsheet runs a
formula from a cell of it.

The rule (OWASP, "CSV injection"): a **text** cell that begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is written with a single quote in front (``'=HYPERLINK(…)``), so a
spreadsheet shows it as text and never evaluates it. The quote is the only change.

Numbers stay numbers. Only ``str`` values are text: ``int``, ``float`` and ``Decimal`` values are
formatted here (a ``Decimal`` in plain notation, ``-12.50``, never ``-1.25E+1``) and written
as they are, so a negative amount is a number a spreadsheet adds up, while the same characters
typed by someone (a name ``-2+3``) are text and get the quote. Exporters therefore pass amounts
as ``Decimal``, never pre-formatted strings. ``None`` is an empty cell; a date is ISO
(``2026-12-06``), a date-time ``2026-12-06 14:05`` (exporters pass UTC); anything else is
text.

A CSV stored before this writer existed (a payment run's bank file) is passed through
``neutralise_csv`` when downloaded: every cell is text then, so there a cell that is a plain
decimal number (``-12.50``, which no spreadsheet runs) keeps its sign and every other one
follows the rule. It changes nothing in a file this module wrote.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

CONTENT_TYPE = "text/csv; charset=utf-8"
# A spreadsheet runs a cell that starts with one of these as a formula (or a DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The columns of a table: a header and the attribute of each row that fills it.
Columns = Sequence[tuple[str, str]]
Cell = str | int | float

_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def neutralise(text: str) -> str:
    """``text`` as a cell no spreadsheet evaluates: a quote in front when it starts a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cell(value: Any) -> Cell:
    """One value as a CSV cell (see the module's rules)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document: the header line, then one line per row, every cell through ``cell``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(h) for h in headers])
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()


def table_text(rows: Iterable[Any], columns: Columns) -> str:
    """``rows`` (objects) as CSV: one column per (header, attribute) of ``columns``."""
    return csv_text(
        [header for header, _ in columns],
        ([getattr(row, attr) for _, attr in columns] for row in rows),
    )


def csv_download(text: str, filename: str) -> HttpResponse:
    """A CSV document as a download named ``filename``."""
    response = HttpResponse(text, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def csv_response(rows: Iterable[Any], columns: Columns, filename: str) -> HttpResponse:
    """``rows`` as a CSV download (see ``table_text``)."""
    return csv_download(table_text(rows, columns), filename)


def neutralise_csv(text: str) -> str:
    """A stored CSV document again, with every text cell that starts a formula neutralised; a
    plain decimal number (``-12.50``) is kept. A document ``csv_text`` wrote comes back as it
    was."""
    rows = csv.reader(io.StringIO(text, newline=""))
    out = io.StringIO()
    csv.writer(out).writerows(
        [v if _PLAIN_NUMBER.fullmatch(v) else neutralise(v) for v in row] for row in rows
    )
    return out.getvalue()
