"""Benchmark: the reminder sweep's cost does not grow with the deliverables that are not due.

Loads two orgs with the same launched program and the same 1,000 deliverables due for a
reminder on the benchmark day (3 days before, 1 day before, on the day, overdue), plus N
deliverables that are not (open ones due later, published ones, long-overdue ones) in the first
org and 10×N in the second. Then times ``programs.deadlines.services.reminder_sweep`` in each
org, as the
median of several runs after a warm-up, alternating the orgs, and prints both and the ratio
large/small (target: < 1.5):

(a) the first sweep of the day: sends the 1,000 reminders and opens the overdue tasks (each run
    in a transaction that is rolled back, so every run does the same work);
(b) a repeat sweep once everything was sent: claims and checks, sends nothing.

Not part of the test suite.

    DJANGO_SETTINGS_MODULE=config.settings.base .venv/bin/python bench/sweeps.py

Without DATABASE_URL it creates (as the PostgreSQL superuser of DATABASE_ADMIN_URL) and uses the
throwaway database ``bench_influencer_ops`` owned by the app role, like ``bench/matching.py``.
The data is reused when it is already there (``--rebuild`` reloads it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_admin_url, setup_django

TODAY = dt.date(2026, 6, 15)
BATCH = 5_000
DUE_CREATORS = 200
PER_ENROLLMENT = 50
# Days from TODAY of the deliverables that get a reminder today: 3 and 1 day before, the day
# itself, and overdue (within the sweep's look-back).
DUE_OFFSETS = [3] * 250 + [1] * 250 + [0] * 250 + [-d for d in range(1, 11)] * 25


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--not-due", type=int, default=10_000, help="N (the large org has 10×N)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs (median)")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true", help="reload the data")
    parser.add_argument("--explain", action="store_true", help="print the sweep's query plan")
    add_admin_url(parser)
    return parser.parse_args()


def _enrollments(org: Any, program: Any, count: int, label: str, users: bool) -> list[Any]:
    """``count`` active enrollments of fresh creators (with logins when ``users``)."""
    from accounts.models import User
    from influencers.models import CreatorProfile
    from programs.models import Enrollment

    logins: list[Any] = [None] * count
    if users:
        logins = User.objects.bulk_create(
            User(email=f"{label}{i}@{org.slug}.test", name=f"Creator {i}", is_creator=True)
            for i in range(count)
        )
    profiles = CreatorProfile.objects.bulk_create(
        (
            CreatorProfile(
                organization=org,
                user=login,
                display_name=f"{label} {i:06d}",
                email=f"{label}{i}@{org.slug}.test",
            )
            for i, login in enumerate(logins)
        ),
        batch_size=BATCH,
    )
    return Enrollment.objects.bulk_create(
        (
            Enrollment(organization=org, program=program, creator=p, state="active")
            for p in profiles
        ),
        batch_size=BATCH,
    )


def _not_due_day(rng: random.Random) -> tuple[str, dt.date]:
    roll = rng.random()
    if roll < 0.6:  # open, due after the reminder horizon
        return "pending", TODAY + dt.timedelta(days=rng.randint(4, 730))
    if roll < 0.9:  # done
        return "published", TODAY - dt.timedelta(days=rng.randint(1, 400))
    # open and long overdue: reminded weeks ago, beyond the sweep's look-back
    return "pending", TODAY - dt.timedelta(days=rng.randint(31, 400))


def load(org: Any, program: Any, not_due: int, seed: int = 5) -> None:
    from programs.models import Deliverable

    rng = random.Random(seed)
    due_enrollments = _enrollments(org, program, DUE_CREATORS, "due", users=True)
    rows = [
        Deliverable(
            organization=org,
            enrollment=due_enrollments[n % DUE_CREATORS],
            program=program,
            number=n + 1,
            kind="post",
            platform="instagram",
            due_on=TODAY + dt.timedelta(days=offset),
            original_due_on=TODAY + dt.timedelta(days=offset),
        )
        for n, offset in enumerate(DUE_OFFSETS)
    ]
    Deliverable.objects.bulk_create(rows, batch_size=BATCH)
    others = _enrollments(org, program, -(-not_due // PER_ENROLLMENT), "other", users=False)
    for start in range(0, not_due, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, not_due)):
            state, due_on = _not_due_day(rng)
            batch.append(
                Deliverable(
                    organization=org,
                    enrollment=others[n // PER_ENROLLMENT],
                    program=program,
                    number=n % PER_ENROLLMENT + 1,
                    kind="story",
                    platform="instagram",
                    state=state,
                    due_on=due_on,
                    original_due_on=due_on,
                )
            )
        Deliverable.objects.bulk_create(batch)


def prepare(not_due: int, rebuild: bool) -> Any:
    from accounts.models import User
    from influencer_ops.tenancy import db_scope
    from influencers.models import CreatorProfile
    from messaging.models import Notification, Task, TaskEvent
    from organizations.models import Brand, Membership, Organization
    from programs.models import Deliverable, Enrollment, Program, ReminderSent

    slug = f"bench-sweeps-{not_due}"
    org, _ = Organization.objects.get_or_create(
        slug=slug, defaults={"name": f"Bench sweeps {not_due:,}", "mfa_required": False}
    )
    with db_scope(org_ids=[org.pk]):
        brand, _ = Brand.objects.get_or_create(
            organization=org, slug="bench", defaults={"name": "Bench"}
        )
        bsm, _ = User.objects.get_or_create(email=f"bsm@{slug}.test", defaults={"name": "BSM"})
        Membership.objects.get_or_create(organization=org, user=bsm, defaults={"role": "bsm"})
        program, _ = Program.objects.update_or_create(
            organization=org,
            name="Summer Glow",
            defaults={"brand": brand, "state": "launched", "assigned_bsm": bsm},
        )
        have = Deliverable.objects.filter(organization=org).count()
        if have != not_due + len(DUE_OFFSETS) or rebuild:
            print(f"{slug}: loading {not_due:,} + {len(DUE_OFFSETS):,} deliverables…", flush=True)
            for model in (ReminderSent, TaskEvent, Task, Notification, Deliverable, Enrollment):
                model.objects.filter(organization=org).delete()
            CreatorProfile.objects.filter(organization=org).delete()
            User.objects.filter(email__endswith=f"@{slug}.test", is_creator=True).delete()
            load(org, program, not_due)
    return org


def vacuum() -> None:
    from django.db import connection

    from programs.models import Deliverable, Enrollment, Program, ReminderSent

    with connection.cursor() as cursor:
        for model in (Deliverable, Enrollment, Program, ReminderSent):
            cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')


def rolled_back(func: Callable[[], Any]) -> Callable[[], Any]:
    """Run ``func`` in the org's scope and throw its writes away, so every run starts equal."""
    from django.db import transaction

    def run() -> Any:
        with transaction.atomic():
            result = func()
            transaction.set_rollback(True)
        return result

    return run


