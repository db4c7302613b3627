"""The payout state machine and its double-entry ledger.

Every payout move — one payout or thousands at once — goes through here: the state changes
only if the payout is in an allowed state (a conditional UPDATE, so two movers cannot both win),
and the move writes one ledger transaction whose entries sum to zero per currency and one audit
event. Accounts mirror the states: ``expense`` (what the programs cost), ``payable:<state>``
(owed to the creator, by where the payout stands) and ``cash`` (paid out), so the balance of
``payable:scheduled`` is always the total of the scheduled payouts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb
from influencer_ops.errors import Conflict, DomainError
from influencer_ops.events import EventType, emit_many
from influencer_ops.models import AuditEvent
from payments.models import LedgerEntry, LedgerTransaction, PaymentRun, Payout, PayoutState

CENT = Decimal("0.01")

PAYOUT_TRANSITIONS: dict[str, frozenset[str]] = {
    PayoutState.EARNED: frozenset(
        {PayoutState.SCHEDULED, PayoutState.ON_HOLD, PayoutState.CANCELLED}
    ),
    PayoutState.ON_HOLD: frozenset({PayoutState.EARNED, PayoutState.CANCELLED}),
    PayoutState.SCHEDULED: frozenset(
        {PayoutState.PROCESSING, PayoutState.EARNED, PayoutState.ON_HOLD, PayoutState.CANCELLED}
    ),
    PayoutState.PROCESSING: frozenset({PayoutState.PAID, PayoutState.FAILED}),
    PayoutState.FAILED: frozenset({PayoutState.EARNED, PayoutState.ON_HOLD}),
    PayoutState.PAID: frozenset(),
    PayoutState.CANCELLED: frozenset(),
}
# States a payout may be created in.
INITIAL_STATES = frozenset({PayoutState.EARNED, PayoutState.ON_HOLD})
# Still owed to the creator (not paid, not cancelled).
OPEN_STATES = frozenset(
    {
        PayoutState.EARNED,
        PayoutState.ON_HOLD,
        PayoutState.SCHEDULED,
        PayoutState.PROCESSING,
        PayoutState.FAILED,
    }
)


def payout_event(source: str, target: str) -> EventType | None:
    """The webhook event of a move: a new payout ("" as its source) is earned, even when it
    starts on hold; a payout moved to paid is paid. Other moves send none."""
    if target == PayoutState.PAID:
        return EventType.PAYOUT_PAID
    return EventType.PAYOUT_EARNED if not source else None


class PayoutInvalid(DomainError):
    """A payout that cannot exist: not positive, wrong currency."""


def money(value: Any) -> Decimal:
    """An amount to cents, half up. Refuses floats: they cannot hold cents exactly."""
    if isinstance(value, float):
        raise TypeError("Money is never a float: pass a Decimal or a string.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def account_for(state: str) -> str:
    """The ledger account holding a payout in ``state`` ("" = not yet earned)."""
    if state in ("", PayoutState.CANCELLED):
        return "expense"
    if state == PayoutState.PAID:
        return "cash"
    return f"payable:{state}"


def check_move(source: str, target: str) -> None:
    if target not in PAYOUT_TRANSITIONS.get(source, frozenset()):
        raise Conflict(
            gettext("A payout that is %(lower)s cannot become %(lower2)s.")
            % {
                "lower": PayoutState(source).label.lower(),
                "lower2": PayoutState(target).label.lower(),
            }
        )


@dataclass(frozen=True)
class Move:
    payout_id: int
    amount: Decimal
    currency: str

    def event_data(self, state: str) -> dict[str, Any]:
        return {
            "payout_id": self.payout_id,
            "amount": f"{self.amount}",
            "currency": self.currency,
            "state": state,
        }


def _write_ledger(
    *,
    organization_id: int,
    moves: list[Move],
    source: str,
    target: str,
    run: PaymentRun | None,
    actor: Any | None,
    memo: str,
    debit: str | None = None,
    audit: bool = True,
    credit: str | None = None,
) -> None:
    """One statement for the whole move, however many payouts: the ledger transactions, both
    legs of each (in ONE insert — the database checks that every statement's entries balance
    per transaction and currency, migration 0002) and the audit events, from arrays.

    A move debits ``account_for(source)`` and credits ``account_for(target)``; an adjustment
    (same state) names its ``debit`` account and writes its own audit event (``audit=False``)."""
    if not moves:
        return
    if (event := payout_event(source, target)) is not None:
        emit_many(organization_id, event, [move.event_data(target) for move in moves])
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    label = getattr(user, "email", "") if user is not None else "system"
    after = {"state": target, **({"memo": memo[:500]} if memo else {})}
    quote = connection.ops.quote_name
    sql = f"""
    WITH moves AS (
      SELECT * FROM unnest(%(ids)s::bigint[], %(amounts)s::numeric[], %(currencies)s::varchar[])
        AS m(payout_id, amount, currency)
    ), txs AS (
      INSERT INTO {quote(LedgerTransaction._meta.db_table)}
        (organization_id, payout_id, run_id, from_state, to_state, memo, actor_id, at)
      SELECT %(org)s, payout_id, %(run)s, %(source)s, %(target)s, %(memo)s, %(actor)s, now()
        FROM moves ORDER BY payout_id
      RETURNING id, payout_id
    ), audit AS (
      INSERT INTO {quote(AuditEvent._meta.db_table)}
        (organization_id, actor_id, actor_label, verb, target_type, target_id, target_label,
         before, after, at)
      SELECT %(org)s, %(actor)s, %(label)s, %(verb)s, %(target_type)s, payout_id::text,
             amount::text || ' ' || currency, %(before)s::jsonb, %(after)s::jsonb, now()
        FROM moves WHERE %(audit)s
      RETURNING 1
    )
    INSERT INTO {quote(LedgerEntry._meta.db_table)}
      (organization_id, transaction_id, account, amount, currency)
    SELECT %(org)s, txs.id, legs.account, moves.amount * legs.sign, moves.currency
      FROM txs JOIN moves USING (payout_id)
      CROSS JOIN (VALUES (%(debit)s, 1), (%(credit)s, -1)) AS legs(account, sign)
    """  # noqa: S608  (table names from the models, values as parameters)
    params = {
        "ids": [move.payout_id for move in moves],
        "amounts": [move.amount for move in moves],
        "currencies": [move.currency for move in moves],
        "org": organization_id,
        "run": run.pk if run is not None else None,
        "source": source,
        "target": target,
        "memo": memo[:500],
        "actor": user.pk if user is not None else None,
        "label": label,
        "verb": AuditVerb(f"payout.{target}").value,
        "target_type": Payout._meta.label_lower,
        "before": json.dumps({"state": source}),
        "after": json.dumps(after),
        "debit": debit if debit is not None else account_for(source),
        "audit": audit,
        "credit": credit if credit is not None else account_for(target),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@transaction.atomic
def payout_record(
    *,
    payout: Payout,
    actor: Any | None = None,
    memo: str = "",
) -> Payout:
    """Save a new payout (state ``earned`` or ``on_hold``) with its first ledger transaction
    (``expense`` → ``payable:<state>``) and audit event. Refuses a non-positive amount or a
    currency that is not the terms' currency."""
    if payout.state not in INITIAL_STATES:
        raise Conflict(gettext("A new payout is earned or on hold."))
    payout.amount = money(payout.amount)
    if payout.amount <= 0:
        raise PayoutInvalid(gettext("A payout's amount must be more than zero."))
    terms_currency = (payout.terms_version.snapshot or {}).get("currency")
    if terms_currency and payout.currency != terms_currency:
        raise PayoutInvalid(
            gettext("The terms pay in %(terms_currency)s; a payout in %(currency)s is refused.")
            % {"terms_currency": terms_currency, "currency": payout.currency}
        )
    payout.earned_at = payout.earned_at or timezone.now()
    payout.save(force_insert=True)
    _write_ledger(
        organization_id=payout.organization_id,
        moves=[Move(payout.pk, payout.amount, payout.currency)],
        source="",
        target=payout.state,
        run=None,
        actor=actor,
        memo=memo or payout.explanation,
    )
    return payout


