"""Benchmark: earning the commission due at a payment run against the raw-SQL floor.

Loads one org with N attributed orders, each with a pending commission whose holding period
is over, spread over 1,000 enrollments (creators with payout details and a verified tax form),
then times, each in a transaction that is rolled back:

(a) ``commerce.commission.earning.commissions_earn`` (what the run's hook calls): one payout
    per enrollment with its ledger transaction (2 entries) and audit event, every commission
    marked earned into its payout with an audit event each — a constant number of statements;
(b) the floor: the same rows as bare SQL (payouts from a GROUP BY, their ledger transactions
    and entries, the commissions' UPDATE, the audit rows), one statement each.

Prints both and the ratio a/b (target ≤ 4). Not part of the test suite.

    DJANGO_SETTINGS_MODULE=config.settings.base .venv/bin/python bench/commission.py
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_admin_url, setup_django

ENROLLMENTS = 1_000
BATCH = 5_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    add_admin_url(parser)
    return parser.parse_args()


def prepare(count: int) -> Any:
    from django.utils import timezone

    from commerce.models import Commission, Order
    from influencer_ops.tenancy import db_scope
    from influencers.models import CreatorProfile
    from organizations.models import Brand, Organization
    from payments.models import PaymentSchedule, PayoutDetails, TaxForm
    from programs.models import Enrollment, Program, TermsVersion

    slug = f"bench-commission-{count}"
    org, _ = Organization.objects.get_or_create(
        slug=slug, defaults={"name": f"Bench commission {count:,}", "mfa_required": False}
    )
    with db_scope(org_ids=[org.pk]):
        if Commission.objects.filter(organization=org, state="pending").count() == count:
            return org
        if Order.objects.filter(organization=org).exists():
            raise SystemExit(f"{slug} is half loaded: drop the bench database to reload.")
        print(f"{slug}: loading {count:,} orders and commissions…", flush=True)
        PaymentSchedule.objects.get_or_create(organization=org)
        brand = Brand.objects.create(organization=org, slug="bench", name="Bench")
        program = Program.objects.create(
            organization=org, brand=brand, name="Shop", state="launched", currency="USD"
        )
        creators = CreatorProfile.objects.bulk_create(
            CreatorProfile(organization=org, display_name=f"C{i}", email=f"c{i}@{slug}.test")
            for i in range(ENROLLMENTS)
        )
        PayoutDetails.objects.bulk_create(
            PayoutDetails(
                organization=org,
                creator=c,
                method="bank",
                account_name=c.display_name,
                account_identifier=f"DE89370400440532{c.pk:06d}",
            )
            for c in creators
        )
        TaxForm.objects.bulk_create(
            TaxForm(organization=org, creator=c, kind="w8ben", state="verified", reference="1")
            for c in creators
        )
        enrollments = Enrollment.objects.bulk_create(
            Enrollment(organization=org, program=program, creator=c, state="active")
            for c in creators
        )
        snapshot = {"currency": "USD", "commission_percent": "10.00", "commission_fixed": "1.00"}
        terms = TermsVersion.objects.bulk_create(
            TermsVersion(organization=org, enrollment=e, number=1, snapshot=snapshot)
            for e in enrollments
        )
        for e, t in zip(enrollments, terms, strict=True):
            e.terms_version = t
        Enrollment.objects.bulk_update(enrollments, ["terms_version"])
        placed = timezone.now() - timedelta(days=30)
        for start in range(0, count, BATCH):
            orders = Order.objects.bulk_create(
                Order(
                    organization=org,
                    source="api",
                    source_order_id=f"o{n}",
                    placed_at=placed,
                    currency="USD",
                    gross_value=Decimal("120.00"),
                    net_value=Decimal("100.00"),
                    enrollment=enrollments[n % ENROLLMENTS],
                    attributed_via="link",
                    payload_hash=f"{n:064x}",
                )
                for n in range(start, min(count, start + BATCH))
            )
            Commission.objects.bulk_create(
                Commission(  # type: ignore[misc]
                    organization=org,
                    order=o,
                    enrollment_id=o.enrollment_id,
                    terms_version_id=enrollments[n % ENROLLMENTS].terms_version_id,
                    amount=Decimal("11.00"),
                    currency="USD",
                    pending_until=placed + timedelta(days=14),
                )
                for n, o in zip(range(start, start + BATCH), orders, strict=False)
            )
    return org


def rolled_back(org: Any, func: Callable[[Any], Any]) -> float:
    from django.db import transaction

    from influencer_ops.tenancy import db_scope
    from payments.models import PaymentRun

    with transaction.atomic():
        with db_scope(org_ids=[org.pk]):
            run = PaymentRun.objects.create(
                organization=org, state="processing", trigger="manual", provider="sandbox"
            )
            started = time.perf_counter()
            func(run)
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def engine(org: Any) -> float:
    from commerce.commission.earning import commissions_earn

    def body(run: Any) -> None:
        payouts = commissions_earn(org, run)
        assert len(payouts) == ENROLLMENTS, len(payouts)

    return rolled_back(org, body)


FLOOR = [
    # the payouts, one per enrollment
    """INSERT INTO payments_payout (organization_id, enrollment_id, creator_id, terms_version_id,
       amount, currency, reason, explanation, state, earn_key, earned_at, attempts,
       failure_count, failure_reason, hold_reason, provider_reference, updated_at)
     SELECT c.organization_id, c.enrollment_id, e.creator_id, e.terms_version_id, sum(c.amount),
       c.currency, 'commission', 'floor', 'earned',
       'floor:' || c.enrollment_id || ':' || %(run)s, now(), 0, 0, '', '', '', now()
       FROM commerce_commission c JOIN programs_enrollment e ON e.id = c.enrollment_id
      WHERE c.organization_id = %(org)s AND c.state = 'pending' AND c.pending_until <= now()
      GROUP BY c.organization_id, c.enrollment_id, c.currency, e.creator_id, e.terms_version_id""",
    # their ledger transactions and entries
    """WITH tx AS (INSERT INTO payments_ledgertransaction
       (organization_id, payout_id, from_state, to_state, memo, at)
       SELECT organization_id, id, '', 'earned', 'floor', now() FROM payments_payout
        WHERE organization_id = %(org)s AND earn_key LIKE 'floor:%%' RETURNING id, payout_id)
     INSERT INTO payments_ledgerentry (organization_id, transaction_id, account, amount, currency)
     SELECT p.organization_id, tx.id, a.account, a.sign * p.amount, p.currency
       FROM tx JOIN payments_payout p ON p.id = tx.payout_id
      CROSS JOIN (VALUES ('expense', 1), ('payable:earned', -1)) AS a(account, sign)""",
    # the payouts' audit events
    """INSERT INTO influencer_ops_auditevent (organization_id, actor_label, verb, target_type,
       target_id, target_label, before, after, at)
     SELECT organization_id, 'system', 'payout.earned', 'payments.payout', id::text,
       amount || ' ' || currency, '{}'::jsonb, '{}'::jsonb, now()
       FROM payments_payout WHERE organization_id = %(org)s AND earn_key LIKE 'floor:%%'""",
    # the commissions, earned into their payouts, with an audit event each
    """WITH moved AS (UPDATE commerce_commission c SET state = 'earned', payout_id = p.id,
       earned_at = now(), updated_at = now()
       FROM payments_payout p
      WHERE p.organization_id = %(org)s AND p.earn_key LIKE 'floor:%%'
        AND c.enrollment_id = p.enrollment_id AND c.organization_id = %(org)s
        AND c.state = 'pending' AND c.pending_until <= now()
      RETURNING c.id, c.organization_id, c.amount, c.currency, p.id AS payout_id)
     INSERT INTO influencer_ops_auditevent (organization_id, actor_label, verb, target_type,
       target_id, target_label, before, after, at)
     SELECT organization_id, 'system', 'commission.earned', 'commerce.commission', id::text,
       amount || ' ' || currency, NULL, jsonb_build_object('payout', payout_id), now()
       FROM moved""",
]


def floor(org: Any) -> float:
    from django.db import connection

    def body(run: Any) -> None:
        with connection.cursor() as cursor:
            for sql in FLOOR:
                cursor.execute(sql, {"org": org.pk, "run": run.pk})

    return rolled_back(org, body)


def main() -> int:
    args = parse_args()
    setup_django(args.admin_url)
    from django.db import connection

    org = prepare(args.orders)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    server = connection.cursor().connection.info.server_version
    print(f"PostgreSQL {server // 10000}.{server % 10000}; {ENROLLMENTS:,} enrollments; one run")
    engine_s = engine(org)
    floor_s = floor(org)
    print(
        f"N = {args.orders:,} commissions: (a) commissions_earn {engine_s:.2f} s  "
        f"(b) SQL floor {floor_s:.2f} s  ratio a/b {engine_s / floor_s:.2f} (target ≤ 4)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
