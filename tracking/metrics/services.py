"""Reach, impressions, engagement and views of deliverables: the CSV import, the API's upsert
and the reads behind the list. Keyword-only, atomic, audited.

Who may write: org admins and BSMs (every brand), brand managers (the brands they cover).
Who may read: everyone who may see reports, brand-scoped roles only their brands.
A deliverable outside the actor's reach is answered exactly like a missing one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.csv_import import MAX_IMPORT_BYTES
from influencer_ops.errors import DomainError, Forbidden
from organizations import permissions
from organizations.models import Membership, Organization
from organizations.roles import BRAND_SCOPED_ROLES
from programs.deadlines.services import org_today
from programs.models import Deliverable, Program
from programs.states import POST_LAUNCH_STATES
from tracking.models import MetricRecord

METRIC_FIELDS = ("reach", "impressions", "likes", "comments", "shares", "saves", "views")
IMPORT_COLUMNS = ("deliverable", "date", *METRIC_FIELDS)
IMPORT_REQUIRED = ("deliverable", "date")
MAX_IMPORT_ROWS = 20_000

MAX_COUNT = 9_223_372_036_854_775_807  # PositiveBigIntegerField
MAX_ID = MAX_COUNT  # bigint primary keys
SAVE_BATCH = 1000
Outcome = Literal["created", "updated", "unchanged"]
_DIGITS = re.compile(r"\d+")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class FieldError(DomainError):
    """A value is not acceptable; ``field`` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


class DeliverableNotFound(DomainError):
    """Missing, another org's, or a brand the actor does not cover: one answer for all."""

    status_code = 404


# --- who may do what ---


def can_write_metrics(membership: Membership | None) -> bool:
    return bool(
        permissions.can_work_postlaunch(membership) or permissions.can_manage_programs(membership)
    )


def can_read_metrics(membership: Membership | None) -> bool:
    return bool(permissions.can_view_reports(membership))


def _brand_ids(membership: Membership) -> list[int] | None:
    """The brands a brand-scoped member covers; None for org-wide roles."""
    if membership.role not in BRAND_SCOPED_ROLES:
        return None
    return [brand.pk for brand in membership.brands.all()]


def _membership(organization: Organization, actor: Any) -> Membership:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise Forbidden("Sign in to record metrics.")
    membership = (
        Membership.objects.filter(organization=organization, user=actor)
        .prefetch_related("brands")
        .first()
    )
    if membership is None or not can_write_metrics(membership):
        raise Forbidden("Your role does not allow recording metrics.")
    return membership


# --- reads ---


def deliverables_writable(
    *, organization: Organization, membership: Membership
) -> QuerySet[Deliverable]:
    """Deliverables whose metrics ``membership`` may record."""
    found = Deliverable.objects.filter(organization=organization)
    brand_ids = _brand_ids(membership)
    if brand_ids is not None:
        found = found.filter(program__brand_id__in=brand_ids)
    return found


def metric_programs(*, organization: Organization, membership: Membership) -> QuerySet[Program]:
    """Launched (or finished) programs the member covers: where deliverable ids are looked up."""
    found = Program.objects.filter(organization=organization, state__in=POST_LAUNCH_STATES)
    brand_ids = _brand_ids(membership)
    if brand_ids is not None:
        found = found.filter(brand_id__in=brand_ids)
    return found.order_by("name", "pk")


def metric_list(
    *,
    organization: Organization,
    membership: Membership,
    deliverable: int | None = None,
    program: int | None = None,
    since: date | None = None,
) -> QuerySet[MetricRecord]:
    """The org's metric records (newest day first), narrowed to the member's brands."""
    found = MetricRecord.objects.filter(organization=organization).select_related("deliverable")
    brand_ids = _brand_ids(membership)
    if brand_ids is not None:
        found = found.filter(deliverable__program__brand_id__in=brand_ids)
    if deliverable is not None:
        found = found.filter(deliverable_id=deliverable)
    if program is not None:
        found = found.filter(deliverable__program_id=program)
    if since is not None:
        found = found.filter(day__gte=since)
    return found.order_by("-day", "deliverable_id", "source", "pk")


# --- cleaning: shared by the import and the API ---


