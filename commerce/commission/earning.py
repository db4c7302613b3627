"""Earning commission at a payment run: due commissions → one payout per enrollment, in a
constant number of statements (read what is due; insert the payouts; their ledger and audit;
mark the commissions; settle clawbacks). See ``commerce.commission.services``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from commerce.models import Commission, CommissionClawback, CommissionState
from influencer_ops.audit import AuditVerb
from influencer_ops.models import AuditEvent
from payments.ledger import payouts_book_transfer, payouts_record_bulk
from payments.models import Payout, PayoutReason, PayoutState
from payments.readiness.services import creators_readiness
from payments.runs.hooks import PlannedPayout
from payments.runs.schedule import expected_payment_date, schedule_for
from programs.models import Enrollment

ZERO = Decimal("0.00")


def earn_key(enrollment_id: int, currency: str, window: str) -> str:
    return f"commission:{enrollment_id}:{currency}:{window}"


def _settle(due: Decimal, clawbacks: list[tuple[int, Decimal]]) -> list[tuple[int, Decimal]] | None:
    """The outstanding clawbacks this payout absorbs: all of them if it stays above zero;
    else None (nothing is earned for the enrollment this time: the commission waits until it
    is more than what is owed back, so a payout is never zero or negative)."""
    if sum((amount for _, amount in clawbacks), ZERO) >= due:
        return None
    return clawbacks


@dataclass(frozen=True)
class _Due:
    """One enrollment's commission due in one currency, as the next payout would hold it."""

    enrollment: Enrollment
    currency: str
    items: list[tuple[int, Decimal]]  # (commission id, amount)
    taken: list[tuple[int, Decimal]]  # (clawback id, amount) outstanding: this payout settles
    amount: Decimal
    hold: str
    explanation: str


def _due(organization: Any, due_rows: list[tuple[int, int, str, Decimal]]) -> list[_Due]:
    """Group due commissions (id, enrollment, currency, amount) per enrollment and currency,
    less outstanding clawbacks (a group smaller than what it owes back waits), with the hold
    a creator who is not ready to be paid gets. Reads only."""
    org_id = organization.pk
    groups: dict[tuple[int, str], list[tuple[int, Decimal]]] = defaultdict(list)
    for pk, enrollment_id, currency, amount in due_rows:
        groups[(enrollment_id, currency)].append((pk, amount))
    enrollment_ids = {key[0] for key in groups}
    outstanding: dict[tuple[int, str], list[tuple[int, Decimal]]] = defaultdict(list)
    for pk, enrollment_id, currency, amount in (
        CommissionClawback.objects.filter(
            organization_id=org_id, enrollment_id__in=enrollment_ids, settled_payout__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "enrollment_id", "currency", "amount")
    ):
        outstanding[(enrollment_id, currency)].append((pk, amount))
    enrollments = {
        e.pk: e
        for e in Enrollment.objects.filter(organization_id=org_id, pk__in=enrollment_ids)
        .select_related("creator", "program")
        .only(
            "pk", "creator", "terms_version_id", "organization_id", "program__name",
            "program__organization_id",
        )
    }  # fmt: skip
    schedule = schedule_for(organization=organization)
    readiness = (
        creators_readiness(list({e.creator_id: e.creator for e in enrollments.values()}.values()))
        if schedule.require_readiness
        else {}
    )
    found = []
    for (enrollment_id, currency), items in sorted(groups.items()):
        enrollment = enrollments[enrollment_id]
        gross = sum((amount for _, amount in items), ZERO)
        taken = _settle(gross, outstanding.get((enrollment_id, currency), []))
        if taken is None:
            continue
        amount = gross - sum((a for _, a in taken), ZERO)
        ready = readiness.get(enrollment.creator_id)
        explanation = ngettext(
            "Commission on %(count)s order", "Commission on %(count)s orders", len(items)
        ) % {"count": len(items)}
        if taken:
            explanation += gettext(", less %(amount)s clawed back") % {"amount": gross - amount}
        hold = ready.hold_reason if ready is not None else ""
        found.append(_Due(enrollment, currency, items, taken, amount, hold, explanation))
    return found


def _due_rows(organization: Any, now: Any, *, lock: bool) -> list[tuple[int, int, str, Decimal]]:
    qs = Commission.objects.filter(
        organization_id=organization.pk, state=CommissionState.PENDING, pending_until__lte=now
    )
    if lock:
        qs = qs.select_for_update(skip_locked=True)
    return list(qs.order_by("pk").values_list("pk", "enrollment_id", "currency", "amount"))


def commission_plan(organization: Any, now: Any) -> list[PlannedPayout]:
    """The commission payouts a run started at ``now`` would earn (its preview shows them):
    what ``commissions_earn`` records, read without writing or locking."""
    return [
        PlannedPayout(
            key=f"commission:{due.enrollment.pk}:{due.currency}:"
            + ",".join(str(pk) for pk, _ in due.items)
            + ":less:"
            + ",".join(str(pk) for pk, _ in due.taken),
            creator_id=due.enrollment.creator_id,
            creator_name=due.enrollment.creator.display_name,
            enrollment_id=due.enrollment.pk,
            program_name=due.enrollment.program.name,
            amount=due.amount,
            currency=due.currency,
            hold_reason=due.hold,
        )
        for due in _due(organization, _due_rows(organization, now, lock=False))
    ]


