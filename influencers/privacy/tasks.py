"""The data export's jobs: build one export (on request), and remove expired files (hourly).
Thin: load by id, open the creator's scope, call the service. Names are pinned."""

from __future__ import annotations

from celery import shared_task

from influencers.access import creator_job_scope
from influencers.privacy import selectors, services


@shared_task(
    name=services.BUILD_TASK,
    acks_late=True,
    max_retries=3,
    autoretry_for=(OSError,),
    retry_backoff=True,
)
def build_data_export(export_id: int) -> bool:
    export = selectors.export_by_id(export_id=export_id)
    if export is None:
        return False
    with creator_job_scope(export.user) as profiles:
        return services.data_export_build(export=export, profiles=profiles)


@shared_task(name="influencers.privacy.tasks.purge_expired_exports", acks_late=True)
def purge_expired_exports() -> int:
    return services.data_export_purge_expired()
