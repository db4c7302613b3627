"""The org's due time per task kind (its SLA), set on the desk's settings page."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import DomainError
from messaging.kinds import TaskKind
from messaging.models import TaskSLA
from organizations.models import Organization


@transaction.atomic
def task_sla_set(
    *, organization: Organization, actor: Any, hours_by_kind: dict[str, int | None]
) -> None:
    """Set (or, with None, reset to the default) the org's due time per task kind."""

    for kind, hours in hours_by_kind.items():
        if kind not in TaskKind.values:
            raise DomainError(gettext("Unknown task kind “%(kind)s”.") % {"kind": kind})
        if hours is not None and not 1 <= hours <= 24 * 60:
            raise DomainError(gettext("A due time is between 1 hour and 60 days (1440 hours)."))
    before = {s.kind: s.hours for s in TaskSLA.objects.filter(organization=organization)}
    for kind, hours in hours_by_kind.items():
        if hours is None:
            TaskSLA.objects.filter(organization=organization, kind=kind).delete()
        else:
            TaskSLA.objects.update_or_create(
                organization=organization, kind=kind, defaults={"hours": hours}
            )
    after = {s.kind: s.hours for s in TaskSLA.objects.filter(organization=organization)}
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.TASK_SLA_CHANGED,
        target=organization,
        before=before,
        after=after,
    )
