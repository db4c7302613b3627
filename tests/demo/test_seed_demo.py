"""The demo is made by the product's own services over simulated time, so its figures follow
the rules: each payout is what its terms and the recorded performance give, the ledger agrees
with the payouts, milestones reached have their record and bonus, late payouts are flagged once.
The demo is seeded once for the whole check (about 40 s): one test, one helper per rule."""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demo.people import CREATORS, DEMO_PASSWORD, PLATFORM_STAFF, STAFF
from influencer_ops.tenancy import dangerously_unscoped
from influencers.models import CreatorProfile
from messaging.models import Request, Task
from organizations.models import Membership, Organization
from payments import ledger
from payments.models import PaymentRun, Payout, PayoutReason, PayoutState
from programs.content.selectors import awaiting_decision
from programs.models import (
    ComplianceCase,
    Enrollment,
    Program,
    Submission,
    SubmissionMedia,
    TimeEntry,
)
from programs.states import ProgramState
from tests.conftest import login_client
from tests.factories import with_totp
from tracking.models import MilestoneReached
from tracking.pace.services import milestone_of, with_valid_clicks

pytestmark = pytest.mark.django_db
UNPAID = (PayoutState.EARNED, PayoutState.ON_HOLD, PayoutState.SCHEDULED, PayoutState.PROCESSING)


def valid_clicks(enrollment: Enrollment) -> int:
    found = with_valid_clicks(
        Enrollment.objects.filter(pk=enrollment.pk), organization=enrollment.organization
    ).get()
    return int(found.pace_valid_clicks or 0)


def check_payouts_follow_the_terms() -> None:
    for payout in Payout.objects.select_related("enrollment__organization", "terms_version"):
        terms = payout.terms_version.snapshot
        enrollment = payout.enrollment
        assert payout.terms_version_id == enrollment.terms_version_id
        if payout.reason == PayoutReason.FLAT_FEE:
            assert payout.amount == Decimal(terms["fee"])
        elif payout.reason == PayoutReason.CLICKS:
            clicks = valid_clicks(enrollment)
            assert payout.amount == ledger.money(Decimal(terms["per_click_rate"]) * clicks)
            assert f"{clicks:,} valid clicks" in payout.explanation
        elif payout.reason == PayoutReason.MILESTONE_BONUS:
            assert payout.amount == Decimal(terms["milestone_bonus"])
            assert MilestoneReached.objects.filter(
                enrollment=enrollment, milestone=terms["click_milestone"]
            ).exists()
        elif payout.reason == PayoutReason.COMMISSION:
            earned = payout.commissions.aggregate(total=Sum("amount"))["total"]
            settled = payout.clawbacks.aggregate(total=Sum("amount"))["total"] or 0
            assert payout.amount == earned - settled
        else:  # pragma: no cover - the demo earns nothing else
            raise AssertionError(f"unexpected payout reason {payout.reason}")
        assert payout.currency == terms["currency"]


def check_milestones_have_their_bonus() -> None:
    for enrollment in Enrollment.objects.filter(
        program__state__in=(ProgramState.COMPLETED, ProgramState.CLOSED)
    ):
        milestone = milestone_of(enrollment)
        reached = milestone is not None and valid_clicks(enrollment) >= milestone
        record = MilestoneReached.objects.filter(enrollment=enrollment, milestone=milestone)
        bonus = Payout.objects.filter(
            enrollment=enrollment, reason=PayoutReason.MILESTONE_BONUS
        ).exclude(state=PayoutState.CANCELLED)
        assert record.exists() == reached, enrollment
        assert bonus.exists() == reached, enrollment
    for record in MilestoneReached.objects.select_related("enrollment"):
        assert record.valid_clicks >= record.milestone


def check_ledger_agrees_with_payouts(org: Organization) -> None:
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for payout in Payout.objects.filter(organization=org).exclude(state=PayoutState.CANCELLED):
        totals[(ledger.account_for(payout.state), payout.currency)] += payout.amount
    balances = {
        key: abs(value)
        for key, value in ledger.ledger_balances(organization_id=org.pk).items()
        if key[0] != "expense" and value
    }
    assert balances == dict(totals)


