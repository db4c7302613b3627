"""Reads of metric records and of the deliverables and programs a member may record them for.
A deliverable outside the member's brands is not there, like a missing one."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from organizations.models import Membership, Organization
from programs.models import Deliverable, Program
from programs.states import POST_LAUNCH_STATES
from tracking.metrics.permissions import covered_brand_ids
from tracking.models import MetricRecord


def deliverables_writable(
    *, organization: Organization, membership: Membership
) -> QuerySet[Deliverable]:
    """Deliverables whose metrics ``membership`` may record."""
    found = Deliverable.objects.filter(organization=organization)
    brand_ids = covered_brand_ids(membership)
    if brand_ids is not None:
        found = found.filter(program__brand_id__in=brand_ids)
    return found


def metric_programs(*, organization: Organization, membership: Membership) -> QuerySet[Program]:
    """Launched (or finished) programs the member covers: where deliverable ids are looked up."""
    found = Program.objects.filter(organization=organization, state__in=POST_LAUNCH_STATES)
    brand_ids = covered_brand_ids(membership)
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
    brand_ids = covered_brand_ids(membership)
    if brand_ids is not None:
        found = found.filter(deliverable__program__brand_id__in=brand_ids)
    if deliverable is not None:
        found = found.filter(deliverable_id=deliverable)
    if program is not None:
        found = found.filter(deliverable__program_id=program)
    if since is not None:
        found = found.filter(day__gte=since)
    return found.order_by("-day", "deliverable_id", "source", "pk")