def timed_alternating(
    funcs: list[Callable[[], Any]], warmup: int, runs: int
) -> tuple[list[float], list[Any]]:
    """Median seconds of each; the runs alternate so that load on the machine hits all alike."""
    results: list[Any] = [None] * len(funcs)
    for _ in range(warmup):
        results = [func() for func in funcs]
    samples: list[list[float]] = [[] for _ in funcs]
    for _ in range(runs):
        for i, func in enumerate(funcs):
            started = time.perf_counter()
            results[i] = func()
            samples[i].append(time.perf_counter() - started)
    return [statistics.median(s) for s in samples], results


def sweep_in(org: Any, repeat: bool) -> Callable[[], Any]:
    from influencer_ops.tenancy import db_scope
    from programs.deadlines.services import reminder_sweep

    def first() -> Any:
        with db_scope(org_ids=[org.pk]):
            return rolled_back(lambda: reminder_sweep(organization=org, today=TODAY))()

    if not repeat:
        return first

    def again() -> Any:
        # The first sweep runs untimed in a rolled-back transaction around the timed repeats.
        with db_scope(org_ids=[org.pk]):
            return rolled_back(lambda: _sweep_twice(org))()

    return again


REPEATS = 3  # repeat sweeps per run; the run's figure is the fastest (a load spike hits one)


