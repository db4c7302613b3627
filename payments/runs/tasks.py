"""Celery tasks of payment runs: thin, by id, each chunk in the org's RLS scope."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from organizations.models import Organization
from organizations.sweeps import for_each_org
from payments.models import PaymentRun
from payments.runs import services as runs
from payments.runs.processing import CHUNK, run_process


# Not @org_scoped, on purpose: that would run the whole run in one transaction, while
# ``run_process`` must run outside any: each chunk commits in its own org scope before the
# provider is called (the exactly-once guarantee), and its advisory lock is per session.
@shared_task(
    name="payments.tasks.run_process_task",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    time_limit=3600,
    soft_time_limit=3300,
    max_retries=None,
)
def run_process_task(self: object, org_id: int, run_id: int, chunk_size: int | None = None) -> bool:
    """Process a payment run. Resumable and safe twice at once: a re-delivered or duplicate
    message finishes what is left, and nothing is paid twice. A run longer than the time
    limit stops between chunks and re-queues itself."""
    try:
        return run_process(
            organization_id=int(org_id), run_id=int(run_id), chunk_size=chunk_size or CHUNK
        )
    except SoftTimeLimitExceeded:
        run_process_task.apply_async((org_id, run_id, chunk_size), countdown=1)
        return False


@shared_task(
    name="payments.tasks.open_scheduled_runs",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=120,
    soft_time_limit=100,
)
def open_scheduled_runs() -> int:
    """Beat (every minute): open the scheduled run of every org whose schedule is due. Safe to
    run twice at once (the schedule row is claimed with SKIP LOCKED). Returns runs opened."""
    now = timezone.now()

    def open_one(organization: Organization) -> int:
        return int(runs.run_open_scheduled(organization=organization, now=now) is not None)

    return for_each_org(open_one)


@shared_task(
    name="payments.tasks.resume_open_runs",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=120,
    soft_time_limit=100,
)
def resume_open_runs() -> int:
    """Beat (every 5 minutes): queue every processing run again. A run a worker is on returns
    at once (its advisory lock); a run whose worker died resumes where it stopped."""

    def queue_processing(organization: Organization) -> int:
        run_ids = list(
            PaymentRun.objects.filter(
                organization_id=organization.pk, state=PaymentRun.State.PROCESSING
            ).values_list("pk", flat=True)
        )
        for run_id in run_ids:
            _queue_after_commit(organization.pk, run_id)
        return len(run_ids)

    return for_each_org(queue_processing)


def _queue_after_commit(org_id: int, run_id: int) -> None:
    # After the org's scope commits: the worker runs outside any transaction.
    transaction.on_commit(lambda: run_process_task.delay(org_id, run_id))