def clean_count(value: int | str | None, column: str) -> int:
    """A non-negative whole number; empty counts as 0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    text = str(value).strip()
    if text.startswith("-") and _DIGITS.fullmatch(text[1:]) and int(text[1:]) > 0:
        raise FieldError(column, f"{column} cannot be negative ({text}).")
    if not _DIGITS.fullmatch(text.lstrip("+")):
        raise FieldError(column, f"{column} must be a whole number, not “{text}”.")
    count = int(text)
    if count > MAX_COUNT:
        raise FieldError(column, f"{column} is too large.")
    return count


def clean_day(value: date | str, today: date, column: str = "date") -> date:
    """A day (YYYY-MM-DD) that is not in the future on the org's calendar."""
    if isinstance(value, date):
        day = value
    else:
        text = (value or "").strip()
        if not _ISO_DAY.fullmatch(text):
            raise FieldError(column, f"“{text}” is not a date: write it as YYYY-MM-DD.")
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise FieldError(column, f"“{text}” is not a date on the calendar.") from exc
    if day > today:
        raise FieldError(column, f"{day:%Y-%m-%d} is in the future: metrics are for past days.")
    return day


def clean_values(values: Mapping[str, int | str | None]) -> dict[str, int]:
    unknown = sorted(set(values) - set(METRIC_FIELDS))
    if unknown:
        raise FieldError(unknown[0], f"Unknown metric “{unknown[0]}”.")
    return {name: clean_count(values.get(name), name) for name in METRIC_FIELDS}


def _values_of(record: MetricRecord) -> dict[str, int]:
    return {name: getattr(record, name) for name in METRIC_FIELDS}


# --- one record (the API) ---


