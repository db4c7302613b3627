"""Reads of the creator's privacy page: their latest export, the link to it, and what stands in
the way of erasure. Always given the creator's own login."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import ngettext

from influencers.models import DataExport
from payments.models import Payout, PayoutState

# Payouts not settled yet: pending (earned, failed), scheduled, on hold, in a run (processing).
UNSETTLED = (
    PayoutState.EARNED,
    PayoutState.FAILED,
    PayoutState.ON_HOLD,
    PayoutState.SCHEDULED,
    PayoutState.PROCESSING,
)
LINK_SALT = "influencers.privacy.data-export"


def latest_export(*, user: Any) -> DataExport | None:
    return DataExport.objects.filter(user=user).order_by("-requested_at", "-id").first()


def export_by_id(*, export_id: int) -> DataExport | None:
    """For the job: the export (not a tenant row) with its creator."""
    return DataExport.objects.select_related("user").filter(pk=export_id).first()


def export_download_url(export: DataExport) -> str:
    """The signed link e-mailed to the creator (it names the export, never the file; expiry is
    the export's own ``expires_at``, so the link stays the same until then)."""
    token = signing.Signer(salt=LINK_SALT).sign(str(export.pk))
    return reverse("portal_data_download", kwargs={"token": token})


def export_from_link(*, user: Any, token: str) -> DataExport | None:
    """The user's own export the link names; None for a forged link or another creator's."""
    try:
        export_id = int(signing.Signer(salt=LINK_SALT).unsign(token))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return DataExport.objects.filter(pk=export_id, user=user).first()


def unsettled_payouts(*, user: Any) -> QuerySet[Payout]:
    """The creator's payouts that still move money, in every org (call in creator scope)."""
    return Payout.objects.filter(creator__user=user, state__in=UNSETTLED)


def erasure_blocker(*, user: Any) -> str:
    """Why erasure must wait, in words; empty when nothing stands in the way."""
    count = unsettled_payouts(user=user).count()
    if not count:
        return ""
    return ngettext(
        "%(count)d payout is not settled yet (pending, scheduled, on hold or in a payment run). "
        "Your data can be erased once every payout is paid or cancelled; ask your success "
        "manager if one is stuck.",
        "%(count)d payouts are not settled yet (pending, scheduled, on hold or in a payment "
        "run). Your data can be erased once every payout is paid or cancelled; ask your "
        "success manager if one is stuck.",
        count,
    ) % {"count": count}


def export_status(export: DataExport | None) -> str:
    """Where the export stands for the creator: none, requested, ready, expired or failed."""
    if export is None:
        return "none"
    if export.state == DataExport.State.READY and (export.is_expired or not export.file):
        return "expired"
    return str(export.state)
