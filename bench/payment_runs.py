"""Benchmark: a payment run against the bare SQL floor of the same work, and its scaling.

Loads two orgs with N and 10×N earned payouts (5 per creator; every creator has payout details
and a verified tax form, so everything is due), then times, in each org:

(a) ``payments.runs.services.run_process`` with the sandbox provider: claim (earned →
    scheduled), stage
    (→ processing with the idempotency key), book at the provider, settle (→ paid), in chunks
    of 1,000, each move with its ledger transaction (2 entries) and audit event;
(b) the floor: the same state changes, ledger rows, audit rows and provider bookings as bare
    SQL, one statement each over all the payouts at once (10 statements).

Each timed run commits, as production does: (a) runs outside any transaction, each chunk
committing on its own; (b) commits its statements. Between runs, untimed, the org's payouts are
put back to earned (run, key, attempts, references cleared; sandbox bookings deleted) and the
payout table is vacuumed, so every run starts equal; the append-only ledger and audit rows
stay. Prints both, the ratio a/b (target ≤ 4) and the scaling of (a) from N to 10×N
(target ≤ 12).
Not part of the test suite.

    DJANGO_SETTINGS_MODULE=config.settings.base .venv/bin/python bench/payment_runs.py

Without DATABASE_URL it creates (as the PostgreSQL superuser of DATABASE_ADMIN_URL) and uses the
throwaway database ``bench_influencer_ops`` owned by the app role, like ``bench/sweeps.py``.
The data is reused when it is already there (``--rebuild`` reloads it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_admin_url, setup_django

BATCH = 5_000
LOAD_SLICE = 50_000  # objects built at a time while loading (1M payouts fit in memory)
PER_CREATOR = 5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payouts", type=int, default=10_000, help="N (the large org has 10×N)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (median)")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--no-large", action="store_true", help="skip the 10×N org")
    parser.add_argument("--rebuild", action="store_true", help="reload the data")
    add_admin_url(parser)
    return parser.parse_args()


def load(org: Any, program: Any, count: int) -> None:
    from django.utils import timezone

    from influencers.models import CreatorProfile
    from payments.models import PayoutDetails, TaxForm
    from programs.models import Enrollment, TermsVersion

    creators: list[Any] = []
    for start in range(0, -(-count // PER_CREATOR), LOAD_SLICE):
        creators += CreatorProfile.objects.bulk_create(
            (
                CreatorProfile(
                    organization=org,
                    display_name=f"Creator {i:07d}",
                    email=f"c{i}@{org.slug}.test",
                )
                for i in range(start, min(start + LOAD_SLICE, -(-count // PER_CREATOR)))
            ),
            batch_size=BATCH,
        )
    enrollment = Enrollment.objects.create(
        organization=org, program=program, creator=creators[0], state="active"
    )
    terms = TermsVersion.objects.create(
        organization=org, enrollment=enrollment, number=1, snapshot={"currency": "EUR"}
    )
    PayoutDetails.objects.bulk_create(
        (
            PayoutDetails(
                organization=org,
                creator=c,
                method="bank",
                account_name=c.display_name,
                account_identifier=f"DE89370400440532{c.pk:06d}",
            )
            for c in creators
        ),
        batch_size=BATCH,
    )
    TaxForm.objects.bulk_create(
        (
            TaxForm(organization=org, creator=c, kind="w8ben", state="verified", reference="1")
            for c in creators
        ),
        batch_size=BATCH,
    )
    now = timezone.now()
    for start in range(0, count, LOAD_SLICE):
        _load_payouts(
            org, enrollment, terms, creators, now, range(start, min(start + LOAD_SLICE, count))
        )


def _load_payouts(
    org: Any, enrollment: Any, terms: Any, creators: list[Any], now: Any, numbers: range
) -> None:
    from payments.models import Payout

    Payout.objects.bulk_create(
        (
            Payout(
                organization=org,
                enrollment=enrollment,
                creator=creators[n // PER_CREATOR],
                terms_version=terms,
                amount=Decimal(10 + n % 90) + Decimal("0.25"),
                currency="EUR",
                reason="flat_fee",
                state="earned",
                earn_key=f"bench-{n}",
                earned_at=now,
            )
            for n in numbers
        ),
        batch_size=BATCH,
    )


def prepare(count: int, rebuild: bool) -> Any:
    from accounts.models import User
    from influencer_ops.tenancy import db_scope
    from influencers.models import CreatorProfile
    from organizations.models import Brand, Membership, Organization
    from payments.models import PaymentRun, PaymentSchedule, Payout, PayoutDetails, TaxForm
    from programs.models import Enrollment, Program, TermsVersion

    slug = f"bench-payments-{count}"
    org, _ = Organization.objects.get_or_create(
        slug=slug, defaults={"name": f"Bench payments {count:,}", "mfa_required": False}
    )
    with db_scope(org_ids=[org.pk]):
        brand, _ = Brand.objects.get_or_create(
            organization=org, slug="bench", defaults={"name": "Bench"}
        )
        bsm, _ = User.objects.get_or_create(email=f"bsm@{slug}.test", defaults={"name": "BSM"})
        Membership.objects.get_or_create(organization=org, user=bsm, defaults={"role": "bsm"})
        program, _ = Program.objects.update_or_create(
            organization=org,
            name="Payday",
            defaults={"brand": brand, "state": "launched", "assigned_bsm": bsm},
        )
        PaymentSchedule.objects.update_or_create(
            organization=org,
            defaults={"provider": "sandbox", "minimum_amount": Decimal("0"), "max_failures": 3},
        )
        total = Payout.objects.filter(organization=org).count()
        if total == count:  # an interrupted run: back to earned, its run closed
            open_runs = PaymentRun.objects.filter(organization=org).exclude(state="completed")
            for run in open_runs:
                reset(org, run, vacuum_after=False)  # main() vacuums after loading
        earned = Payout.objects.filter(organization=org, state="earned").count()
        if earned != count or total != count or rebuild:
            print(f"{slug}: loading {count:,} payouts…", flush=True)
            if Payout.objects.filter(organization=org).exists():
                raise SystemExit(
                    f"{slug} has payouts with ledger rows (append-only): drop the database "
                    "bench_influencer_ops to reload."
                )
            for model in (TaxForm, PayoutDetails, TermsVersion, Enrollment, CreatorProfile):
                model.objects.filter(organization=org).delete()
            load(org, program, count)
    return org


def vacuum() -> None:
    from django.db import connection

    from payments.models import Payout, PayoutDetails, SandboxPayment, TaxForm

    with connection.cursor() as cursor:
        for model in (Payout, PayoutDetails, TaxForm, SandboxPayment):
            cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')


def _new_run(org: Any) -> Any:
    from payments.models import PaymentRun

    return PaymentRun.objects.create(
        organization=org, state="processing", trigger="manual", provider="sandbox"
    )


def committed(org: Any, func: Callable[[Any], Any]) -> Callable[[], float]:
    """Seconds of ``func(run)``, whose work commits; the org's payouts are reset afterwards."""
    from influencer_ops.tenancy import db_scope

    def timed() -> float:
        with db_scope(org_ids=[org.pk]):
            run = _new_run(org)
        started = time.perf_counter()
        func(run)
        seconds = time.perf_counter() - started
        reset(org, run)
        return seconds

    return timed