@transaction.atomic
def metric_record_upsert(
    *,
    organization: Organization,
    actor: Any,
    deliverable: Deliverable,
    day: date | str,
    values: Mapping[str, int | str | None],
    source: str = MetricRecord.Source.API,
) -> tuple[MetricRecord, Outcome]:
    """Record one deliverable's metrics for one day from ``source``, replacing what that source
    said before (metrics left out count as 0). Idempotent: the same values change nothing and
    write no audit event. For admins, BSMs and brand managers of the deliverable's brand."""
    membership = _membership(organization, actor)
    if (
        deliverable.organization_id != organization.pk
        or not deliverables_writable(organization=organization, membership=membership)
        .filter(pk=deliverable.pk)
        .exists()
    ):
        raise DeliverableNotFound("Not found.")
    if source not in MetricRecord.Source.values:
        raise FieldError("source", f"Unknown source “{source}”.")
    day = clean_day(day, org_today(organization), column="day")
    cleaned = clean_values(values)
    key = {"organization": organization, "deliverable": deliverable, "day": day, "source": source}
    record = MetricRecord.objects.select_for_update().filter(**key).first()
    before = None if record is None else _values_of(record)
    if record is None:
        try:
            with transaction.atomic():
                record = MetricRecord.objects.create(**key, **cleaned)
        except IntegrityError:  # a concurrent call created it: update that one instead
            record = MetricRecord.objects.select_for_update().get(**key)
            before = _values_of(record)
    if before == cleaned:
        return record, "unchanged"
    if before is not None:
        for name, count in cleaned.items():
            setattr(record, name, count)
        record.save(update_fields=[*METRIC_FIELDS, "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.METRIC_RECORDED,
        target=record,
        before=before,
        after={"deliverable": deliverable.pk, "day": day.isoformat(), "source": source, **cleaned},
    )
    return record, "created" if before is None else "updated"


# --- the CSV import ---


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
class _Row:
    line: int
    deliverable_id: int
    day: date
    values: dict[str, int]


def _read_header(reader: Any, report: ImportReport) -> list[str] | None:
    header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
    unknown = [h for h in header if h not in IMPORT_COLUMNS]
    missing = [c for c in IMPORT_REQUIRED if c not in header]
    for name in unknown:
        report.add(1, name, f"Unknown column “{name}”.")
    for name in missing:
        report.add(1, name, f"The column “{name}” is required.")
    if len(set(header)) != len(header):
        report.add(1, "", "A column appears twice.")
    return header if report.ok else None


def _read_csv(file_text: str, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    if len(file_text.encode("utf-8", "surrogatepass")) > MAX_IMPORT_BYTES:
        report.add(1, "", "The file is too large: import at most 5 MB at a time.")
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
            if len(rows) > MAX_IMPORT_ROWS:
                report.add(
                    reader.line_num, "", f"Import at most {MAX_IMPORT_ROWS:,} rows at a time."
                )
                return []
    except csv.Error as exc:
        report.add(reader.line_num, "", f"The file is not valid CSV: {exc}.")
        return []
    if not rows and report.ok:
        report.add(1, "", "The file has a header but no rows.")
    return rows


def _clean_row(
    line: int, row: Mapping[str, str], today: date, report: ImportReport
) -> tuple[int | None, date | None, dict[str, int]]:
    """One row → (deliverable id, day, counts); each problem goes on the report."""
    deliverable_id: int | None = None
    raw_id = row.get("deliverable", "").strip()
    if not raw_id:
        report.add(line, "deliverable", "The deliverable id is required.")
    elif not _DIGITS.fullmatch(raw_id):
        report.add(line, "deliverable", f"“{raw_id}” is not a deliverable id (a number).")
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
    wanted = [pk for pk in ids if 0 < pk <= MAX_ID]
    return set(
        deliverables_writable(organization=organization, membership=membership)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )


def _validate(
    organization: Organization,
    membership: Membership,
    rows: list[tuple[int, dict[str, str]]],
    report: ImportReport,
) -> list[_Row]:
    today = org_today(organization)
    parsed = [(line, *_clean_row(line, row, today, report)) for line, row in rows]
    known = _known_ids(organization, membership, {p[1] for p in parsed if p[1] is not None})
    first_line: dict[tuple[int, date], int] = {}
    cleaned: list[_Row] = []
    for line, deliverable_id, day, values in parsed:
        if deliverable_id is None:
            continue
        if deliverable_id not in known:
            report.add(line, "deliverable", f"Unknown deliverable {deliverable_id}.")
            continue
        if day is None:
            continue
        key = (deliverable_id, day)
        if key in first_line:
            report.add(
                line,
                "",
                f"Deliverable {deliverable_id} on {day:%Y-%m-%d} is also on line "
                f"{first_line[key]}.",
            )
            continue
        first_line[key] = line
        cleaned.append(_Row(line, deliverable_id, day, values))
    return cleaned


@transaction.atomic
def metrics_import_csv(*, organization: Organization, actor: Any, file_text: str) -> ImportReport:
    """Validate every row, then upsert all of them (by deliverable, day and source "csv"), or
    none if any row has a problem. Re-importing a file changes nothing.

    Columns (header row required, any order): deliverable (id) and date (YYYY-MM-DD) are
    required; reach, impressions, likes, comments, shares, saves and views are whole numbers,
    0 or more (empty or absent: 0). At most 5 MB and 20,000 rows. For admins, BSMs and brand
    managers (their brands' deliverables only)."""
    membership = _membership(organization, actor)
    report = ImportReport()
    rows = _read_csv(file_text, report)
    report.rows = len(rows)
    cleaned = _validate(organization, membership, rows, report)
    if report.ok:
        _import_save(organization, actor, cleaned, report)
    return report


def _import_save(
    organization: Organization, actor: Any, cleaned: list[_Row], report: ImportReport
) -> None:
    existing = {
        (r.deliverable_id, r.day): _values_of(r)
        for r in MetricRecord.objects.filter(
            organization=organization,
            source=MetricRecord.Source.CSV,
            deliverable_id__in={row.deliverable_id for row in cleaned},
            day__in={row.day for row in cleaned},
        )
    }
    changed: list[MetricRecord] = []
    for row in cleaned:
        before = existing.get((row.deliverable_id, row.day))
        if before == row.values:
            report.unchanged += 1
            continue
        if before is None:
            report.created += 1
        else:
            report.updated += 1
        changed.append(
            MetricRecord(
                organization=organization,
                deliverable_id=row.deliverable_id,
                day=row.day,
                source=MetricRecord.Source.CSV,
                **row.values,
            )
        )
    if not changed:
        return
    # ON CONFLICT … DO UPDATE: a concurrent import of the same rows updates instead of failing.
    MetricRecord.objects.bulk_create(
        changed,
        batch_size=SAVE_BATCH,
        update_conflicts=True,
        unique_fields=["deliverable", "day", "source"],
        update_fields=[*METRIC_FIELDS, "updated_at"],
    )
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.METRICS_IMPORTED,
        target=organization,
        after={
            "source": MetricRecord.Source.CSV,
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "deliverables": len({row.deliverable_id for row in cleaned}),
        },
    )
