"""The nightly figures audit, per org."""

from __future__ import annotations

from celery import shared_task

from organizations.models import Organization
from organizations.sweeps import for_each_org
from payments.figures.services import figures_audit_and_tell


@shared_task(
    name="payments.figures.tasks.audit_figures_all",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=1800,
    soft_time_limit=1740,
)
def audit_figures_all() -> int:
    """Beat (nightly): audit every org's figures; admins hear of each violation once.
    Read-only apart from the notifications, so safe to run twice. Returns the violations."""

    def audit(organization: Organization) -> int:
        return len(figures_audit_and_tell(organization=organization))

    return for_each_org(audit)