def reset(org: Any, run: Any, vacuum_after: bool = True) -> None:
    """Untimed: the org's payouts earned again, as loaded; the run closed; vacuumed."""
    from django.db import connection

    from influencer_ops.tenancy import db_scope

    with db_scope(org_ids=[org.pk]), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_payout SET state = 'earned', run_id = NULL, attempts = 0, "
            "idempotency_key = NULL, failure_count = 0, paid_at = NULL, "
            "provider_reference = '' WHERE organization_id = %s AND state <> 'earned'",
            [org.pk],
        )
        cursor.execute("DELETE FROM payments_sandboxpayment WHERE organization_id = %s", [org.pk])
        cursor.execute(
            "UPDATE payments_paymentrun SET state = 'completed', finished_at = now() "
            "WHERE id = %s AND state <> 'completed'",
            [run.pk],
        )
    if vacuum_after:
        vacuum()


def engine(org: Any) -> Callable[[], float]:
    from influencer_ops.tenancy import db_scope
    from payments.runs import services as runs

    def body(run: Any) -> None:
        assert runs.run_process(organization_id=org.pk, run_id=run.pk)
        with db_scope(org_ids=[org.pk]):
            run.refresh_from_db()
        assert run.state == "completed", run.state
        assert run.paid_count == run.total_count > 0, (run.paid_count, run.total_count)

    return committed(org, body)


