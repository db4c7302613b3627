"""After launch in a browser: content review with the disclosure check, the live URL, and a
compliance case that ends in a terms amendment the creator accepts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from influencer_ops.tenancy import dangerously_unscoped
from programs.models import ComplianceCase, Deliverable, Enrollment
from tests.browser.conftest import sign_in
from tests.conftest import build_cast, build_world, confirm_and_launch
from tests.factories import TOTP_SECRET

T = TypeVar("T")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def unscoped(read: Callable[[], T]) -> T:
    with dangerously_unscoped():
        return read()


def test_content_review_and_a_case_ending_in_an_amendment(live_server: Any, new_page: Any) -> None:
    with dangerously_unscoped():
        world = build_world(build_cast())
        confirm_and_launch(world)
        deliverable = Deliverable.objects.filter(enrollment=world.enrollment).first()
        assert deliverable is not None
    base = live_server.url

    creator = new_page()
    sign_in(creator, base, "cara@example.test")
    creator.goto(f"{base}/portal/deliverables/{deliverable.pk}/")
    creator.get_by_label("Caption").fill("Loving my morning glow routine with Lumen!")
    creator.get_by_role("button", name="Send for review").click()
    # Refused on the caption, naming the phrases; nothing goes to review.
    assert creator.get_by_text("Not sent: the caption must disclose", exact=False).is_visible()
    assert creator.get_by_text("“#ad”", exact=False).first.is_visible()
    assert unscoped(lambda: deliverable.submissions.count()) == 0
    creator.get_by_label("Caption").fill("Loving my morning glow routine with Lumen! #ad")
    creator.get_by_role("button", name="Send for review").click()
    assert unscoped(lambda: deliverable.submissions.count()) == 1

    approver = new_page()
    sign_in(approver, base, "approver@northwind.test")
    approver.goto(f"{base}/orgs/northwind/content/deliverables/{deliverable.pk}/")
    approver.get_by_label("Approved", exact=True).check()
    approver.get_by_role("button", name="Save the review").click()
    unscoped(deliverable.refresh_from_db)
    assert deliverable.state == "approved"

    creator.reload()
    creator.get_by_role("textbox", name="Live URL").fill("https://instagram.com/p/glow123")
    creator.get_by_label("Caption as published").fill("Morning glow with Lumen #ad")
    creator.get_by_role("button", name="Record the live URL").click()
    unscoped(deliverable.refresh_from_db)
    assert deliverable.state == "published"
    assert deliverable.live_url == "https://instagram.com/p/glow123"

    bsm = new_page()
    sign_in(bsm, base, "bsm@northwind.test", TOTP_SECRET)
    bsm.goto(f"{base}/orgs/northwind/enrollments/{world.enrollment.pk}/cases/new/")
    bsm.get_by_label("Kind of case").select_option("underperformance")
    bsm.get_by_role("textbox", name="Evidence", exact=True).fill(
        "Clicks are at 20% of pace after half the program."
    )
    bsm.get_by_role("button").filter(has_text="Open").last.click()
    case = unscoped(lambda: ComplianceCase.objects.get(enrollment=world.enrollment))
    bsm.goto(f"{base}/orgs/northwind/cases/{case.pk}/")
    amend = bsm.locator("form").filter(has=bsm.get_by_role("button", name="Send the new terms"))
    amend.get_by_label("Reason for the change (the creator reads it)").fill(
        "Moving to performance-based pay, as we discussed."
    )
    amend.get_by_label("New pay per valid click").fill("0.30")
    amend.get_by_role("button", name="Send the new terms").click()
    assert unscoped(lambda: world.enrollment.terms_versions.count()) == 2

    creator.goto(f"{base}/portal/invitations/{world.enrollment.pk}/")
    creator.get_by_label("I accept these terms").check()
    creator.get_by_role("button", name="Accept").click()
    assert creator.get_by_text("You accepted the new terms").is_visible()
    enrollment = unscoped(
        lambda: Enrollment.objects.select_related("terms_version").get(pk=world.enrollment.pk)
    )
    assert enrollment.terms_version.number == 2
    assert enrollment.terms_version.snapshot["per_click_rate"] == "0.3000"


def test_a_self_service_extension_moves_the_reminders_and_overdue_work_reaches_the_bsm(
    live_server: Any, new_page: Any
) -> None:
    from datetime import datetime, time, timedelta

    import time_machine
    from django.utils import timezone

    from messaging.models import Task
    from programs.deadlines.tasks import reminder_sweep_all
    from programs.models import ReminderSent

    with dangerously_unscoped():
        world = build_world(build_cast())
        confirm_and_launch(world)
        mine = Deliverable.objects.filter(enrollment=world.enrollment).order_by("pk")
        first, second = mine[0], mine[1] if mine.count() > 1 else None
    old_due = first.due_on
    base = live_server.url

    creator = new_page()
    sign_in(creator, base, "cara@example.test")
    creator.goto(f"{base}/portal/deliverables/{first.pk}/")
    creator.get_by_role("link", name="Need more time? Ask for an extension").click()
    creator.get_by_role("textbox", name="New due date").fill(
        (old_due + timedelta(days=5)).isoformat()
    )
    creator.get_by_label("Why do you need more time?").fill("The product arrived late.")
    creator.get_by_role("button", name="Ask for more time").click()
    assert creator.get_by_text("without penalty").first.is_visible()
    unscoped(first.refresh_from_db)
    assert first.due_on == old_due + timedelta(days=5)
    assert first.original_due_on == old_due

    # The day-before reminder follows the new date: none on the old date, one on the new.
    zone = timezone.get_current_timezone()
    for day in (old_due - timedelta(days=1), first.due_on - timedelta(days=1)):
        with time_machine.travel(datetime.combine(day, time(9), tzinfo=zone), tick=False):
            reminder_sweep_all()
    sent = unscoped(
        lambda: list(
            ReminderSent.objects.filter(deliverable=first).values_list(
                "due_on", "kind", "days_before"
            )
        )
    )
    assert (first.due_on, "before", 1) in sent
    assert all(due_on == first.due_on for due_on, _kind, _days in sent)

    # Another piece of work is missed: it becomes a BSM task on the desk.
    overdue = second or first
    late = max(overdue.due_on, first.due_on) + timedelta(days=1)
    with time_machine.travel(datetime.combine(late, time(9), tzinfo=zone), tick=False):
        reminder_sweep_all()
    task = unscoped(
        lambda: Task.objects.filter(
            kind="deliverable_overdue", dedupe_key__startswith=f"overdue:{overdue.pk}:"
        ).first()
    )
    assert task is not None
    assert task.owner_role == "bsm"
    bsm = new_page()
    sign_in(bsm, base, "bsm@northwind.test", TOTP_SECRET)
    bsm.goto(f"{base}/orgs/northwind/desk/")
    assert bsm.get_by_role("link", name=task.title).first.is_visible()