def check_late_payouts_are_flagged_once() -> None:
    today = timezone.localdate()
    late = Payout.objects.filter(state__in=UNPAID, expected_on__lt=today)
    assert late.exists()  # the demo shows one
    for payout in late:
        assert payout.delayed_at is not None, payout
        tasks = Task.objects.filter(dedupe_key=f"payout-delayed:{payout.pk}", owner_role="bsm")
        assert tasks.count() == 1, payout


def check_runs_hold_no_processing_payout() -> None:
    for run in PaymentRun.objects.exclude(state=PaymentRun.State.PROCESSING):
        assert not run.payouts.filter(state=PayoutState.PROCESSING).exists(), run


def check_every_state_is_shown(org: Organization) -> None:
    assert set(Program.objects.values_list("state", flat=True)) == set(ProgramState.values)
    shown = set(Payout.objects.filter(organization=org).values_list("state", flat=True))
    # Scheduled lasts only while a run stages its payouts; failed moves on at once.
    assert shown == set(PayoutState.values) - {PayoutState.FAILED, PayoutState.SCHEDULED}
    assert Payout.objects.filter(organization=org, failure_count__gt=0).exists()
    assert PaymentRun.objects.filter(organization=org).count() >= 2
    open_tasks = Task.objects.filter(organization=org, state="open")
    assert {"ism", "bsm", "approver"} <= set(open_tasks.values_list("owner_role", flat=True))
    assert Request.objects.count() >= 4


def check_the_desk_has_work_to_resolve(org: Organization) -> None:
    """An underperformer's pace task (with its remedies) and a pending milestone correction."""
    open_tasks = Task.objects.filter(organization=org, state="open")
    behind = open_tasks.get(kind="underperforming", creator__email="omar@creators.test")
    assert behind.owner_role == "bsm" and "Remedies to consider" in behind.events.first().note
    correction = open_tasks.get(source_request__topic="milestone_correction")
    assert correction.owner_role == "ism" and correction.program.name == "Spring Glow"


def check_a_creator_with_a_login_sees_a_held_payout(org: Organization) -> None:
    """Cara (creator@demo.test) has a payout on hold with its reason: the next run's preview
    lists it as held with that reason, and her portal shows it on hold."""
    from django.urls import reverse

    from payments.runs.selectors import run_preview

    held = Payout.objects.filter(
        organization=org, creator__user__email="creator@demo.test", state=PayoutState.ON_HOLD
    ).exclude(hold_reason="")
    payout = held.first()
    assert payout is not None
    preview = run_preview(organization=org)
    assert {p.payout_id: p.reason for p in preview.held}[payout.pk] == payout.hold_reason
    creator = Client()
    assert creator.login(email="creator@demo.test", password=DEMO_PASSWORD)
    page = creator.get(reverse("portal_payouts")).content.decode()
    assert "On hold" in page and payout.hold_reason in page


def check_content_awaits_the_approver(org: Organization) -> None:
    """approver@demo.test (Lumen Skincare) finds a version awaiting them in the inbox."""
    approver = Membership.objects.get(organization=org, user__email="approver@demo.test")
    waiting = awaiting_decision(organization=org, membership=approver)
    assert [d.program.name for d in waiting] == ["Glow Serum Drop"]
    glow = Task.objects.filter(program__name="Glow Serum Drop", state="open")
    assert list(glow.values_list("kind", "owner_role")) == [("content_review", "approver")]


