"""Reading and validating a metrics CSV: the header, the rows, each cell; every problem goes on
the report with its line and column. Nothing here writes."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext

from influencer_ops.calendar import org_today
from influencer_ops.csv_import import MAX_IMPORT_BYTES
from influencer_ops.errors import FieldError
from influencer_ops.validation import BIGINT_ID_MAX, METRICS_IMPORT_MAX_ROWS
from organizations.models import Membership, Organization
from tracking.metrics.cleaning import DIGITS, METRIC_FIELDS, clean_count, clean_day
from tracking.metrics.selectors import deliverables_writable

IMPORT_COLUMNS = ("deliverable", "date", *METRIC_FIELDS)
IMPORT_REQUIRED = ("deliverable", "date")


@dataclass(frozen=True)
class ImportProblem:
    line: int
    column: str  # "" when the whole row or file is concerned
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, line: int, column: str, message: str) -> None:
        self.problems.append(ImportProblem(line=line, column=column, message=message))


@dataclass(frozen=True)
class ImportRow:
    line: int
    deliverable_id: int
    day: date
    values: dict[str, int]


def _read_header(reader: Any, report: ImportReport) -> list[str] | None:
    header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
    unknown = [h for h in header if h not in IMPORT_COLUMNS]
    missing = [c for c in IMPORT_REQUIRED if c not in header]
    for name in unknown:
        report.add(1, name, (gettext("Unknown column “%(name)s”.") % {"name": name}))
    for name in missing:
        report.add(1, name, (gettext("The column “%(name)s” is required.") % {"name": name}))
    if len(set(header)) != len(header):
        report.add(1, "", gettext("A column appears twice."))
    return header if report.ok else None


def read_csv(file_text: str, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    if len(file_text.encode("utf-8", "surrogatepass")) > MAX_IMPORT_BYTES:
        report.add(
            1,
            "",
            (
                gettext("The file is too large: import at most %(value)s MB at a time.")
                % {"value": MAX_IMPORT_BYTES // 2**20}
            ),
        )
        return []
    reader = csv.reader(io.StringIO(file_text.lstrip("\ufeff")))
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = _read_header(reader, report)
        if header is None:
            return []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                report.add(
                    reader.line_num, "", f"Expected {len(header)} cells, found {len(cells)}."
                )
                continue
            rows.append((reader.line_num, dict(zip(header, cells, strict=True))))
            if len(rows) > METRICS_IMPORT_MAX_ROWS:
                report.add(
                    reader.line_num,
                    "",
                    (
                        gettext("Import at most %(METRICS_IMPORT_MAX_ROWS)s rows at a time.")
                        % {"METRICS_IMPORT_MAX_ROWS": format(METRICS_IMPORT_MAX_ROWS, ",")}
                    ),
                )
                return []
    except csv.Error as exc:
        report.add(
            reader.line_num, "", (gettext("The file is not valid CSV: %(exc)s.") % {"exc": exc})
        )
        return []
    if not rows and report.ok:
        report.add(1, "", gettext("The file has a header but no rows."))
    return rows


def _clean_row(
    line: int, row: Mapping[str, str], today: date, report: ImportReport
) -> tuple[int | None, date | None, dict[str, int]]:
    """One row → (deliverable id, day, counts); each problem goes on the report."""
    deliverable_id: int | None = None
    raw_id = row.get("deliverable", "").strip()
    if not raw_id:
        report.add(line, "deliverable", gettext("The deliverable id is required."))
    elif not DIGITS.fullmatch(raw_id):
        report.add(
            line,
            "deliverable",
            (gettext("“%(raw_id)s” is not a deliverable id (a number).") % {"raw_id": raw_id}),
        )
    else:
        deliverable_id = int(raw_id)
    day: date | None = None
    try:
        day = clean_day(row.get("date", ""), today)
    except FieldError as exc:
        report.add(line, "date", str(exc))
    values: dict[str, int] = {}
    for name in METRIC_FIELDS:
        try:
            values[name] = clean_count(row.get(name), name)
        except FieldError as exc:
            report.add(line, name, str(exc))
    return deliverable_id, day, values


def _known_ids(organization: Organization, membership: Membership, ids: set[int]) -> set[int]:
    wanted = [pk for pk in ids if 0 < pk <= BIGINT_ID_MAX]
    return set(
        deliverables_writable(organization=organization, membership=membership)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )


def validate_rows(
    organization: Organization,
    membership: Membership,
    rows: list[tuple[int, dict[str, str]]],
    report: ImportReport,
) -> list[ImportRow]:
    today = org_today(organization)
    parsed = [(line, *_clean_row(line, row, today, report)) for line, row in rows]
    known = _known_ids(organization, membership, {p[1] for p in parsed if p[1] is not None})
    first_line: dict[tuple[int, date], int] = {}
    cleaned: list[ImportRow] = []
    for line, deliverable_id, day, values in parsed:
        if deliverable_id is None:
            continue
        if deliverable_id not in known:
            report.add(
                line,
                "deliverable",
                (
                    gettext("Unknown deliverable %(deliverable_id)s.")
                    % {"deliverable_id": deliverable_id}
                ),
            )
            continue
        if day is None:
            continue
        key = (deliverable_id, day)
        if key in first_line:
            report.add(
                line,
                "",
                (
                    gettext("Deliverable %(deliverable_id)s on %(day)s is also on line %(value)s.")
                    % {
                        "deliverable_id": deliverable_id,
                        "day": format(day, "%Y-%m-%d"),
                        "value": first_line[key],
                    }
                ),
            )
            continue
        first_line[key] = line
        cleaned.append(ImportRow(line, deliverable_id, day, values))
    return cleaned
