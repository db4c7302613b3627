"""Celery tasks of the content workflow: thin, inside each org's RLS scope."""

from __future__ import annotations

from celery import shared_task

from influencer_ops.tenancy import db_scope
from organizations.models import Organization
from programs.content import services as content


@shared_task(
    name="programs.tasks_content.review_sla_sweep_all",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
)
def review_sla_sweep_all() -> dict[str, int]:
    """Beat: in every org, open a review task for submissions past the review SLA and
    auto-approve those past the program's auto-approval delay. Safe to run twice at once."""
    opened = approved = 0
    for org_id in Organization.objects.order_by("pk").values_list("pk", flat=True):
        with db_scope(org_ids=[org_id]):
            organization = Organization.objects.get(pk=org_id)
            result = content.review_sla_sweep(organization=organization)
            opened += result.tasks_opened
            approved += result.auto_approved
    return {"tasks_opened": opened, "auto_approved": approved}
