"""A creator's copy of their data: requesting it, building the ZIP (the job), expiring it.

One request may be pending per creator (a second is a 409); the job builds a ZIP of JSON
files, one per section of ``collect.creator_data`` plus a README, stores it privately through
Django's storage API, and tells the creator (in-app and e-mail, through the notifications
module) with a signed link that works for ``EXPORT_DAYS`` days, for them only. Erasure lives
in ``erasure.py``."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from datetime import timedelta
from typing import Any

from celery import current_app
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from influencer_ops.errors import Conflict, Forbidden
from influencers.models import CreatorProfile, DataExport
from influencers.privacy.collect import creator_data
from influencers.privacy.selectors import export_download_url
from messaging.kinds import NotificationKind
from messaging.services.notifications import notify_many

EXPORT_DAYS = 7
# A request whose job never ran (a lost worker) stops blocking a new one after this long.
STALE_REQUEST = timedelta(hours=24)
BUILD_TASK = "influencers.privacy.tasks.build_data_export"
STORAGE_FOLDER = "privacy/exports"

README = gettext_noop("""Your data, as Influencer Ops holds it for the organizations you work with.

Made on {made_at} for {email}. One JSON file per section; ids link the files (an enrollment's
terms versions carry its enrollment_id, a message its thread_id, a ledger entry its
transaction_id). Amounts are strings with two decimals and their ISO currency.

{sections}

Not included: notes the teams write for themselves (internal notes on your profile, on reviews
and on cases), which are not shown to you in the portal either.
""")


def _require_creator(user: Any) -> None:
    if not getattr(user, "is_creator", False):
        raise Forbidden(gettext("Data exports are for creators."))


@transaction.atomic
def data_export_request(*, user: Any) -> DataExport:
    """Ask for a copy; the job starts after commit. Refused (409) while one is pending."""
    _require_creator(user)
    DataExport.objects.filter(
        user=user,
        state=DataExport.State.REQUESTED,
        requested_at__lt=timezone.now() - STALE_REQUEST,
    ).update(state=DataExport.State.FAILED)
    try:
        with transaction.atomic():
            export = DataExport.objects.create(user=user)
    except IntegrityError as exc:  # data_export_one_pending
        raise Conflict(
            gettext(
                "Your previous export is still being prepared: you will get an e-mail when it "
                "is ready."
            )
        ) from exc
    export_id = export.pk
    transaction.on_commit(lambda: current_app.signature(BUILD_TASK, args=(export_id,)).delay())
    return export


def export_zip(sections: dict[str, list[dict[str, Any]]], *, email: str) -> bytes:
    """The ZIP: README.txt and ``<section>.json`` for each section (rows as JSON objects)."""
    buffer = io.BytesIO()
    listing = "\n".join(f"- {name}.json: {len(rows)} rows" for name, rows in sections.items())
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            gettext(README).format(
                made_at=timezone.now().isoformat(), email=email, sections=listing
            ),
        )
        for name, rows in sections.items():
            archive.writestr(f"{name}.json", json.dumps(rows, cls=DjangoJSONEncoder, indent=2))
    return buffer.getvalue()


def data_export_build(*, export: DataExport, profiles: list[CreatorProfile]) -> bool:
    """Build, store and announce one export; idempotent (only a still-requested export is
    built, and only the builder whose conditional update wins announces it). Call inside the
    creator's scope (``influencers.access.creator_job_scope``) with their profiles."""
    if export.state != DataExport.State.REQUESTED:
        return False
    user = export.user
    content = export_zip(creator_data(user=user), email=user.email)
    name = default_storage.save(
        f"{STORAGE_FOLDER}/{user.pk}/{export.pk}-{secrets.token_hex(8)}.zip", ContentFile(content)
    )
    now = timezone.now()
    expires_at = now + timedelta(days=EXPORT_DAYS)
    claimed = DataExport.objects.filter(pk=export.pk, state=DataExport.State.REQUESTED).update(
        state=DataExport.State.READY,
        file=name,
        size=len(content),
        ready_at=now,
        expires_at=expires_at,
    )
    if claimed != 1:
        default_storage.delete(name)
        return False
    export.refresh_from_db()
    if profiles:
        notify_many(
            recipients=[user],
            organization=profiles[0].organization,
            kind=NotificationKind.PRIVACY,
            event_key=f"data-export:{export.pk}",
            title=gettext("Your data export is ready"),
            body=gettext(
                "Download it within %(days)s days, signed in to the portal: "
                "the link works for you only."
            )
            % {"days": EXPORT_DAYS},
            url=export_download_url(export),
        )
    return True


def data_export_remove_file(*, export: DataExport) -> None:
    """Remove an expired export's file (the row stays, to show "expired")."""
    if export.file:
        default_storage.delete(export.file)
        DataExport.objects.filter(pk=export.pk).update(file="")


def data_export_purge_expired() -> int:
    """Delete the files of every expired export; safe to run twice at once."""
    expired = list(
        DataExport.objects.filter(expires_at__lte=timezone.now()).exclude(file="").order_by("id")
    )
    for export in expired:
        data_export_remove_file(export=export)
    return len(expired)
