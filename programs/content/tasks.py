"""Celery tasks of the content workflow: thin, once per org inside its own RLS scope."""

from __future__ import annotations

from celery import shared_task

from organizations.models import Organization
from organizations.sweeps import for_each_org
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
    results: list[content.SweepResult] = []

    def sweep(organization: Organization) -> None:
        results.append(content.review_sla_sweep(organization=organization))

    for_each_org(sweep)
    return {
        "tasks_opened": sum(r.tasks_opened for r in results),
        "auto_approved": sum(r.auto_approved for r in results),
    }
