"""Raw clicks partitioned by day: ``tracking_clickevent`` is range-partitioned on ``at``, one
partition per UTC day (``tracking_clickevent_pYYYYMMDD``) plus a DEFAULT partition that catches
an insert for a day without one.

- Partitions are created ahead by the daily job (``partitions_create_ahead``) and on demand by
  the flush before it inserts (``partitions_ensure``); a day's rows that landed in the DEFAULT
  partition meanwhile are moved into the new partition in the same transaction.
- Each partition gets the parent's row-level security (enabled, forced, the same policy):
  queries through the parent use the parent's policy, and a query naming a partition directly
  is held to the same rule.
- Retention drops whole partitions (``partitions_drop_expired``) instead of deleting rows: a
  partition goes once every org that has clicks in it has rolled up all its days (its own
  calendar) that touch the partition; those rollups are written from the raw rows in the same
  transaction as the drop, so nothing is dropped without being counted. An org's day that
  straddles the partition's end has its later hours deleted with it (a few rows), so that every
  org day is either all raw or all rolled up (``link_valid_clicks`` relies on it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from influencer_ops.calendar import org_zone
from influencer_ops.rls import FUNCTIONS_SQL, POLICY_PREFIX, policy_name, policy_sql
from influencer_ops.tenancy import dangerously_unscoped, db_scope
from organizations.models import Organization
from tracking.clicks.services.rollup import purge_before_day
from tracking.models import ClickEvent, DailyClicks

logger = logging.getLogger(__name__)

PARENT = ClickEvent._meta.db_table
DEFAULT_PARTITION = f"{PARENT}_default"
# Serialises partition creation (two flushes wanting the same new day).
_LOCK_KEY = 0x636C69636B  # "click"
AHEAD_DAYS = 7


def partition_name(day: date) -> str:
    return f"{PARENT}_p{day:%Y%m%d}"


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def partitions_ensure(days: Iterable[date]) -> list[str]:
    """Create the partitions of ``days`` (UTC) that do not exist yet; one catalogue query when
    they all do. Call it outside the transaction that inserts (it commits its own, unless
    called inside one). Returns the partitions created."""
    wanted = sorted(set(days))
    if not wanted:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM unnest(%s::text[]) AS name WHERE to_regclass(name) IS NULL",
            [[partition_name(day) for day in wanted]],
        )
        missing = {row[0] for row in cursor.fetchall()}
    return [
        partition_name(day) for day in wanted if partition_name(day) in missing and _create(day)
    ]


def partitions_create_ahead(*, today: date | None = None, days: int = AHEAD_DAYS) -> list[str]:
    """The daily job: partitions for today (UTC) and the ``days`` after it."""
    start = today or utc_day(timezone.now())
    return partitions_ensure(start + timedelta(days=offset) for offset in range(days + 1))


def _create(day: date) -> bool:
    name = partition_name(day)
    start, end = _bounds(day)
    quoted = connection.ops.quote_name
    with dangerously_unscoped(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        cursor.execute("SELECT to_regclass(%s) IS NULL", [name])
        if not cursor.fetchone()[0]:
            return False  # another process made it meanwhile
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {quoted(DEFAULT_PARTITION)} "  # noqa: S608
            "WHERE at >= %s AND at < %s)",
            [start, end],
        )
        stray = cursor.fetchone()[0]
        if stray:
            # The new partition's range must not hold rows of the DEFAULT one: move them.
            cursor.execute(
                f"ALTER TABLE {quoted(PARENT)} DETACH PARTITION {quoted(DEFAULT_PARTITION)}"
            )
        cursor.execute(
            f"CREATE TABLE {quoted(name)} PARTITION OF {quoted(PARENT)} "
            "FOR VALUES FROM (%s) TO (%s)",
            [start, end],
        )
        _secure(cursor, name)
        if stray:
            cursor.execute(
                f"WITH moved AS (DELETE FROM {quoted(DEFAULT_PARTITION)} "  # noqa: S608
                "WHERE at >= %s AND at < %s RETURNING *) "
                f"INSERT INTO {quoted(PARENT)} SELECT * FROM moved",
                [start, end],
            )
            logger.info("Moved %s clicks of %s out of the default partition", cursor.rowcount, day)
            cursor.execute(
                f"ALTER TABLE {quoted(PARENT)} ATTACH PARTITION {quoted(DEFAULT_PARTITION)} DEFAULT"
            )
    return True


def _secure(cursor: CursorWrapper, table: str) -> None:
    """The parent's row-level security on one partition: enabled, forced, the same policy."""
    quoted = connection.ops.quote_name(table)
    name = policy_name(ClickEvent)
    cursor.execute("SELECT policyname FROM pg_policies WHERE tablename = %s", [table])
    policies = {row[0] for row in cursor.fetchall()}
    cursor.execute(f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY")
    cursor.execute(f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY")
    if policies == {name}:
        return
    for old in policies:
        if old.startswith(POLICY_PREFIX):
            cursor.execute(f"DROP POLICY {connection.ops.quote_name(old)} ON {quoted}")
    using, check = policy_sql(ClickEvent)
    cursor.execute(
        f"CREATE POLICY {connection.ops.quote_name(name)} ON {quoted} "
        f"USING ({using}) WITH CHECK ({check})"
    )


def partition_names() -> list[str]:
    """Every partition of the raw clicks (the DEFAULT one included), by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
            [PARENT],
        )
        return [row[0] for row in cursor.fetchall()]


def partitions_secure() -> list[str]:
    """Apply the parent's row-level security to every partition (after ``migrate``)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(FUNCTIONS_SQL)
        names = partition_names()
        for name in names:
            _secure(cursor, name)
    return names


def _day_of(name: str) -> date | None:
    prefix = f"{PARENT}_p"
    if not name.startswith(prefix):
        return None
    try:
        return datetime.strptime(name[len(prefix) :], "%Y%m%d").date()
    except ValueError:
        return None


def _org_cut(organization: Organization, end: datetime) -> datetime:
    """The first midnight of the org's calendar at or after ``end``."""
    zone = org_zone(organization)
    local = end.astimezone(zone)
    if local.time() == time.min:
        return end
    return datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=zone)


def partitions_drop_expired(*, now: datetime | None = None) -> int:
    """Drop, oldest first, the day partitions past every org's retention window, rolling up
    what they hold first (in the same transaction). Returns the raw clicks removed."""
    now = now or timezone.now()
    retention = timedelta(days=getattr(settings, "CLICK_RETENTION_DAYS", 90) + 1)
    removed = 0
    for name in partition_names():
        day = _day_of(name)
        if day is None:
            continue
        start, end = _bounds(day)
        if end > now - retention:
            break  # in name order: every later partition is younger
        dropped = _drop(name, start, end)
        if dropped is None:
            break
        removed += dropped
    return removed


def _drop(name: str, start: datetime, end: datetime) -> int | None:
    """Roll up and drop one partition; None (nothing done) when an org is not ready yet."""
    quoted = connection.ops.quote_name
    daily, clicks = quoted(DailyClicks._meta.db_table), quoted(PARENT)
    removed = 0
    with dangerously_unscoped(), connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT organization_id FROM {quoted(name)}")  # noqa: S608
        org_ids = [row[0] for row in cursor.fetchall()]
        organizations = list(Organization.objects.filter(pk__in=org_ids).order_by("pk"))
        cuts = {org.pk: _org_cut(org, end) for org in organizations}
        for org in organizations:
            boundary = datetime.combine(
                purge_before_day(organization=org), time.min, tzinfo=org_zone(org)
            )
            if cuts[org.pk] > boundary:
                return None
        for org in organizations:
            with db_scope(org_ids=[org.pk]):
                # Every raw row of the org before the cut: this partition's, the later hours of
                # the straddling day, and strays of older days (the DEFAULT partition).
                cursor.execute(
                    f"WITH counted AS (INSERT INTO {daily} "  # noqa: S608
                    "(organization_id, link_id, day, valid, filtered) "
                    "SELECT organization_id, link_id, (at AT TIME ZONE %s)::date AS day, "
                    "count(*) FILTER (WHERE valid), count(*) FILTER (WHERE NOT valid) "
                    f"FROM {clicks} WHERE organization_id = %s AND at < %s "
                    "GROUP BY organization_id, link_id, day "
                    "ON CONFLICT (link_id, day) DO UPDATE "
                    "SET valid = EXCLUDED.valid, filtered = EXCLUDED.filtered "
                    "RETURNING valid + filtered AS n) SELECT COALESCE(sum(n), 0) FROM counted",
                    [org_zone(org).key, org.pk, cuts[org.pk]],
                )
                removed += int(cursor.fetchone()[0])
                cursor.execute(
                    f"DELETE FROM {clicks} WHERE organization_id = %s AND at < %s "  # noqa: S608
                    "AND (at >= %s OR at < %s)",
                    [org.pk, cuts[org.pk], end, start],
                )
        cursor.execute(f"DROP TABLE {quoted(name)}")
    return removed
