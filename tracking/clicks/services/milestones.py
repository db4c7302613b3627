"""Click milestones: recorded once per enrollment when its link's valid clicks reach the
milestone of the creator's terms, and told once to the creator and the BSM."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.events import EventType, emit
from messaging.kinds import NotificationKind
from messaging.services.notifications import notify_many
from programs.models import Enrollment, TermsVersion
from tracking.models import ClickEvent, MilestoneReached, TrackedLink

# Messaging has no milestone kind (yet): milestones are program news.
MILESTONE_NOTIFICATION = NotificationKind.ANNOUNCEMENT


# The milestone of the link's terms (``click_milestone`` of the snapshot: a whole number, a
# number's whole part or digits in a string, as ``int()`` reads them; anything else: none),
# and a row for every link whose count reached it. ON CONFLICT: a milestone already recorded
# (or recorded by a concurrent flush) is left alone. The terms are read by a sub-select per
# link (two primary-key look-ups, once: the CTE is materialized), never by joining every
# enrollment of the org.
REACHED_SQL = """
WITH c AS MATERIALIZED (
    SELECT l.organization_id, l.enrollment_id, l.valid_clicks, (
        SELECT t.snapshot -> 'click_milestone' FROM {terms} t WHERE t.id = (
            SELECT e.terms_version_id FROM {enrollments} e WHERE e.id = l.enrollment_id
        )
    ) AS raw
    FROM {links} l WHERE l.id = ANY(%s)
)
INSERT INTO {reached} (organization_id, enrollment_id, milestone, valid_clicks, at)
SELECT c.organization_id, c.enrollment_id, m.milestone, c.valid_clicks, now()
FROM c CROSS JOIN LATERAL (SELECT CASE
    WHEN jsonb_typeof(c.raw) = 'number' AND abs((c.raw #>> '{{}}')::numeric) < 1e15
        THEN trunc((c.raw #>> '{{}}')::numeric)::bigint
    WHEN jsonb_typeof(c.raw) = 'string' AND (c.raw #>> '{{}}') ~ '^\\s*[+-]?[0-9]{{1,15}}\\s*$'
        THEN trim(c.raw #>> '{{}}')::bigint
    END AS milestone) m
WHERE m.milestone >= 1 AND c.valid_clicks >= m.milestone
ON CONFLICT (enrollment_id, milestone) DO NOTHING
RETURNING id
"""


def milestones_check(*, link_ids: list[int]) -> list[MilestoneReached]:
    """Record the milestone of each link's enrollment that its count of valid clicks
    (``TrackedLink.valid_clicks``) reached, once, in one statement for all the links; then,
    for each milestone new in it (rare), its crossing time, and tell the creator and the BSM.
    Run in the transaction that counted the clicks, whose link locks make concurrent flushes
    check one after the other."""
    if not link_ids:
        return []
    quote = connection.ops.quote_name
    sql = REACHED_SQL.format(
        reached=quote(MilestoneReached._meta.db_table),
        links=quote(TrackedLink._meta.db_table),
        enrollments=quote(Enrollment._meta.db_table),
        terms=quote(TermsVersion._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [sorted(link_ids)])
        new_ids = [row[0] for row in cursor.fetchall()]
    if not new_ids:
        return []
    reached = list(
        MilestoneReached.objects.select_related(
            "organization",
            "enrollment__program__assigned_bsm",
            "enrollment__assigned_bsm",
            "enrollment__creator__user",
            "enrollment__tracked_link",
        ).filter(pk__in=new_ids)
    )
    for record in reached:
        enrollment = record.enrollment
        record.at = _crossing_time(enrollment.tracked_link, record.milestone, record.valid_clicks)
        record.save(update_fields=["at"])
        _notify_milestone(enrollment, record.milestone)
        emit(
            record.organization,
            EventType.MILESTONE_REACHED,
            {
                "enrollment_id": enrollment.pk,
                "program_id": enrollment.program_id,
                "creator_id": enrollment.creator_id,
                "milestone": record.milestone,
                "valid_clicks": record.valid_clicks,
            },
        )
    return reached


def _crossing_time(link: TrackedLink, milestone: int, total: int) -> datetime:
    """When the ``milestone``-th valid click happened (now, if it was in a purged day)."""
    raw_valid = ClickEvent.objects.filter(link=link, valid=True)
    before_raw = total - raw_valid.count()
    if milestone <= before_raw:
        return timezone.now()
    at = raw_valid.order_by("at", "pk").values_list("at", flat=True)[milestone - before_raw - 1]
    return at


def _notify_milestone(enrollment: Enrollment, milestone: int) -> None:
    program = enrollment.program
    organization = enrollment.organization
    event_key = f"milestone:{enrollment.pk}:{milestone}"
    creator = enrollment.creator
    notify_many(
        recipients=[creator.user],
        organization=organization,
        kind=MILESTONE_NOTIFICATION,
        event_key=event_key,
        title=gettext("You reached %(milestone)s valid clicks in %(name)s")
        % {"milestone": format(milestone, ","), "name": program.name},
        body=gettext("Your tracked link for %(name)s reached its click milestone.")
        % {"name": program.name},
        url=reverse("portal_home"),
    )
    notify_many(
        recipients=[enrollment.assigned_bsm or program.assigned_bsm],
        organization=organization,
        kind=MILESTONE_NOTIFICATION,
        event_key=event_key,
        title=gettext("%(display_name)s reached %(milestone)s valid clicks in %(name)s")
        % {
            "display_name": creator.display_name,
            "milestone": format(milestone, ","),
            "name": program.name,
        },
        body=gettext("The click milestone in their terms is reached."),
        url=reverse("program_detail", kwargs={"org_slug": organization.slug, "pk": program.pk}),
    )