def check_submissions_have_their_uploads(org: Organization) -> None:
    """Every version carries a product shot drawn for it (stored, thumbnailed, all different);
    the one awaiting the approver also a playable clip. The inbox shows the thumbnail, the
    item an inline player, and both files are served (the clip in ranges)."""
    from django.core.files.storage import default_storage

    submissions = Submission.objects.filter(organization=org)
    assert submissions.exists()
    images = SubmissionMedia.objects.filter(organization=org, kind="image")
    assert images.count() == submissions.count()
    assert {m.submission_id for m in images} == set(submissions.values_list("pk", flat=True))
    digests = set()
    for image in images:
        assert image.thumbnail and default_storage.exists(image.thumbnail.name), image
        with default_storage.open(image.file.name, "rb") as handle:
            digests.add(hash(handle.read()))
        assert (image.width, image.height, image.content_type) == (800, 1000, "image/jpeg")
    assert len(digests) == images.count()  # a different picture for each version
    video = SubmissionMedia.objects.get(organization=org, kind="video")
    assert video.submission.deliverable.program.name == "Glow Serum Drop"
    assert video.content_type == "video/mp4" and 0 < video.size < 300_000
    approver = Client()
    assert approver.login(email="approver@demo.test", password=DEMO_PASSWORD)
    inbox = approver.get(reverse("approvals_inbox", args=[org.slug])).content.decode()
    shot = video.submission.media.get(kind="image")
    thumb = reverse("content_media_thumbnail", kwargs={"org_slug": org.slug, "pk": shot.pk})
    assert f'class="inbox-thumb" src="{thumb}"' in inbox
    item = reverse(
        "content_deliverable",
        kwargs={"org_slug": org.slug, "pk": video.submission.deliverable_id},
    )
    clip = reverse("content_media", kwargs={"org_slug": org.slug, "pk": video.pk})
    assert f'<video class="media-video" controls preload="metadata" src="{clip}"' in (
        approver.get(item).content.decode()
    )
    assert approver.get(thumb)["Content-Type"] == "image/jpeg"
    ranged = approver.get(clip, headers={"Range": "bytes=0-1023"})
    assert ranged.status_code == 206 and len(b"".join(ranged.streaming_content)) == 1024


def check_the_hub_has_work_to_show(org: Organization) -> None:
    """Accepted enrollments wait for confirmation, each with its task; a case is open."""
    waiting = Enrollment.objects.filter(
        organization=org, state="accepted", creator__user__isnull=False
    )
    assert waiting.exists()
    for enrollment in waiting:
        assert Task.objects.filter(
            enrollment=enrollment, kind="confirm_creator", state__in=["open", "in_progress"]
        ).exists(), enrollment
    assert ComplianceCase.objects.filter(organization=org, state="open").exists()


def check_a_webhook_endpoint_is_registered_but_paused(north: Organization) -> None:
    from integrations.models import WebhookDelivery, WebhookEndpoint

    (endpoint,) = WebhookEndpoint.objects.filter(organization=north)
    assert endpoint.state == WebhookEndpoint.State.PAUSED and endpoint.events
    assert not WebhookDelivery.objects.exists()  # the demo sends nothing anywhere


def check_a_returning_creator_sees_her_tier_and_the_ism_a_suggestion(north: Organization) -> None:
    from demo.growth import RETURNING_PROGRAM
    from programs.growth import selectors as growth
    from programs.matching import selectors as matching
    from programs.timeline.selectors import enrollment_timeline

    maya = CreatorProfile.objects.get(organization=north, email="maya@demo.test")
    (mine,) = [g for g in growth.creator_growth(user=maya.user) if g.organization == north]
    assert mine.tier.code == "rising" and mine.unlock == "1 more completed program"
    program = Program.objects.get(organization=north, name=RETURNING_PROGRAM)
    ranked = list(matching.candidates(program=program))
    assert ranked[0] == maya and "tier: Rising" in matching.candidate_reasons(ranked[0], program)
    suggestion = growth.invite_suggestions(program=program, creator_ids=[maya.pk])[maya.pk]
    assert suggestion.programs == 2 and "past programs: median" in suggestion.why
    enrollment = Enrollment.objects.filter(creator=maya, program__name="Summit Trail").get()
    lines = enrollment_timeline(enrollment=enrollment, with_money=True, creator_view=True)[0:50]
    assert len(lines) >= 5 and not any("note" in line.verb for line in lines)


