"""Click milestones: recorded once per enrollment when its link's valid clicks reach the
milestone of the creator's terms, and told once to the creator and the BSM."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.events import EventType, emit
from messaging.kinds import NotificationKind
from messaging.services.notifications import notify_many
from programs.models import Enrollment
from tracking.clicks.services.counting import link_valid_clicks
from tracking.models import ClickEvent, MilestoneReached, TrackedLink

# Messaging has no milestone kind (yet): milestones are program news.
MILESTONE_NOTIFICATION = NotificationKind.ANNOUNCEMENT


def _milestone_of(enrollment: Enrollment | None) -> int | None:
    terms = enrollment.terms_version if enrollment is not None else None
    value = terms.snapshot.get("click_milestone") if terms is not None else None
    try:
        return int(value) if value is not None and int(value) >= 1 else None
    except (TypeError, ValueError):
        return None


def milestones_check(*, links: list[TrackedLink]) -> list[MilestoneReached]:
    """Record the milestone of each link's enrollment that its valid clicks reached, once, and
    tell the creator and the BSM. The links (of one org) are locked by the caller, so that a
    concurrent flush counts only after this one committed."""
    if not links:
        return []
    enrollments = Enrollment.objects.select_related(
        "terms_version",
        "organization",
        "program__assigned_bsm",
        "assigned_bsm",
        "creator__user",
    ).in_bulk([link.enrollment_id for link in links])
    if not enrollments:
        return []
    organization = next(iter(enrollments.values())).organization
    targets = {link.pk: _milestone_of(enrollments.get(link.enrollment_id)) for link in links}
    done = set(
        MilestoneReached.objects.filter(enrollment_id__in=list(enrollments)).values_list(
            "enrollment_id", "milestone"
        )
    )
    pending = [
        link
        for link in links
        if targets[link.pk] is not None and (link.enrollment_id, targets[link.pk]) not in done
    ]
    totals = link_valid_clicks(organization=organization, links=pending)
    reached = []
    for link in pending:
        milestone, total = targets[link.pk], totals[link.pk]
        if milestone is None or total < milestone:
            continue
        enrollment = enrollments[link.enrollment_id]
        record, created = MilestoneReached.objects.get_or_create(
            organization_id=link.organization_id,
            enrollment=enrollment,
            milestone=milestone,
            defaults={"valid_clicks": total, "at": _crossing_time(link, milestone, total)},
        )
        if created:
            _notify_milestone(enrollment, milestone)
            emit(
                organization,
                EventType.MILESTONE_REACHED,
                {
                    "enrollment_id": enrollment.pk,
                    "program_id": enrollment.program_id,
                    "creator_id": enrollment.creator_id,
                    "milestone": milestone,
                    "valid_clicks": total,
                },
            )
            reached.append(record)
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