def _sweep_twice(org: Any) -> Any:
    from programs.deadlines.services import reminder_sweep

    reminder_sweep(organization=org, today=TODAY)
    best, result = float("inf"), None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = reminder_sweep(organization=org, today=TODAY)
        best = min(best, time.perf_counter() - started)
    return best, result


def explain(org: Any) -> str:
    """EXPLAIN ANALYZE of the SQL the repeat sweep really runs (captured while it runs, with its
    parameters), in the large org's scope: the first batch's claim and every read of that batch
    up to the next claim."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from influencer_ops.tenancy import db_scope
    from programs.deadlines.services import reminder_sweep

    out = []
    with db_scope(org_ids=[org.pk]), transaction.atomic():
        reminder_sweep(organization=org, today=TODAY)  # so the captured one is the repeat
        with CaptureQueriesContext(connection) as captured:
            reminder_sweep(organization=org, today=TODAY)
        selects = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
        claims = [i for i, sql in enumerate(selects) if "SKIP LOCKED" in sql]
        end = claims[1] if len(claims) > 1 else len(selects)
        with connection.cursor() as cursor:
            for n, sql in enumerate(selects[claims[0] : end]):
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                shown = sql if len(sql) < 600 else sql[:600] + " …"
                label = "claim (first batch)" if n == 0 else f"load {n}"
                out.append(f"-- {label}:\n{shown}\n{plan}")
        transaction.set_rollback(True)
    return "\n\n".join(out)


def main() -> int:
    args = parse_args()
    setup_django(args.admin_url)
    from django.db import connection

    small = prepare(args.not_due, args.rebuild)
    large = prepare(args.not_due * 10, args.rebuild)
    vacuum()
    if args.explain:
        print(explain(large), end="\n\n")
    (first_small, first_large), results = timed_alternating(
        [sweep_in(small, repeat=False), sweep_in(large, repeat=False)], args.warmup, args.runs
    )
    repeats: list[list[float]] = [[], []]
    for _ in range(args.warmup + args.runs):
        for i, org in enumerate((small, large)):
            seconds, again = sweep_in(org, repeat=True)()
            repeats[i].append(seconds)
            assert again.sent == 0
    repeat_small, repeat_large = (statistics.median(r[args.warmup :]) for r in repeats)
    timed = [r[args.warmup :] for r in repeats]
    per_run = [large_s / small_s for small_s, large_s in zip(*timed, strict=True)]
    sent = results[0]
    server = connection.cursor().connection.info.server_version
    print(f"PostgreSQL {server // 10000}.{server % 10000}; reminder day {TODAY}")
    print(
        f"due: {len(DUE_OFFSETS):,} deliverables → {sent.sent:,} reminders "
        f"({sent.before} before, {sent.due_today} due today, {sent.overdue} overdue), "
        f"{sent.tasks} overdue tasks; not due: {args.not_due:,} vs {args.not_due * 10:,}"
    )
    assert (results[1].sent, results[1].tasks) == (sent.sent, sent.tasks)
    for label, small_s, large_s in (
        ("(a) first sweep (sends)", first_small, first_large),
        ("(b) repeat sweep (nothing to send)", repeat_small, repeat_large),
    ):
        print(
            f"{label:36} {small_s * 1000:8.1f} ms vs {large_s * 1000:8.1f} ms "
            f"(median of {args.runs}); ratio {large_s / small_s:.2f} (target < 1.5)"
        )
    print(
        "(b) per-run ratios: "
        + ", ".join(f"{r:.2f}" for r in per_run)
        + f"; worst {max(per_run):.2f} (target < 1.5 in every run)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
