"""Benchmark: the click flush (Redis queue → PostgreSQL) with clicks spread over many links.

Loads, once, one org with ``--links`` tracked links (default 10,000; each with an active
enrollment whose terms carry a click milestone of ``--milestone``, default 1,000,000: checked on
every batch, never reached, as for nearly every link on nearly every flush). Each run empties
the org's clicks and counts, queues ``--clicks`` clicks (default 100,000) straight into the
Redis queue in the redirect's format (each on a random link, one in ten a bot), then times
``tracking.clicks.services.flush_clicks`` until the queue is empty, and checks exactness: every
click stored once, the links' counts (``TrackedLink.valid_clicks``) equal to the valid clicks.
Prints clicks/s per run and the median (target ≥ 15,000 with 10,000 links).

    DATABASE_URL=postgres://influencer_ops@127.0.0.1:5432/bench_io_x18c \\
      CLICK_REDIS_URL=redis://127.0.0.1:6379/12 \\
      DJANGO_SETTINGS_MODULE=config.settings.base .venv/bin/python bench/flush.py
    # options: --links N  --clicks N  --batch N  --runs N  --milestone N
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import add_admin_url, setup_django  # noqa: E402

SLUG = "bench-flush"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--clicks", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5000, help="flush_clicks(max_batch=…)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--milestone", type=int, default=1_000_000)
    add_admin_url(parser)
    return parser.parse_args()


def prepare(links: int, milestone: int) -> tuple[Any, list[int]]:
    from django.db import connection

    from influencer_ops.tenancy import db_scope
    from influencers.models import CreatorProfile
    from organizations.models import Brand, Organization
    from programs.models import Enrollment, Program, TermsVersion
    from tracking.models import TrackedLink

    org, _ = Organization.objects.get_or_create(
        slug=SLUG, defaults={"name": "Bench flush", "mfa_required": False}
    )
    with db_scope(org_ids=[org.pk]):
        have = TrackedLink.objects.filter(organization=org).count()
        if have < links:
            brand, _ = Brand.objects.get_or_create(
                organization=org, slug="bench", defaults={"name": "Bench"}
            )
            program = Program.objects.create(
                organization=org, brand=brand, name=f"Flush {have}", state="launched",
                platforms=["instagram"], destination_url="https://shop.example/flush",
            )  # fmt: skip
            count = links - have
            creators = CreatorProfile.objects.bulk_create(
                CreatorProfile(organization=org, email=f"c{have + n}@flush.test",
                               display_name=f"Creator {have + n}")
                for n in range(count)
            )  # fmt: skip
            enrollments = Enrollment.objects.bulk_create(
                Enrollment(organization=org, program=program, creator=c, state="active")
                for c in creators
            )
            terms = TermsVersion.objects.bulk_create(
                TermsVersion(organization=org, enrollment=e, number=1, snapshot={})
                for e in enrollments
            )
            for enrollment, version in zip(enrollments, terms, strict=True):
                enrollment.terms_version = version
            Enrollment.objects.bulk_update(enrollments, ["terms_version"], batch_size=5000)
            TrackedLink.objects.bulk_create(
                TrackedLink(organization=org, enrollment=e, code=f"bf{have + n}x",
                            destination="https://shop.example/flush")
                for n, e in enumerate(enrollments)
            )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE programs_termsversion SET snapshot = jsonb_build_object("
                "'click_milestone', %s::int) WHERE organization_id = %s",
                [milestone, org.pk],
            )
        ids = list(
            TrackedLink.objects.filter(organization=org).order_by("pk").values_list("pk", flat=True)
        )[:links]
        cursor = connection.cursor()
        cursor.execute("ANALYZE")
    return org, ids


def reset(org: Any) -> None:
    from influencer_ops.tenancy import db_scope
    from tracking.clicks.services import queue_key
    from tracking.links.services import click_redis
    from tracking.models import ClickEvent, MilestoneReached, TrackedLink

    click_redis().delete(queue_key())
    with db_scope(org_ids=[org.pk]):
        ClickEvent.objects.filter(organization=org).delete()
        MilestoneReached.objects.filter(organization=org).delete()
        TrackedLink.objects.filter(organization=org).update(valid_clicks=0)
    # What the runs before left dead (100,000 deleted clicks, 10,000 link versions) is vacuumed
    # away, so that every run starts equal, as a day's fresh partition does in production.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) tracking_clickevent, tracking_trackedlink")


def queue(org: Any, ids: list[int], clicks: int, seed: int) -> int:
    from django.utils import timezone

    from tracking.clicks.services import queue_key
    from tracking.clicks.services.store import micros
    from tracking.links.services import click_redis

    rng = random.Random(seed)
    now = micros(timezone.now())
    valid = 0
    items = []
    for n in range(clicks):
        reason = "bot" if n % 10 == 0 else ""
        valid += not reason
        link = ids[rng.randrange(len(ids))]
        items.append(f"{uuid.uuid4().hex} {link} {org.pk} {now + n} {reason} {n:064x}")
    pipe = click_redis().pipeline(transaction=False)
    for start in range(0, len(items), 10_000):
        pipe.rpush(queue_key(), *items[start : start + 10_000])
    pipe.execute()
    return valid


def check(org: Any, clicks: int, valid: int) -> bool:
    from django.db.models import Sum

    from influencer_ops.tenancy import db_scope
    from tracking.clicks.services import queue_key
    from tracking.links.services import click_redis
    from tracking.models import ClickEvent, TrackedLink

    with db_scope(org_ids=[org.pk]):
        stored = ClickEvent.objects.filter(organization=org).count()
        counted = TrackedLink.objects.filter(organization=org).aggregate(n=Sum("valid_clicks"))
    left = click_redis().llen(queue_key())
    exact = stored == clicks and counted["n"] == valid and not left
    print(f"    stored {stored:,} of {clicks:,}, counted {counted['n']:,} valid of {valid:,}, "
          f"{left} left: {'exact' if exact else 'NOT EXACT'}")  # fmt: skip
    return exact


def main() -> int:
    args = parse_args()
    setup_django(args.admin_url, CLICK_REDIS_URL="redis://127.0.0.1:6379/12")
    from tracking.clicks.services import flush_clicks

    started = time.perf_counter()
    org, ids = prepare(args.links, args.milestone)
    print(f"{len(ids):,} links ready in {time.perf_counter() - started:.1f} s", flush=True)
    rates, exact = [], True
    for run in range(1, args.runs + 1):
        reset(org)
        valid = queue(org, ids, args.clicks, run)
        started = time.perf_counter()
        moved = 0
        while True:
            got = flush_clicks(max_batch=args.batch, max_batches=1000)
            moved += got
            if not got:
                break
        seconds = time.perf_counter() - started
        rates.append(moved / seconds)
        print(f"  run {run}: {moved:,} clicks over {len(ids):,} links in {seconds:.2f} s "
              f"= {rates[-1]:,.0f} clicks/s", flush=True)  # fmt: skip
        exact = check(org, args.clicks, valid) and exact
    print(f"median {statistics.median(rates):,.0f} clicks/s (target ≥ 15,000), "
          f"batches of {args.batch:,}: {'EXACT' if exact else 'NOT EXACT'}")  # fmt: skip
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
