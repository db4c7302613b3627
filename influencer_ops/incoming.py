"""Many rows into one statement as a FROM item: array parameters (``unnest``) for a few, a
temporary table of the transaction filled by COPY for many.

psycopg2 interpolates parameters into the SQL text: 500 orders (or 5,000 clicks) as array
literals cost more to build and parse than to insert. COPY sends the rows as tab-separated text
that PostgreSQL reads without parsing SQL. It cannot go straight into a table with row-level
security, hence the temporary table (no RLS: it only ever holds this transaction's rows), read
by the caller's ``INSERT … SELECT``, which the table's policies check as usual.

Call inside a transaction: the table is dropped at commit and emptied before each use.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

# From this many rows on, COPY (bench/flush.py, bench/orders.py): below it, the temporary
# table's statements cost more than the literals they save.
COPY_FROM = 200
NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value: str) -> str:
    """``value`` as a field of COPY's text format (backslash, tab, newline, CR escaped).
    Four scans in C cost a tenth of ``translate``, which most values do not need."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


def _moment(value: datetime) -> str:
    return value.isoformat()


def _boolean(value: bool) -> str:
    return "t" if value else "f"


# How a value of each column type is written (None is always \N).
_WRITERS: dict[str, Callable[[Any], str]] = {
    "bigint": str,
    "integer": str,
    "numeric": str,
    "text": copy_text,
    "timestamptz": _moment,
    "boolean": _boolean,
}


def _column(kind: str, values: Sequence[Any]) -> list[str]:
    write = _WRITERS[kind]
    if None in values:
        return [NULL if v is None else write(v) for v in values]
    return list(map(write, values))


def copy_lines(types: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """``rows`` (values in the order of ``types``) as the body of ``COPY … FROM STDIN``.
    Written column by column (one writer per column, no test per value but for NULLs)."""
    if not rows:
        return ""
    by_column = zip(types, zip(*rows, strict=True), strict=True)
    columns = [_column(kind, values) for kind, values in by_column]
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


def incoming(
    cursor: Any,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    *,
    alias: str = "r",
    copy_from: int = COPY_FROM,
) -> tuple[str, list[Any]]:
    """A FROM item named ``alias`` with ``columns`` ((name, type) pairs, types among
    ``_WRITERS``) holding ``rows``, and its parameters. ``table`` names the temporary table
    (one name per set of columns)."""
    names = ", ".join(name for name, _ in columns)
    if len(rows) < copy_from:
        arrays = ", ".join(f"%s::{kind}[]" for _, kind in columns)
        params = [[row[i] for row in rows] for i in range(len(columns))]
        return f"unnest({arrays}) AS {alias}({names})", params
    # Dropped at commit; emptied first in case an earlier batch of this transaction made it.
    definition = ", ".join(f"{name} {kind}" for name, kind in columns)
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} ({definition}) ON COMMIT DROP; "
        f"TRUNCATE {table}"
    )
    text = copy_lines([kind for _, kind in columns], rows)
    cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", io.StringIO(text))
    return f"{table} AS {alias}", []


__all__ = ["COPY_FROM", "copy_lines", "copy_text", "incoming"]