def check_a_creator_is_left_out_for_her_values() -> None:
    """Cara excludes alcohol: the beer program leaves her out, saying so; the override
    invitation (with its reason) waits for her acknowledgement."""
    from demo.values import ORG, PROGRAM
    from programs.matching import selectors as matching

    program = Program.objects.select_related("brand").get(organization__slug=ORG, name=PROGRAM)
    # (The staff page needs a TOTP sign-in in the demo; the page shows these same rows.)
    left_out = {row.creator.email: row.reasons for row in matching.excluded(program=program)}
    assert "excludes alcohol" in left_out["creator@demo.test"]
    assert "creator@demo.test" not in {c.email for c in matching.candidates(program=program)}
    enrollment = Enrollment.objects.get(program=program, creator__email="creator@demo.test")
    assert enrollment.state == "invited" and enrollment.exclusion_override_reason
    cara = Client()
    assert cara.login(email="creator@demo.test", password=DEMO_PASSWORD)
    html = cara.get(reverse("portal_invitation", args=[enrollment.pk])).content.decode()
    assert "excludes alcohol" in html and 'name="acknowledge_conflict"' in html


def check_hours_show_their_rate_and_scope(north: Organization) -> None:
    """Cara's hours give Holiday Gifts an hourly rate on the staff side; Maya's, well over what
    Summit Trail expects, opened one BSM scope task; the team's median answer time shows."""
    admin_user = Membership.objects.get(organization=north, user__email="admin@demo.test").user
    with_totp(admin_user)  # the demo org asks its admins for two-factor
    admin = login_client(admin_user)
    cara = Enrollment.objects.get(program__name="Holiday Gifts", creator__email="creator@demo.test")
    hub = admin.get(f"/orgs/northwind/enrollments/{cara.pk}/").content.decode()
    assert 'data-figure="hourly-rate"><strong>' in hub
    report = admin.get(f"/orgs/northwind/programs/{cara.program_id}/report/").content.decode()
    assert 'data-figure="program-hourly-rate">$' in report
    (scope,) = Task.objects.filter(organization=north, kind="hours_over_scope")
    assert scope.owner_role == "bsm" and scope.enrollment.creator.email == "maya@demo.test"
    creator = Client()
    assert creator.login(email="creator@demo.test", password=DEMO_PASSWORD)
    assert "The team answers a question in a median of" in creator.get("/portal/").content.decode()


def check_the_payment_record_follows_the_payouts(north: Organization) -> None:
    """The record every invitation shows, recomputed here from the payouts one by one."""
    import statistics
    from datetime import timedelta

    from influencer_ops.calendar import org_zone
    from payments.readiness.services import READINESS_HOLD
    from payments.record.selectors import WINDOW_DAYS, payment_record
    from payments.runs.schedule import schedule_for

    zone = org_zone(schedule_for(organization=north))
    today = timezone.now().astimezone(zone).date()
    late = []
    counted = 0
    for payout in Payout.objects.filter(organization=north).exclude(state="cancelled"):
        promised = payout.missed_expected_on or payout.expected_on
        if promised is None or promised <= today - timedelta(days=WINDOW_DAYS):
            continue
        if payout.state == PayoutState.PAID:
            days = (payout.paid_at.astimezone(zone).date() - promised).days
        elif promised < today and not payout.hold_reason.startswith(READINESS_HOLD):
            days = (today - promised).days
        else:
            continue
        counted += 1
        if days > 0:
            late.append(days)
    record = payment_record(organization=north)
    assert (record.counted, record.late) == (counted, len(late))
    assert record.median_days_late == (statistics.median(late) if late else None)
    # A meaningful figure: enough history, mostly on time, and some payouts late.
    assert record.enough_history and late and record.on_time > record.late


def counts() -> dict[str, int]:
    from influencer_ops.models import AuditEvent
    from integrations.models import WebhookEndpoint
    from tracking.models import ClickEvent

    models: list[Any] = [Program, Enrollment, Payout, PaymentRun, Task, Request, ClickEvent]
    models.append(WebhookEndpoint)
    models.append(SubmissionMedia)  # a second seed uploads nothing more
    models.append(TimeEntry)
    return {m.__name__: m.objects.count() for m in [*models, AuditEvent]}


def check_commission_came_through_the_webhook_and_was_paid_once(north: Organization) -> None:
    from commerce.models import Commission, Order

    orders = Order.objects.filter(organization=north, source="shopify")
    assert orders.filter(enrollment__isnull=False).count() == 3
    assert set(
        orders.filter(enrollment__isnull=True).values_list("unattributed_reason", flat=True)
    ) == {
        "after_window",
        "unknown_code",
    }
    assert Commission.objects.filter(organization=north, state="reversed").count() == 1
    paid = Payout.objects.filter(organization=north, reason=PayoutReason.COMMISSION)
    assert paid.count() == 1 and paid.get().state == PayoutState.PAID
    assert paid.get().commissions.count() == 2


