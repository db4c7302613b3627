"""The whole program lifecycle in a browser, by clicking from each role's landing page (issue #12,
"Done means"): a brand manager writes the brief and opens recruiting; the ISM finds candidates
(an away creator is left out, with the reason), invites, and confirms the creator who asked a
question and accepted; launch hands the ISM's open question to the BSM; a caption without
disclosure is refused, one with #ad passes; the approver approves with corrections; the creator
publishes; the pace sweep flags the creator and the BSM amends the terms to performance-based
pay, which the creator accepts; with payout details and a verified tax form, an admin runs
payments and the creator sees the payout paid, with its date.

After sign-in no step types a deep URL: every page is reached by links, tabs and buttons from a
landing page (``home`` goes back to one). Only what time or a scheduled job would do is done
directly: moving the program's dates so that two thirds of it have passed (a browser test cannot
wait forty days) and running the daily pace sweep (a beat job, not a page). The payment run is
processed by its real Celery task, run eagerly on commit by the test settings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

import pytest
from django.utils import timezone

from influencer_ops.calendar import org_zone
from influencer_ops.templatetags.formatting import day
from influencer_ops.tenancy import dangerously_unscoped
from influencers import services as creators
from messaging.models import Request, Task
from organizations.roles import Role
from payments.models import Payout, TaxForm
from programs.matching.reasons import away_reason
from programs.models import Deliverable, Enrollment, Program, Review
from tests.browser.conftest import creator_with_login, sign_in
from tests.conftest import Cast, build_cast
from tests.factories import TOTP_SECRET

T = TypeVar("T")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROGRAM = "Glow Up"
QUESTION = "Can the second post be a carousel?"


def unscoped(read: Callable[[], T]) -> T:
    """The test's own reads see all orgs (requests run under row-level security)."""
    with dangerously_unscoped():
        return read()


@dataclass
class Scene:
    base: str
    new_page: Callable[[], Any]
    cast: Cast
    away_from: date
    away_to: date
    signed_in: dict[str, Any] = field(default_factory=dict)

    def staff(self, role: str) -> Any:
        """The role's page, signed in once (a TOTP code is accepted only once), on its landing
        page (every step starts from there)."""
        if role not in self.signed_in:
            page = self.new_page()
            totp = TOTP_SECRET if role in (Role.ADMIN, Role.ISM, Role.BSM) else None
            sign_in(page, self.base, f"{role}@northwind.test", totp)
            page.wait_for_url(lambda url: "/accounts/" not in url)  # signed in
            self.signed_in[role] = page
        page = self.signed_in[role]
        self.home(page)
        return page

    def ava(self) -> Any:
        """The creator's page, signed in once, on the portal home."""
        if "ava" not in self.signed_in:
            page = self.new_page()
            sign_in(page, self.base, "ava@example.test")
            page.wait_for_url(lambda url: "/accounts/" not in url)
            self.signed_in["ava"] = page
        page = self.signed_in["ava"]
        self.home(page)
        return page

    def home(self, page: Any) -> None:
        page.goto(f"{self.base}/")

    def program(self) -> Program:
        return unscoped(lambda: Program.objects.get(name=PROGRAM))

    def enrollment(self) -> Enrollment:
        return unscoped(
            lambda: Enrollment.objects.select_related("terms_version", "creator").get(
                program__name=PROGRAM, creator__display_name="Ava Accepts"
            )
        )

    def payout(self) -> Payout:
        return unscoped(lambda: Payout.objects.get(enrollment=self.enrollment()))

    def deliverable(self) -> Deliverable:
        return unscoped(lambda: Deliverable.objects.get(enrollment=self.enrollment()))


