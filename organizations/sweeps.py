"""The one fan-out for beat sweeps: run a piece of work once per organization, each in its scope."""

from __future__ import annotations

from collections.abc import Callable

from influencer_ops.tenancy import db_scope
from organizations.models import Organization


def for_each_org(work: Callable[[Organization], int | None]) -> int:
    """Call ``work(organization)`` for every org, in id order, inside that org's RLS scope only.

    Returns the sum of what the calls returned (None counts as 0). One org's scope never sees
    another's rows, so a sweep cannot mix tenants even if ``work`` forgets a filter."""
    total = 0
    for org_id in Organization.objects.order_by("pk").values_list("pk", flat=True):
        with db_scope(org_ids=[org_id]):
            total += work(Organization.objects.get(pk=org_id)) or 0
    return total