def check_the_sales_report_and_statements_show_the_orders(north: Organization) -> None:
    """The commission program's revenue and ROI are in the sales report, and each creator's
    statement shows their orders: one paid, one reversed among them."""
    from commerce.models import Order
    from commerce.statements import selectors as statements
    from tracking.reports import sales

    attributed = Order.objects.filter(organization=north, enrollment__isnull=False)
    rows = {row.program_id: row for row in sales.program_sales(organization=north)}
    for program_id in set(attributed.values_list("enrollment__program_id", flat=True)):
        assert rows[program_id].revenue > 0 and rows[program_id].roi is not None
    states = set()
    for enrollment in Enrollment.objects.filter(pk__in=attributed.values("enrollment_id")):
        orders = statements.creator_orders_for_org(organization=north, creator=enrollment.creator)
        states |= {statements.order_line(order).state for order in orders}
    assert {"paid", "reversed"} <= states


def check_everything(north: Organization) -> None:
    """Every figure and page of the demo follows its rules (in the unscoped block)."""
    check_payouts_follow_the_terms()
    check_milestones_have_their_bonus()
    check_ledger_agrees_with_payouts(north)
    check_late_payouts_are_flagged_once()
    check_every_state_is_shown(north)
    check_runs_hold_no_processing_payout()
    check_the_desk_has_work_to_resolve(north)
    check_a_creator_with_a_login_sees_a_held_payout(north)
    check_content_awaits_the_approver(north)
    check_submissions_have_their_uploads(north)
    check_the_hub_has_work_to_show(north)
    check_a_webhook_endpoint_is_registered_but_paused(north)
    check_a_returning_creator_sees_her_tier_and_the_ism_a_suggestion(north)
    check_a_creator_is_left_out_for_her_values()
    check_hours_show_their_rate_and_scope(north)
    check_the_payment_record_follows_the_payouts(north)
    check_commission_came_through_the_webhook_and_was_paid_once(north)
    check_the_sales_report_and_statements_show_the_orders(north)


def test_the_demo_is_made_by_the_real_workflows_and_is_idempotent() -> None:
    start = time.monotonic()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    print(f"seed_demo: {time.monotonic() - start:.1f} s")
    with dangerously_unscoped():
        north = Organization.objects.get(slug="northwind")
        check_everything(north)
        before = counts()
    # The figures audit, as `manage.py audit_figures` runs it: nothing in any demo org.
    out = StringIO()
    with contextlib.suppress(SystemExit):
        call_command("audit_figures", stdout=out)
    assert out.getvalue().startswith("0 violations"), out.getvalue()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with dangerously_unscoped():
        assert counts() == before


def test_the_demo_logins_still_work() -> None:
    from demo.people import seed_people

    with dangerously_unscoped():
        seed_people()
    emails = {email for email, *_ in STAFF} | {email for email, _ in CREATORS}
    for email in sorted(emails | {PLATFORM_STAFF[0]}):
        assert Client().login(email=email, password=DEMO_PASSWORD), email


def test_a_history_stopped_half_way_is_refused_not_patched() -> None:
    from django.core.management.base import CommandError

    from demo import programs as demo_programs
    from demo.people import seed_people

    with dangerously_unscoped():
        cast = seed_people()
        demo_programs.create(cast, "northwind", "Trailhead Outdoor", "Summit Trail")
    with pytest.raises(CommandError, match="stopped half-way"):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


# The history is placed around the payment runs (the 1st of the month), not on fixed days: it
# must play out whatever day the demo is seeded (a run just before today, far from it, a
# February, a month's end).
@pytest.mark.parametrize("today", ["2027-01-01", "2027-01-02", "2027-03-15", "2027-05-31"])
def test_the_demo_plays_out_whatever_the_date(today: str) -> None:
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime.fromisoformat(f"{today}T10:00:00+00:00"), tick=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        with dangerously_unscoped():
            check_everything(Organization.objects.get(slug="northwind"))