def nav(page: Any, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def open_program(page: Any) -> None:
    nav(page, "Programs")
    page.get_by_role("link", name=PROGRAM, exact=True).click()


def open_task(page: Any, title: str | re.Pattern[str]) -> None:
    if not page.get_by_role("heading", level=1, name="Success desk").count():
        page.get_by_role("link", name="Open the desk").click()
    page.get_by_role("link", name=title).first.click()


# --- the steps ---


def brand_manager_writes_the_brief(scene: Scene) -> None:
    today = timezone.localdate()
    brand = scene.staff(Role.BRAND_MANAGER)
    nav(brand, "Programs")
    brand.get_by_role("link", name="New program").click()
    brand.locator("[name=name]").fill(PROGRAM)
    brand.get_by_role("button", name="Create program").click()
    assert brand.get_by_role("heading", level=1).inner_text() == f"Brief of {PROGRAM}"
    brand.locator("[name=goals]").fill("Introduce the new serum.")
    brand.locator("[name=guidelines]").fill("Daylight, no filters, spell it Lumen.")
    brand.locator("[name=platforms][value=instagram]").check()
    brand.locator("[name=categories][value=beauty]").check()
    brand.locator("[name=launch_on]").fill((today + timedelta(days=20)).isoformat())
    brand.locator("[name=end_on]").fill((today + timedelta(days=80)).isoformat())
    brand.locator("[name=flat_fee]").fill("400")
    for role in ("ism", "bsm"):
        select = brand.locator(f"[name=assigned_{role}]")
        option = select.locator("option").filter(has_text=f"({role}@northwind.test)")
        select.select_option(option.get_attribute("value"))
    brand.get_by_role("button", name="Save brief").click()
    brand.get_by_role("link", name="Manage deliverables").click()
    brand.locator("[name=kind]").select_option("post")
    brand.locator("[name=platform]").select_option("instagram")
    brand.locator("[name=count]").fill("1")
    brand.locator("[name=due_offset_days]").fill("7")
    brand.get_by_role("button", name="Add deliverable").click()
    brand.get_by_role("link", name=f"← {PROGRAM}").click()
    brand.get_by_role("button", name="Open recruiting").click()
    program = scene.program()
    assert program.state == "recruiting", brand.content()[:3000]
    assert program.goals == "Introduce the new serum."
    assert unscoped(lambda: program.deliverable_specs.count()) == 1


def ism_finds_and_invites(scene: Scene) -> None:
    ism = scene.staff(Role.ISM)
    open_program(ism)
    ism.get_by_role("navigation", name="Program").get_by_role(
        "link", name="Recruiting roster"
    ).click()
    ism.get_by_role("link", name="Find and invite creators").click()
    left_out = ism.get_by_role("region", name=re.compile("^Left out"))
    row = left_out.get_by_role("row").filter(has_text="Eve Away")
    window = away_reason(scene.away_from, scene.away_to)
    assert window in row.inner_text(), row.inner_text()
    ranked = ism.get_by_role("region", name=re.compile("^Best matches"))
    assert ranked.get_by_text("Eve Away").count() == 0
    ism.get_by_label("Select Ava Accepts").check()
    ism.get_by_role("button", name="Invite selected").click()
    ism.wait_for_url("**/roster/")
    enrollments = unscoped(
        lambda: list(
            Enrollment.objects.filter(program__name=PROGRAM).values_list(
                "creator__display_name", "state"
            )
        )
    )
    assert enrollments == [("Ava Accepts", "invited")]


def creator_asks_and_accepts(scene: Scene) -> None:
    ava = scene.ava()
    ava.get_by_role("link", name=PROGRAM, exact=True).first.click()
    ava.get_by_role("link", name="Ask a question about the requirements").click()
    ava.get_by_label("Your question").fill(QUESTION)
    ava.get_by_role("button", name="Send question").click()
    assert unscoped(lambda: Request.objects.get(enrollment=scene.enrollment())).text == QUESTION
    ava = scene.ava()
    ava.get_by_role("link", name=PROGRAM, exact=True).first.click()
    ava.get_by_label("I accept these terms").check()
    ava.get_by_role("button", name="Accept").click()
    assert ava.get_by_text("You accepted").is_visible()
    assert scene.enrollment().state == "accepted"
    question = unscoped(lambda: Task.objects.get(program__name=PROGRAM, kind="creator_request"))
    assert question.owner_role == "ism"


def ism_confirms_from_the_desk(scene: Scene) -> None:
    ism = scene.staff(Role.ISM)
    open_task(ism, f"Confirm Ava Accepts for {PROGRAM}")
    ism.get_by_role("button", name="Confirm Ava Accepts").click()
    assert ism.get_by_text("Ava Accepts is confirmed.").is_visible()
    assert scene.enrollment().state == "confirmed"


def brand_manager_launches(scene: Scene) -> None:
    brand = scene.staff(Role.BRAND_MANAGER)
    open_program(brand)
    brand.get_by_role("button", name="Launch").click()
    assert scene.program().state == "launched"
    assert scene.enrollment().state == "active"
    question = unscoped(lambda: Task.objects.get(program__name=PROGRAM, kind="creator_request"))
    assert question.owner_role == "bsm"
    events = unscoped(lambda: list(question.events.values_list("verb", flat=True)))
    assert "handed_over" in events and events.index("handed_over") > 0  # its history came along
    bsm = scene.staff(Role.BSM)
    open_task(bsm, question.title)
    assert bsm.get_by_text(QUESTION).first.is_visible()
    history = bsm.get_by_role("region", name="History").inner_text()
    assert "handed the task over to" in history, history
    details = (
        bsm.get_by_role("region", name="History")
        .locator("details")
        .filter(has_text="handed the task over to")
    )
    details.locator("summary").click()
    assert "Owning team: ISM → BSM" in details.inner_text(), details.inner_text()


def creator_submits(scene: Scene) -> None:
    ava = scene.ava()
    ava.get_by_role("link", name="Your deliverables").click()
    ava.get_by_role("link", name=re.compile("post", re.I)).first.click()
    ava.get_by_label("Caption").fill("Loving my morning glow routine with Lumen!")
    ava.get_by_role("button", name="Send for review").click()
    assert ava.get_by_text("Not sent: the caption must disclose", exact=False).is_visible()
    assert ava.get_by_text("“#ad”", exact=False).first.is_visible()
    deliverable = scene.deliverable()
    assert unscoped(lambda: deliverable.submissions.count()) == 0
    assert deliverable.state != "submitted"
    ava.get_by_label("Caption").fill("Loving my morning glow routine with Lumen! #ad")
    ava.get_by_role("button", name="Send for review").click()
    assert unscoped(lambda: deliverable.submissions.count()) == 1
    assert scene.deliverable().state == "submitted"


def approver_approves_with_corrections(scene: Scene) -> None:
    approver = scene.staff(Role.APPROVER)
    approver.get_by_role("link", name="Open the approvals inbox").click()
    approver.get_by_role("row").filter(has_text="Ava Accepts").get_by_role("link").first.click()
    approver.get_by_label("Approved with corrections").check()
    approver.get_by_label("Comment for the creator").fill("Write LUMEN in capitals.")
    approver.get_by_role("button", name="Save the review").click()
    assert scene.deliverable().state == "approved"
    review = unscoped(lambda: Review.objects.get(submission__deliverable=scene.deliverable()))
    assert review.outcome == "approved_with_corrections"
    assert review.reviewer.email == "approver@northwind.test"


def creator_publishes(scene: Scene) -> None:
    ava = scene.ava()
    ava.get_by_role("link", name="Your deliverables").click()
    ava.get_by_role("link", name=re.compile("post", re.I)).first.click()
    assert ava.get_by_text("Write LUMEN in capitals.").first.is_visible()
    ava.get_by_role("textbox", name="Live URL").fill("https://instagram.com/p/glow123")
    ava.get_by_label("Caption as published").fill("Morning glow with LUMEN #ad")
    ava.get_by_role("button", name="Record the live URL").click()
    deliverable = scene.deliverable()
    assert deliverable.state == "published"
    assert deliverable.live_url == "https://instagram.com/p/glow123"
    # The flat fee is earned, and held until the creator can be paid.
    fee = scene.payout()
    assert (fee.amount, fee.state) == (400, "on_hold")
    assert fee.hold_reason.startswith("Waiting for payout readiness"), fee.hold_reason


def time_passes_and_the_pace_sweep_runs() -> None:
    """What time would do: the program started 40 days ago and ends in 20 (two thirds gone,
    no click yet), then the daily beat job runs."""
    from tracking.pace.tasks import pace_sweep_all

    today = timezone.localdate()
    with dangerously_unscoped():
        Program.objects.filter(name=PROGRAM).update(
            launch_on=today - timedelta(days=40), end_on=today + timedelta(days=20)
        )
    assert pace_sweep_all() == 1
    task = unscoped(
        lambda: Task.objects.select_related("assignee").get(
            program__name=PROGRAM, kind="underperforming"
        )
    )
    assert task.assignee is not None
    assert (task.owner_role, task.assignee.email) == ("bsm", "bsm@northwind.test")


def bsm_amends_to_performance_pay(scene: Scene) -> None:
    bsm = scene.staff(Role.BSM)
    open_task(bsm, re.compile(r"^Behind pace: Ava Accepts"))
    assert bsm.get_by_text("Valid clicks so far").is_visible()
    bsm.get_by_label("New pay per valid click").fill("0.25")
    bsm.get_by_label("Reason the creator reads").fill("Pay per click suits your audience.")
    bsm.get_by_role("button", name="Send the amendment").click()
    assert bsm.get_by_text("Terms version 2 sent to the creator to accept.").is_visible()
    latest = unscoped(lambda: scene.enrollment().terms_versions.order_by("-number").first())
    assert latest is not None and latest.number == 2 and latest.accepted_at is None
    assert latest.snapshot["per_click_rate"] == "0.2500"
    task = unscoped(lambda: Task.objects.get(program__name=PROGRAM, kind="underperforming"))
    assert unscoped(lambda: task.events.filter(verb="remedy").exists())


def creator_accepts_the_amendment(scene: Scene) -> None:
    ava = scene.ava()
    program = (
        ava.get_by_role("listitem")
        .filter(has=ava.get_by_role("link", name=PROGRAM, exact=True))
        .filter(has_text="New terms to accept")
        .first
    )
    assert program.get_by_text("New terms to accept").first.is_visible()
    program.get_by_role("link", name=PROGRAM, exact=True).click()
    assert ava.get_by_role("heading", name="Accept the new terms").is_visible()
    ava.get_by_label("I accept these terms").check()
    ava.get_by_role("button", name="Accept").click()
    assert ava.get_by_text("You accepted the new terms").is_visible()
    enrollment = scene.enrollment()
    assert enrollment.terms_version.number == 2
    assert enrollment.terms_version.snapshot["per_click_rate"] == "0.2500"


def creator_gets_ready_to_be_paid(scene: Scene) -> None:
    ava = scene.ava()
    ava.get_by_role("link", name="Payout details and tax form").click()
    ava.get_by_label("Name on the account").fill("Ava Accepts")
    ava.get_by_label("IBAN, account number or PayPal e-mail").fill("DE89370400440532013000")
    ava.get_by_role("button", name="Save payout details").click()
    assert ava.get_by_text("Payout details saved", exact=False).is_visible()
    ava.get_by_label("Kind of form").select_option(TaxForm.Kind.W8BEN)
    ava.get_by_label("Reference").fill("1234")
    ava.get_by_role("button", name="Send tax form").click()
    admin = scene.staff(Role.ADMIN)
    nav(admin, "Creators")
    admin.get_by_role("link", name="Ava Accepts").first.click()
    admin.get_by_role("link", name="Payout readiness").click()
    admin.get_by_role("button", name=re.compile("^Verify")).click()
    tax_form = unscoped(lambda: TaxForm.objects.get(creator__display_name="Ava Accepts"))
    assert (tax_form.kind, tax_form.state) == (TaxForm.Kind.W8BEN, TaxForm.State.VERIFIED)
    assert scene.enrollment().creator.payout_ready
    assert scene.payout().state == "earned"  # released for the next run


def admin_runs_payments(scene: Scene) -> Payout:
    admin = scene.staff(Role.ADMIN)
    nav(admin, "Payments")
    admin.get_by_role("link", name="Payment runs").click()
    admin.get_by_role("link", name="Start a payment run").click()
    assert "1 payout" in admin.locator("#preview-summary").inner_text()
    admin.get_by_role("button", name="Confirm and start the run").click()
    confirm = admin.get_by_role("dialog", name="Are you sure?")
    assert "pay 1 payout ($400.00)" in confirm.inner_text()
    confirm.get_by_role("button", name="Yes, start the run").click()
    admin.get_by_role("progressbar", name="Payouts done: 1 of 1 (100%)").wait_for()
    payout = scene.payout()
    assert payout.state == "paid" and payout.paid_at is not None
    assert payout.amount == 400
    return payout


def creator_sees_paid(scene: Scene, payout: Payout) -> None:
    ava = scene.ava()
    ava.get_by_role("link", name="Your payouts").first.click()
    row = ava.get_by_role("row").filter(has_text="400.00")
    assert row.get_by_text("Paid", exact=True).is_visible()
    assert payout.paid_at is not None
    zone = org_zone(scene.enrollment().organization)
    with timezone.override(zone):
        assert day(payout.paid_at) in row.inner_text()  # the day, in the org's zone


def test_the_whole_lifecycle_by_clicking(live_server: Any, new_page: Any) -> None:
    today = timezone.localdate()
    with dangerously_unscoped():
        cast = build_cast()
        creator_with_login(cast, "Ava Accepts", "ava@example.test")
        away = creator_with_login(cast, "Eve Away", "eve@example.test")
        # Away from the program's fifth day to its twentieth (it runs from today + 20).
        away_from, away_to = today + timedelta(days=25), today + timedelta(days=40)
        creators.availability_add(
            profile=away, actor=cast.members[Role.ISM].user, away_from=away_from, away_to=away_to
        )
    scene = Scene(live_server.url, new_page, cast, away_from, away_to)

    brand_manager_writes_the_brief(scene)
    ism_finds_and_invites(scene)
    creator_asks_and_accepts(scene)
    ism_confirms_from_the_desk(scene)
    brand_manager_launches(scene)
    creator_submits(scene)
    approver_approves_with_corrections(scene)
    creator_publishes(scene)
    time_passes_and_the_pace_sweep_runs()
    bsm_amends_to_performance_pay(scene)
    creator_accepts_the_amendment(scene)
    creator_gets_ready_to_be_paid(scene)
    payout = admin_runs_payments(scene)
    creator_sees_paid(scene, payout)