@transaction.atomic
def payout_move(
    *,
    payout: Payout,
    target: str,
    actor: Any | None = None,
    memo: str = "",
    run: PaymentRun | None = None,
    **fields: Any,
) -> Payout:
    """Move one payout to ``target`` (``Conflict`` if its state does not allow it), setting
    ``fields`` in the same UPDATE. Lost races raise ``Conflict`` too: the row is locked and
    re-read first."""
    locked = Payout.objects.select_for_update().get(
        pk=payout.pk, organization_id=payout.organization_id
    )
    check_move(locked.state, target)
    source = locked.state
    updates = {"state": target, "updated_at": timezone.now(), **fields}
    Payout.objects.filter(pk=locked.pk).update(**updates)
    _write_ledger(
        organization_id=locked.organization_id,
        moves=[Move(locked.pk, locked.amount, locked.currency)],
        source=source,
        target=target,
        run=run,
        actor=actor,
        memo=memo,
    )
    for name, value in updates.items():
        setattr(locked, name, value)
    return locked


@transaction.atomic
def payouts_move_bulk(
    *,
    organization_id: int,
    payout_ids: Iterable[int],
    source: str,
    target: str,
    actor: Any | None = None,
    memo: str = "",
    run: PaymentRun | None = None,
    **fields: Any,
) -> list[int]:
    """Move every payout of ``payout_ids`` that is still in ``source`` to ``target`` with one
    conditional UPDATE (a payout another worker moved first is skipped, not moved twice), and
    write their ledger transactions and audit events in bulk. Returns the ids moved."""
    check_move(source, target)
    ids = list(payout_ids)
    if not ids:
        return []
    # Lock what is still in ``source`` (rows another worker holds are skipped, not waited
    # for), then move exactly those: a payout is never moved twice.
    rows = list(
        Payout.objects.select_for_update(skip_locked=True)
        .filter(organization_id=organization_id, pk__in=ids, state=source)
        .order_by("pk")
        .values_list("pk", "amount", "currency")
    )
    if not rows:
        return []
    moved = [row[0] for row in rows]
    Payout.objects.filter(organization_id=organization_id, pk__in=moved).update(
        state=target, updated_at=timezone.now(), **fields
    )
    _write_ledger(
        organization_id=organization_id,
        moves=[Move(pk, amount, currency) for pk, amount, currency in rows],
        source=source,
        target=target,
        run=run,
        actor=actor,
        memo=memo,
    )
    return moved


