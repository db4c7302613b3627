"""Orders from a CSV file: every row checked first, all or nothing (like the other imports).

Columns (a header row, any order): ``order_id``, ``placed_at``, ``currency``, ``gross_value``
(required), ``net_value``, ``discount_code``, ``attribution_id``. A row already imported with
the same content is left as it is; with other content the file is refused."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from commerce.models import OrderSource
from commerce.orders.inputs import MAX_BATCH, clean_order
from commerce.orders.services import orders_receive
from influencer_ops.errors import DomainError

IMPORT_COLUMNS = (
    "order_id",
    "placed_at",
    "currency",
    "gross_value",
    "net_value",
    "discount_code",
    "attribution_id",
)
REQUIRED = ("order_id", "placed_at", "currency", "gross_value")
MAX_ROWS = 5000
RENAMED = {"order_id": "id"}


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def orders_import_csv(*, organization: Any, actor: Any, file_text: str) -> ImportReport:
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(file_text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in IMPORT_COLUMNS]
    if missing or unknown:
        for name in missing:
            report.problems.append(Problem(1, name, gettext("This column is required.")))
        for name in unknown:
            report.problems.append(Problem(1, name, gettext("Unknown column.")))
        return report
    reader.fieldnames = header
    orders = []
    for line, row in enumerate(reader, start=2):
        report.rows += 1
        if report.rows > MAX_ROWS:
            raise DomainError(gettext("Import at most %(max)s rows at a time.") % {"max": MAX_ROWS})
        if None in row or any(value is None for value in row.values()):
            report.problems.append(
                Problem(line, "", gettext("Keep as many cells as the header has."))
            )
            continue
        raw = {RENAMED.get(k, k): v for k, v in row.items() if v.strip() or k in REQUIRED}
        order, errors = clean_order(raw)
        for column, messages in errors.items():
            name = "order_id" if column == "id" else column
            report.problems.extend(Problem(line, name, message) for message in messages)
        orders.append(order)
    if report.problems or not orders:
        if not orders and not report.problems:
            report.problems.append(Problem(1, "", gettext("The file has no rows.")))
        return report
    for start in range(0, len(orders), MAX_BATCH):
        received = orders_receive(
            organization=organization,
            source=OrderSource.CSV,
            orders=orders[start : start + MAX_BATCH],
            actor=actor,
        )
        report.created += len(received.created)
        report.unchanged += len(received.unchanged)
    return report