@transaction.atomic
def commissions_earn(
    organization: Any, run: Any | None = None, *, now: Any | None = None
) -> list[Payout]:
    """Earn every pending commission of the org whose holding period is over. Idempotent: the
    commissions move once (a conditional UPDATE) and each payout's earn key is unique."""
    now = now or timezone.now()
    org_id = organization.pk
    due_rows = _due_rows(organization, now, lock=True)
    if not due_rows:
        return []
    expected_on = expected_payment_date(organization=organization, moment=now)
    window = f"run{run.pk}" if run is not None else expected_on.isoformat()
    found = _due(organization, due_rows)
    # A key already used (a resumed run claiming again): those wait for the next run.
    used = set(
        Payout.objects.filter(
            organization_id=org_id,
            earn_key__in=[earn_key(d.enrollment.pk, d.currency, window) for d in found],
        ).values_list("earn_key", flat=True)
    )
    found = [d for d in found if earn_key(d.enrollment.pk, d.currency, window) not in used]
    payouts = [
        Payout(
            organization_id=org_id,
            enrollment_id=due.enrollment.pk,
            creator_id=due.enrollment.creator_id,
            terms_version_id=int(due.enrollment.terms_version_id or 0),
            amount=due.amount,
            currency=due.currency,
            reason=PayoutReason.COMMISSION,
            explanation=due.explanation[:500],
            state=PayoutState.ON_HOLD if due.hold else PayoutState.EARNED,
            hold_reason=due.hold[:500],
            earn_key=earn_key(due.enrollment.pk, due.currency, window),
            earned_at=now,
            expected_on=expected_on,
        )
        for due in found
    ]
    if not payouts:
        return []
    Payout.objects.bulk_create(payouts)
    payouts_record_bulk(organization_id=org_id, payouts=payouts, memo=gettext("Commission"))
    payout_of = {(p.enrollment_id, p.currency): p for p in payouts}
    pairs = [
        (pk, payout_of[(d.enrollment.pk, d.currency)].pk, amount)
        for d in found
        for pk, amount in d.items
    ]
    _mark(org_id, pairs, CommissionState.EARNED, now)
    claw_pairs = [
        (pk, payout_of[(d.enrollment.pk, d.currency)].pk, amount)
        for d in found
        for pk, amount in d.taken
    ]
    if claw_pairs:
        _mark(org_id, claw_pairs, None, now)
        payouts_book_transfer(
            organization_id=org_id,
            moves=[
                (
                    payout_of[(d.enrollment.pk, d.currency)].pk,
                    sum((a for _, a in d.taken), ZERO),
                    d.currency,
                    payout_of[(d.enrollment.pk, d.currency)].state,
                )
                for d in found
                if d.taken
            ],
            debit="expense",
            credit="receivable:clawback",
            memo=gettext("Clawed-back commission taken off this payout"),
        )
    return payouts


def _mark(org_id: int, pairs: list[tuple[int, int, Decimal]], state: str | None, now: Any) -> None:
    """Earn (``state``) the commissions into their payouts, or (``None``) record which payout
    settled each clawback (ids of ``CommissionClawback``); one audit event each, on the
    commission. Two statements however many."""
    if state is not None:
        table = connection.ops.quote_name(Commission._meta.db_table)
        assign = "state = %(state)s, payout_id = m.payout_id, earned_at = %(now)s"
        assign += ", updated_at = %(now)s"
        guard = "c.state = 'pending'"
        target_id = "c.id"
        verb = AuditVerb.COMMISSION_EARNED
    else:
        table = connection.ops.quote_name(CommissionClawback._meta.db_table)
        assign = "settled_payout_id = m.payout_id, settled_at = %(now)s"
        guard = "c.settled_payout_id IS NULL"
        target_id = "c.commission_id"
        verb = AuditVerb.COMMISSION_CLAWBACK_SETTLED
    audit = connection.ops.quote_name(AuditEvent._meta.db_table)
    sql = f"""
    WITH m AS (
      SELECT * FROM unnest(%(ids)s::bigint[], %(payouts)s::bigint[], %(amounts)s::numeric[])
        AS m(id, payout_id, amount)
    ), moved AS (
      UPDATE {table} AS c SET {assign}
        FROM m WHERE c.id = m.id AND c.organization_id = %(org)s AND {guard}
      RETURNING {target_id} AS id, m.payout_id, m.amount, c.currency
    )
    INSERT INTO {audit}
      (organization_id, actor_id, actor_label, verb, target_type, target_id, target_label,
       before, after, at)
    SELECT %(org)s, NULL, 'system', %(verb)s, %(target)s, id::text,
           amount::text || ' ' || currency, NULL,
           jsonb_build_object('payout', payout_id, 'state', %(shown)s), %(now)s
      FROM moved
    """  # noqa: S608  (table names from the models, values as parameters)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "ids": [p[0] for p in pairs],
                "payouts": [p[1] for p in pairs],
                "amounts": [p[2] for p in pairs],
                "state": state,
                "now": now,
                "org": org_id,
                "verb": verb.value,
                "target": Commission._meta.label_lower,
                "shown": state or CommissionState.CLAWED_BACK,
            },
        )
