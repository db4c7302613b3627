"""What staff do to one payout: correct its amount or explanation, hold it, release it, cancel
it. Each runs in one transaction, moves state only through ``payments.ledger`` and leaves an
audit event; the creator hears about a hold after commit. Callers check ``can_manage_payouts``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError, NotFound
from influencer_ops.validation import PAYMENT_TEXT_MAX_LENGTH
from payments import ledger, notify
from payments.models import Payout, PayoutState

# A payout's amount may change only before it is committed to a run.
ADJUSTABLE_STATES = frozenset({PayoutState.EARNED, PayoutState.ON_HOLD})
MAX_REASON = PAYMENT_TEXT_MAX_LENGTH


def _reason(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(gettext("Say why the payout is %(what)s.") % {"what": what})
    if len(text) > MAX_REASON:
        raise DomainError(
            gettext("A reason has at most %(MAX_REASON)s characters.") % {"MAX_REASON": MAX_REASON}
        )
    return text


def _lock(payout: Payout) -> Payout:
    return Payout.objects.select_for_update().get(
        pk=payout.pk, organization_id=payout.organization_id
    )


def _new_amount(value: Any) -> Decimal:
    try:
        amount = ledger.money(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ledger.PayoutInvalid(gettext("Enter an amount such as 120.00.")) from exc
    if amount <= 0:
        raise ledger.PayoutInvalid(gettext("A payout's amount must be more than zero."))
    return amount


@transaction.atomic
def payout_adjust(
    *,
    payout: Payout,
    actor: Any,
    amount: Any | None = None,
    explanation: str | None = None,
    currency: str | None = None,
    memo: str = "",
) -> Payout:
    """Correct a payout that is earned or on hold (``Conflict`` otherwise, e.g. once paid).

    A new amount writes one balanced adjusting ledger transaction for the difference; the
    amount must be positive and the currency stays the terms' currency. Changing nothing
    writes nothing."""
    locked = _lock(payout)
    if locked.state not in ADJUSTABLE_STATES:
        raise Conflict(
            gettext("A payout that is %(lower)s can no longer be changed.")
            % {"lower": locked.get_state_display().lower()}
        )
    if currency is not None and currency != locked.currency:
        raise ledger.PayoutInvalid(
            gettext("This payout is in %(currency)s, the currency of its terms; it stays so.")
            % {"currency": locked.currency}
        )
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    if amount is not None:
        new_amount = _new_amount(amount)
        if new_amount != locked.amount:
            delta = new_amount - locked.amount
            note = memo or f"Adjusted from {locked.amount} to {new_amount} {locked.currency}"
            ledger.payout_book_adjustment(payout=locked, delta=delta, actor=actor, memo=note)
            before["amount"], after["amount"] = str(locked.amount), str(new_amount)
            locked.amount = new_amount
    if explanation is not None:
        explanation = explanation.strip()
        if len(explanation) > MAX_REASON:
            raise DomainError(
                gettext("An explanation has at most %(MAX_REASON)s characters.")
                % {"MAX_REASON": MAX_REASON}
            )
        if explanation != locked.explanation:
            before["explanation"], after["explanation"] = locked.explanation, explanation
            locked.explanation = explanation
    if not after:
        return locked
    locked.save(update_fields=["amount", "explanation", "updated_at"])
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.PAYOUT_ADJUSTED,
        target=locked,
        before=before,
        after=after,
    )
    return locked


@transaction.atomic
def payout_hold(*, payout: Payout, actor: Any, reason: str) -> Payout:
    """Put a payout on hold with the reason the creator will read (earned, scheduled or failed
    payouts; ``Conflict`` otherwise). The creator is told after commit."""
    reason = _reason(reason, gettext("on hold"))
    held = ledger.payout_move(
        payout=payout, target=PayoutState.ON_HOLD, actor=actor, memo=reason, hold_reason=reason
    )
    organization_id, payout_ids = held.organization_id, [held.pk]
    transaction.on_commit(
        lambda: notify.payouts_held(organization_id=organization_id, payout_ids=payout_ids)
    )
    return held


@transaction.atomic
def payout_release(*, payout: Payout, actor: Any, memo: str = "") -> Payout:
    """Release a held payout back to earned, so the next run picks it up."""
    return ledger.payout_move(
        payout=payout,
        target=PayoutState.EARNED,
        actor=actor,
        memo=memo or "Released from hold",
        hold_reason="",
    )


@transaction.atomic
def payout_cancel(*, payout: Payout, actor: Any, reason: str) -> Payout:
    """Cancel a payout that has not been paid (``Conflict`` once processing or paid)."""
    reason = _reason(reason, "cancelled")
    return ledger.payout_move(payout=payout, target=PayoutState.CANCELLED, actor=actor, memo=reason)


class BulkRefused(Conflict):
    """A bulk action refused for some of the chosen payouts: nothing was changed.
    ``refusals`` says which payout and why, one line each."""

    def __init__(self, refusals: list[str]) -> None:
        super().__init__(
            gettext(
                "Nothing was changed: %(len)s of the chosen payouts cannot be changed this way."
            )
            % {"len": len(refusals)}
        )
        self.refusals = refusals


@transaction.atomic
def payouts_hold(*, organization: Any, payout_ids: Iterable[int], actor: Any, reason: str) -> int:
    """Hold every chosen payout with one reason, through ``payout_hold``: all or none."""
    reason = _reason(reason, gettext("on hold"))
    return _bulk(
        organization, payout_ids, lambda p: payout_hold(payout=p, actor=actor, reason=reason)
    )


@transaction.atomic
def payouts_release(*, organization: Any, payout_ids: Iterable[int], actor: Any) -> int:
    """Release every chosen held payout, through ``payout_release``: all or none."""
    return _bulk(organization, payout_ids, lambda p: payout_release(payout=p, actor=actor))


def _bulk(organization: Any, payout_ids: Iterable[int], act: Callable[[Payout], Any]) -> int:
    """Run ``act`` on each chosen payout of ``organization`` (locked, in id order). A payout
    that is missing or another org's is a ``NotFound`` before anything is written; when any
    payout is refused, the whole change is rolled back and ``BulkRefused`` lists each refusal.
    Returns how many payouts changed. The caller holds the transaction."""
    wanted = sorted(set(payout_ids))
    if not wanted:
        raise DomainError(gettext("Choose at least one payout."))
    payouts = list(
        Payout.objects.select_for_update(of=("self",))
        .select_related("creator")
        .filter(organization=organization, pk__in=wanted)
        .order_by("pk")
    )
    if len(payouts) != len(wanted):
        raise NotFound(gettext("Some chosen payouts do not exist."))
    refusals = []
    for payout in payouts:
        try:
            act(payout)
        except DomainError as exc:
            refusals.append(f"#{payout.pk} ({payout.creator.display_name}): {exc}")
    if refusals:
        raise BulkRefused(refusals)
    return len(payouts)