def _floor_sql() -> list[str]:
    from influencer_ops.models import AuditEvent

    audit = AuditEvent._meta.db_table

    def move(source: str, target: str, sets: str) -> list[str]:
        debit = "cash" if source == "paid" else f"payable:{source}"
        credit = "cash" if target == "paid" else f"payable:{target}"
        return [
            f"UPDATE payments_payout SET state = '{target}', updated_at = now(){sets} "
            f"WHERE organization_id = %(org)s AND state = '{source}'",
            "WITH tx AS (INSERT INTO payments_ledgertransaction "
            "(organization_id, payout_id, run_id, from_state, to_state, memo, at) "
            f"SELECT organization_id, id, %(run)s, '{source}', '{target}', 'floor', now() "
            f"FROM payments_payout WHERE organization_id = %(org)s AND state = '{target}' "
            "RETURNING id, payout_id) "
            "INSERT INTO payments_ledgerentry "
            "(organization_id, transaction_id, account, amount, currency) "
            "SELECT p.organization_id, tx.id, a.account, a.sign * p.amount, p.currency "
            "FROM tx JOIN payments_payout p ON p.id = tx.payout_id "
            f"CROSS JOIN (VALUES ('{debit}', 1), ('{credit}', -1)) AS a(account, sign)",
            f'INSERT INTO "{audit}" (organization_id, actor_label, verb, target_type, '
            "target_id, target_label, before, after, at) "
            f"SELECT organization_id, 'system', 'payout.{target}', 'payments.payout', id::text, "
            f"amount || ' ' || currency, jsonb_build_object('state', '{source}'), "
            f"jsonb_build_object('state', '{target}'), now() FROM payments_payout "
            f"WHERE organization_id = %(org)s AND state = '{target}'",
        ]

    return [
        *move("earned", "scheduled", ", run_id = %(run)s"),
        *move(
            "scheduled",
            "processing",
            ", attempts = attempts + 1, "
            "idempotency_key = organization_id || '-' || id || '-' || (attempts + 1)",
        ),
        "INSERT INTO payments_sandboxpayment (organization_id, idempotency_key, payout_id, "
        "amount, currency, reference, calls, created_at) SELECT organization_id, "
        "idempotency_key, id, amount, currency, 'SBX-' || idempotency_key, 1, now() "
        "FROM payments_payout WHERE organization_id = %(org)s AND state = 'processing'",
        *move(
            "processing",
            "paid",
            ", paid_at = now(), provider_reference = 'SBX-' || idempotency_key",
        ),
    ]


def floor(org: Any) -> Callable[[], float]:
    from django.db import connection

    from influencer_ops.tenancy import db_scope

    statements = _floor_sql()

    def body(run: Any) -> None:
        with db_scope(org_ids=[org.pk]), connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, {"org": org.pk, "run": run.pk})
        # Committed here: db_scope's transaction ends with the block.

    return committed(org, body)


def timed_alternating(funcs: list[Callable[[], float]], warmup: int, runs: int) -> list[float]:
    for _ in range(warmup):
        for func in funcs:
            func()
    samples: list[list[float]] = [[] for _ in funcs]
    for _ in range(runs):
        for i, func in enumerate(funcs):
            samples[i].append(func())
    return [statistics.median(s) for s in samples]


def main() -> int:
    args = parse_args()
    setup_django(args.admin_url)
    from django.db import connection

    sizes = [args.payouts] if args.no_large else [args.payouts, args.payouts * 10]
    orgs = [prepare(n, args.rebuild) for n in sizes]
    vacuum()
    server = connection.cursor().connection.info.server_version
    print(f"PostgreSQL {server // 10000}.{server % 10000}; sandbox provider; chunks of 1,000")
    results = []
    for n, org in zip(sizes, orgs, strict=True):
        runs = args.runs if n <= 20_000 else max(1, min(args.runs, 2))
        warmup = args.warmup if n <= 20_000 else 0
        run_s, floor_s = timed_alternating([engine(org), floor(org)], warmup, runs)
        results.append(run_s)
        print(
            f"N = {n:>9,}: (a) run_process {run_s:8.2f} s  (b) SQL floor {floor_s:7.2f} s  "
            f"ratio a/b {run_s / floor_s:5.2f} (target ≤ 4)  "
            f"[{n / run_s:,.0f} payouts/s; median of {runs}]",
            flush=True,
        )
    if len(results) == 2:
        print(f"scaling N → 10×N: {results[1] / results[0]:.2f}× (target ≤ 12)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
