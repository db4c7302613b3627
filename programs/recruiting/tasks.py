"""Celery tasks of recruiting: thin beat sweeps, each org inside its own RLS scope."""

from __future__ import annotations

from celery import shared_task

from organizations.sweeps import for_each_org
from programs.recruiting.services import expire_invitations


# The name is pinned from before the task moved here: beat schedules and stored rows use it.
@shared_task(
    name="programs.tasks.invitation_expiry_sweep_all",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
)
def invitation_expiry_sweep_all() -> int:
    """Beat: expire invitations past recruit-by in every org, telling each creator once and
    promoting the waitlist. Safe to run twice at once."""
    return for_each_org(lambda organization: expire_invitations(organization=organization))
