"""The desk imports creators from a CSV file: every row valid, or none saved."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext

from influencer_ops import validation
from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, FieldError
from influencers.models import (
    DEFAULT_CLICK_MILESTONE,
    CreatorProfile,
    SocialHandle,
)
from influencers.services.cleaning import (
    clean_categories,
    clean_currency,
    clean_display_name,
    clean_email,
    clean_handle,
    clean_languages,
    clean_location,
    clean_milestone,
    clean_rate,
)

# --- desk: CSV import ---

IMPORT_REQUIRED = ("display_name", "email")
IMPORT_PLATFORMS = ("instagram", "tiktok", "youtube")
IMPORT_COLUMNS = (
    "display_name",
    "email",
    "categories",
    "languages",
    "location",
    "rate_per_post",
    "rate_currency",
    "click_milestone",
    *(c for p in IMPORT_PLATFORMS for c in (p, f"{p}_audience")),
)


@dataclass(frozen=True)
class ImportProblem:
    line: int  # the file's line number (the header is line 1)
    column: str  # "" when the whole row or file is concerned
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, line: int, column: str, message: str) -> None:
        self.problems.append(ImportProblem(line=line, column=column, message=message))


def _split(value: str) -> list[str]:
    return [part for part in (value or "").split(";") if part.strip()]


def _import_row(
    row: Mapping[str, str], org_currency: str
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One CSV row → (profile values incl. handles, [(column, message), …])."""
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    cleaners: dict[str, Any] = {
        "display_name": lambda: clean_display_name(row.get("display_name", "")),
        "email": lambda: clean_email(row.get("email", "")),
        "categories": lambda: clean_categories(_split(row.get("categories", ""))),
        "languages": lambda: clean_languages(_split(row.get("languages", ""))),
        "location": lambda: clean_location(row.get("location", "")),
        "rate_per_post": lambda: clean_rate(row.get("rate_per_post", "")),
        "rate_currency": lambda: clean_currency(row.get("rate_currency") or org_currency),
        "click_milestone": lambda: clean_milestone(
            row.get("click_milestone") or DEFAULT_CLICK_MILESTONE
        ),
    }
    for name, cleaner in cleaners.items():
        try:
            values[name] = cleaner()
        except FieldError as exc:
            errors.append((name, str(exc)))
    values["handles"] = []
    for platform in IMPORT_PLATFORMS:
        handle, audience = row.get(platform, "").strip(), row.get(f"{platform}_audience", "")
        try:
            if not handle:
                if audience.strip():
                    raise FieldError(
                        platform,
                        gettext("An audience needs a %(platform)s handle.")
                        % {"platform": platform},
                    )
                continue
            values["handles"].append(
                clean_handle({"platform": platform, "handle": handle, "audience_size": audience})
            )
        except FieldError as exc:
            errors.append((exc.field, str(exc)))
    return values, errors


def _read_csv(file_text: str, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    if len(file_text) > validation.CREATOR_IMPORT_MAX_CHARS:
        report.add(1, "", gettext("The file is too large: import at most 5 MB at a time."))
        return []
    reader = csv.reader(io.StringIO(file_text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
        unknown = [h for h in header if h not in IMPORT_COLUMNS]
        missing = [c for c in IMPORT_REQUIRED if c not in header]
        if unknown or missing or len(set(header)) != len(header):
            for name in unknown:
                report.add(1, name, (gettext("Unknown column “%(name)s”.") % {"name": name}))
            for name in missing:
                report.add(
                    1, name, (gettext("The column “%(name)s” is required.") % {"name": name})
                )
            if len(set(header)) != len(header):
                report.add(1, "", gettext("A column appears twice."))
            return []
        rows: list[tuple[int, dict[str, str]]] = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                report.add(
                    reader.line_num, "", f"Expected {len(header)} cells, found {len(cells)}."
                )
                continue
            rows.append((reader.line_num, dict(zip(header, cells, strict=True))))
            if len(rows) > validation.CREATOR_IMPORT_MAX_ROWS:
                most = validation.CREATOR_IMPORT_MAX_ROWS
                report.add(
                    reader.line_num,
                    "",
                    (gettext("Import at most %(most)s rows at a time.") % {"most": most}),
                )
                return []
    except csv.Error as exc:
        report.add(
            reader.line_num, "", (gettext("The file is not valid CSV: %(exc)s.") % {"exc": exc})
        )
        return []
    if not rows and report.ok:
        report.add(1, "", gettext("The file has a header but no creators."))
    return rows


@transaction.atomic
def creators_import_csv(*, organization: Any, actor: Any, file_text: str) -> ImportReport:
    """Validate every row, then create all creators, or none if any row has a problem.

    Columns (header row required; only display_name and email must be present):
    display_name, email, categories (``;``-separated), languages (``;``-separated), location,
    rate_per_post, rate_currency (default: the org's), click_milestone (default 1000), and per
    platform (instagram, tiktok, youtube) the handle and ``<platform>_audience``.
    """
    report = ImportReport()
    rows = _read_csv(file_text, report)
    report.rows = len(rows)
    emails = {row.get("email", "").strip().lower() for _line, row in rows}
    existing = set(
        CreatorProfile.objects.filter(organization=organization)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("email_lower", flat=True)
    )
    first_line: dict[str, int] = {}
    cleaned: list[dict[str, Any]] = []
    for line, row in rows:
        values, errors = _import_row(row, organization.default_currency)
        email = values.get("email")
        if email in existing:
            errors.append(("email", f"A creator with {email} already exists."))
        elif email in first_line:
            errors.append(("email", f"{email} is also on line {first_line[email]}."))
        elif email:
            first_line[email] = line
        for column, message in errors:
            report.add(line, column, message)
        cleaned.append(values)
    if not report.ok:
        return report
    _import_save(organization, actor, cleaned, report)
    return report


def _import_save(
    organization: Any, actor: Any, cleaned: list[dict[str, Any]], report: ImportReport
) -> None:
    profiles = [
        CreatorProfile(
            organization=organization,
            max_audience=max((h["audience_size"] for h in v["handles"]), default=0),
            **{k: val for k, val in v.items() if k != "handles"},
        )
        for v in cleaned
    ]
    try:
        with transaction.atomic():
            CreatorProfile.objects.bulk_create(profiles)
    except IntegrityError as exc:
        raise Conflict(
            gettext("Another change added one of these e-mails meanwhile; try again.")
        ) from exc
    SocialHandle.objects.bulk_create(
        SocialHandle(organization=organization, profile=p, **h)
        for p, v in zip(profiles, cleaned, strict=True)
        for h in v["handles"]
    )
    report.created = len(profiles)
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.CREATORS_IMPORTED,
        target=organization,
        after={"count": len(profiles), "ids": [p.pk for p in profiles]},
    )
