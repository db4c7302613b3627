"""Telling creators about their payouts (in the portal and by e-mail).

Called by the run engine after commit; each function takes the org id and payout ids and is
safe to call twice for the same payouts (one notification per payout and event)."""

from __future__ import annotations

from collections.abc import Iterable


def payouts_scheduled(*, organization_id: int, payout_ids: Iterable[int]) -> None:
    """The payouts were scheduled into a run: tell each creator the amount and date."""


def payouts_paid(*, organization_id: int, payout_ids: Iterable[int]) -> None:
    """The payouts were paid: tell each creator."""


def payouts_held(*, organization_id: int, payout_ids: Iterable[int]) -> None:
    """The payouts went on hold: tell each creator why and what to do."""