def payout_book_adjustment(*, payout: Payout, delta: Decimal, actor: Any | None, memo: str) -> None:
    """Book a change of ``payout``'s amount by ``delta`` (either sign) while it stays in its
    state: ``expense`` against ``payable:<state>``, one balanced transaction. The caller holds
    the payout's lock, saves the new amount and audits the change."""
    _write_ledger(
        organization_id=payout.organization_id,
        moves=[Move(payout.pk, delta, payout.currency)],
        source=payout.state,
        target=payout.state,
        run=None,
        actor=actor,
        memo=memo,
        debit=account_for(""),
        audit=False,
    )


def payouts_record_bulk(*, organization_id: int, payouts: list[Payout], memo: str) -> None:
    """The first ledger transaction and audit event of payouts just inserted in bulk (each
    ``earned`` or ``on_hold``): one statement per initial state, however many payouts."""
    for state in sorted(INITIAL_STATES):
        moves = [Move(p.pk, p.amount, p.currency) for p in payouts if p.state == state]
        _write_ledger(
            organization_id=organization_id,
            moves=moves,
            source="",
            target=state,
            run=None,
            actor=None,
            memo=memo,
        )


def payouts_book_transfer(
    *,
    organization_id: int,
    moves: list[tuple[int, Decimal, str, str]],
    debit: str,
    credit: str,
    memo: str,
) -> None:
    """Book amounts between two accounts on payouts that keep their state (a commission's
    clawback: ``receivable:clawback`` ← ``expense``, and its settlement back): ``moves`` are
    (payout id, amount, currency, payout state), one balanced transaction each, one statement
    per state. The caller audits the change."""
    for state in sorted({move[3] for move in moves}):
        _write_ledger(
            organization_id=organization_id,
            moves=[Move(pk, amount, currency) for pk, amount, currency, st in moves if st == state],
            source=state,
            target=state,
            run=None,
            actor=None,
            memo=memo,
            debit=debit,
            credit=credit,
            audit=False,
        )


def ledger_balances(*, organization_id: int) -> dict[tuple[str, str], Decimal]:
    """{(account, currency): balance} for the org (reports and reconciliation tests)."""
    rows = (
        LedgerEntry.objects.filter(organization_id=organization_id)
        .values("account", "currency")
        .annotate(total=Sum("amount"))
        .order_by("account", "currency")
    )
    return {(row["account"], row["currency"]): row["total"] for row in rows}


__all__ = [
    "OPEN_STATES",
    "PAYOUT_TRANSITIONS",
    "PayoutInvalid",
    "account_for",
    "check_move",
    "ledger_balances",
    "money",
    "payout_book_adjustment",
    "payout_move",
    "payout_record",
    "payouts_book_transfer",
    "payouts_move_bulk",
    "payouts_record_bulk",
]
