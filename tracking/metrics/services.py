"""Reach, impressions, engagement and views of deliverables: the CSV import and the API's
upsert. Keyword-only, atomic, audited.

Who may write: org admins and BSMs (every brand), brand managers (the brands they cover).
A deliverable outside the actor's reach is answered exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.calendar import org_today
from influencer_ops.errors import FieldError, Forbidden, NotFound
from organizations.models import Membership, Organization
from programs.models import Deliverable
from tracking.metrics.cleaning import METRIC_FIELDS, clean_day, clean_values
from tracking.metrics.import_rows import ImportReport, ImportRow, read_csv, validate_rows
from tracking.metrics.permissions import can_write_metrics
from tracking.metrics.selectors import deliverables_writable
from tracking.models import MetricRecord

__all__ = ["ImportReport", "metric_record_upsert", "metrics_import_csv"]

SAVE_BATCH = 1000
Outcome = Literal["created", "updated", "unchanged"]


def _membership(organization: Organization, actor: Any) -> Membership:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise Forbidden(gettext("Sign in to record metrics."))
    membership = (
        Membership.objects.filter(organization=organization, user=actor)
        .prefetch_related("brands")
        .first()
    )
    if membership is None or not can_write_metrics(membership):
        raise Forbidden(gettext("Your role does not allow recording metrics."))
    return membership


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
        raise NotFound(gettext("Not found."))
    if source not in MetricRecord.Source.values:
        raise FieldError("source", gettext("Unknown source “%(source)s”.") % {"source": source})
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
    rows = read_csv(file_text, report)
    report.rows = len(rows)
    cleaned = validate_rows(organization, membership, rows, report)
    if report.ok:
        _import_save(organization, actor, cleaned, report)
    return report


def _import_save(
    organization: Organization, actor: Any, cleaned: list[ImportRow], report: ImportReport
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
