"""The demo's history, played day by day over the last four months with the real services.

Each simulated day: the scheduled payment run (09:00, when due), the day's events (noon), the
creators' clicks on their tracked links (afternoon), and at night what the beat does: the
flush and rollup, the date sweep (launch, completion and its earnings), the pace sweep and the
delay sweep. Every figure the demo shows is therefore what the rules give.

Idempotent: the history is played once, when Northwind has no "Summit Trail" yet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from demo import commerce, content, growth, hours, payments, performance, requests
from demo import programs as demo_programs
from demo.clock import at
from demo.people import Cast
from messaging.kinds import Topic
from payments.models import Payout, PayoutReason
from programs import services as program_services
from programs.cases.services import case_open
from programs.deadlines.services.extensions import extension_decide, extension_request
from programs.models import Enrollment, Program
from programs.recruiting.services import creator_milestone_correct
from programs.services.sweeps import program_date_sweep
from programs.states import EnrollmentState, ProgramState

START = 125  # days before today
LAST = "Autumn Serum"  # the last thing the history makes
# Valid clicks each creator brings over a whole program: (program, e-mail) -> clicks.
CLICKS = {
    ("Winter Warmers", "maya@demo.test"): 1200,
    ("Winter Warmers", "creator@demo.test"): 700,
    ("Holiday Gifts", "maya@demo.test"): 1100,
    ("Holiday Gifts", "creator@demo.test"): 1050,
    ("Summit Trail", "maya@demo.test"): 4000,  # a strong start: on pace for her milestone
    ("Summit Trail", "omar@creators.test"): 300,  # far behind pace: the BSM's pace task
    ("Summit Trail", "sven@creators.test"): 2400,
}
Event = Callable[[], object]


class History:
    def __init__(self, cast: Cast, today: date) -> None:
        self.cast = cast
        self.today = today
        self.north = cast.orgs["northwind"]
        self.acme = cast.orgs["acme-foods"]
        self.events: dict[int, list[Event]] = {}
        self.programs: dict[str, Program] = {}
        self.visitor = 1
        self.admin = cast.users["admin@demo.test"]
        self.bsm = cast.users["bsm@demo.test"]
        self.bsm_membership = cast.memberships[("northwind", "bsm@demo.test")]
        self.reviewer = cast.memberships[("northwind", "admin@demo.test")]

    # --- helpers ---

    def on(self, days_ago: int, event: Event) -> None:
        self.events.setdefault(days_ago, []).append(event)

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def who(self, email: str) -> Any:
        return self.cast.profile("northwind", email)

    def program(self, name: str) -> Program:
        self.programs[name] = demo_programs.refreshed(self.programs[name])
        return self.programs[name]

    def enrollment(self, name: str, email: str) -> Enrollment:
        return demo_programs.enrollment(self.program(name), self.who(email))

    def payout(self, name: str, email: str, reason: str) -> Payout:
        enrollment = self.enrollment(name, email)
        return Payout.objects.get(organization=self.north, earn_key=f"{reason}:{enrollment.pk}")

    # --- the stories ---

    def past_program(self, name: str, launch_ago: int, length: int, *, close: bool) -> None:
        """Maya and Cara run a program from brief to paid: Maya's first post forgets #ad."""
        brand = "Trailhead Outdoor"
        launch_on = self.day(launch_ago)

        def prepare() -> None:
            fields = demo_programs.brief(launch_on=launch_on, length=length, categories=["outdoor"])
            program = demo_programs.create(self.cast, "northwind", brand, name, **fields)
            self.programs[name] = demo_programs.open_recruiting(self.cast, program)
            for e in demo_programs.invite(
                self.cast, program, self.who("maya@demo.test"), self.who("creator@demo.test")
            ):
                demo_programs.accept(self.cast, e)

        def confirm() -> None:
            for email in ("maya@demo.test", "creator@demo.test"):
                demo_programs.confirm(self.cast, self.enrollment(name, email))

        def deliver(email: str, index: int, **how: Any) -> Event:
            def run() -> None:
                e = self.enrollment(name, email)
                deliverable = content.deliverables_of(e)[index]
                content.deliver(deliverable, user=e.creator.user, reviewer=self.reviewer, **how)

            return run

        self.on(launch_ago + 15, prepare)
        self.on(launch_ago + 8, confirm)
        self.on(launch_ago - 3, deliver("maya@demo.test", 0, first_without_disclosure=True))
        self.on(launch_ago - 4, deliver("creator@demo.test", 0, outcome=content.WITH_CORRECTIONS))
        self.on(launch_ago - 6, deliver("maya@demo.test", 1))
        self.on(launch_ago - 7, deliver("creator@demo.test", 1))
        if close:
            self.on(launch_ago - length - 5, lambda: self.close(name))

    def close(self, name: str) -> None:
        program_services.program_close(program=self.program(name), actor=self.admin)

    def summit_trail(self) -> None:
        launch_ago = 10
        maya = self.who("maya@demo.test")

        def prepare() -> None:
            fields = demo_programs.brief(
                # A third has passed by today: far enough in for the pace sweep to judge.
                launch_on=self.day(launch_ago),
                length=30,
                categories=["outdoor"],
            )
            program = demo_programs.create(
                self.cast, "northwind", "Trailhead Outdoor", "Summit Trail", **fields
            )
            self.programs["Summit Trail"] = demo_programs.open_recruiting(self.cast, program)
            invited = demo_programs.invite(
                self.cast,
                program,
                maya,
                self.who("omar@creators.test"),
                self.who("sven@creators.test"),
            )
            demo_programs.ask(
                invited[0],
                maya,
                Topic.COMPENSATION,
                "When will the flat fee for the Summit Trail posts be paid?",
            )
            for e in invited[1:]:
                demo_programs.accept(self.cast, e)

        def maya_accepts() -> None:
            demo_programs.accept(self.cast, self.enrollment("Summit Trail", "maya@demo.test"))

        def confirm() -> None:
            for email in ("maya@demo.test", "omar@creators.test", "sven@creators.test"):
                demo_programs.confirm(self.cast, self.enrollment("Summit Trail", email))

        def deliver(index: int) -> Event:
            def run() -> None:
                e = self.enrollment("Summit Trail", "maya@demo.test")
                content.deliver(
                    content.deliverables_of(e)[index], user=maya.user, reviewer=self.reviewer
                )

            return run

        def extension() -> None:
            e = self.enrollment("Summit Trail", "maya@demo.test")
            deliverable = content.deliverables_of(e)[1]
            requested = extension_request(
                deliverable=deliverable,
                user=maya.user,
                requested_due_on=deliverable.due_on + timedelta(days=5),
                reason="The summit was closed by snow; I need a clear day to film.",
            )
            if requested.state == "pending":
                extension_decide(
                    extension=requested, actor=self.bsm, approve=True, note="Safety first."
                )

        def case() -> None:
            case_open(
                enrollment=self.enrollment("Summit Trail", "sven@creators.test"),
                actor=self.bsm,
                membership=self.bsm_membership,
                kind="guideline_breach",
                severity="low",
                evidence="His story showed a competitor's jacket in frame.",
                evidence_links=["https://instagram.com/stories/sven/1"],
            )

        self.on(40, prepare)
        self.on(37, maya_accepts)
        self.on(20, confirm)
        self.on(7, deliver(0))
        self.on(5, extension)
        self.on(3, case)
        # Within her extension: the flat fee is earned, after the last run (a run yesterday
        # would pay it at once: she delivers on the run's day then, after it).
        self.on(min(2, payments.last_two_runs(self.today)[1]), deliver(1))

    def recruiting_programs(self) -> None:
        def spring() -> None:
            fields = demo_programs.brief(launch_on=self.day(-30), length=45, categories=["beauty"])
            program = demo_programs.create(
                self.cast, "northwind", "Lumen Skincare", "Spring Glow", **fields
            )
            self.programs["Spring Glow"] = demo_programs.open_recruiting(self.cast, program)
            cara, nora, priya = demo_programs.invite(
                self.cast,
                program,
                self.who("creator@demo.test"),
                self.who("nora@creators.test"),
                self.who("priya@creators.test"),
            )
            demo_programs.ask(
                cara,
                cara.creator,
                Topic.REQUIREMENTS,
                "Does the launch video need to be vertical, and how long may it be?",
            )
            demo_programs.accept(self.cast, nora)
            demo_programs.decline(self.cast, priya)

        def popup() -> None:
            fields = demo_programs.brief(launch_on=self.day(-20), length=10, categories=["beauty"])
            program = demo_programs.create(
                self.cast, "northwind", "Lumen Skincare", "Pop-up Tour", **fields
            )
            program = demo_programs.open_recruiting(self.cast, program)
            program_services.program_cancel(
                program=program, actor=self.admin, reason="The venue fell through."
            )

        def crunch() -> None:
            fields = demo_programs.brief(launch_on=self.day(-21), length=14, categories=["food"])
            program = demo_programs.create(
                self.cast, "acme-foods", "Acme Snacks", "Crunch Week", **fields
            )
            program = demo_programs.open_recruiting(self.cast, program)
            leo = self.cast.profile("acme-foods", "leo@demo.test")
            invited = demo_programs.invite(
                self.cast, program, leo, self.cast.profile("acme-foods", "creator@demo.test")
            )
            demo_programs.ask(
                invited[0],
                leo,
                Topic.PROGRAM_DETAILS,
                "Is it “Acme Snacks” or “ACME snacks” in captions?",
            )
            # Cara accepts in the portal: Acme's ISM team queue gets "Confirm Cara Creator".
            demo_programs.accept(self.cast, invited[1])

        def away() -> None:
            maya = self.who("maya@demo.test")
            demo_programs.ask(
                None,
                maya,
                Topic.AVAILABILITY,
                "I am travelling from 1 to 15 March and cannot post then.",
            )

        def cara_accepts() -> None:
            # Accepted in the portal after her question: the ISM's "Confirm Cara Creator for
            # Spring Glow" task is waiting, and her enrollment hub offers the confirmation.
            demo_programs.accept(self.cast, self.enrollment("Spring Glow", "creator@demo.test"))

        self.on(8, popup)
        self.on(6, spring)
        self.on(5, cara_accepts)
        self.on(4, crunch)
        self.on(1, away)

    def money(self) -> None:
        def ready() -> None:
            for email in ("maya@demo.test", "creator@demo.test"):
                creator = self.who(email)
                payments.get_ready(
                    creator, user=creator.user, bsm=self.bsm, bsm_membership=self.bsm_membership
                )
            payments.open_schedule(self.north)

        def correction() -> None:
            creator_milestone_correct(
                profile=self.who("maya@demo.test"),
                actor=self.cast.users["ism@demo.test"],
                new=1500,
                reason="Her audience doubled this autumn: the brand agreed to a higher milestone.",
            )

        def gifts(email: str, reason: str) -> Payout:
            return self.payout("Holiday Gifts", email, reason)

        cara, maya = "creator@demo.test", "maya@demo.test"
        bank_says = "The bank did not recognise the account number."
        # Holiday Gifts: Cara's bonus waits for her updated tax form; Maya's clicks were paid by
        # the brand directly; Cara's clicks are refused by her bank at one run, retried at the
        # last, whose answer is lost. Around the run days, so it plays out whatever today is.
        closed, (previous, last) = self.holiday_gifts_closed(), payments.last_two_runs(self.today)
        self.on(START, ready)
        self.on(45, correction)
        self.on(
            closed - 3, lambda: payments.hold(gifts(cara, PayoutReason.MILESTONE_BONUS), self.admin)
        )
        self.on(closed - 5, lambda: payments.cancel(gifts(maya, PayoutReason.CLICKS), self.admin))
        self.on(
            previous + 1, lambda: payments.refuse_next(gifts(cara, PayoutReason.CLICKS), bank_says)
        )
        self.on(previous - 1, lambda: payments.accept_again(self.north))
        self.on(last + 1, lambda: payments.lose_answer(gifts(cara, PayoutReason.CLICKS)))

    def holiday_gifts_launched(self) -> int:
        return self.holiday_gifts_closed() + 25  # 20 days running, closed 5 days after

    def holiday_gifts_closed(self) -> int:
        """Closed (its payouts earned) 10 days before the second-to-last run: they wait there
        for the hold, the cancel and the bank's refusal."""
        return payments.last_two_runs(self.today)[0] + 10

    # --- the days ---

    def clicks(self, today: date) -> None:
        running = Enrollment.objects.filter(
            organization=self.north,
            state=EnrollmentState.ACTIVE,
            program__state=ProgramState.LAUNCHED,
            program__launch_on__lte=today,
        ).select_related("program", "creator")
        for e in running.order_by("pk"):
            total = CLICKS.get((e.program.name, e.creator.email), 0)
            if not total or e.program.end_on is None or e.program.launch_on is None:
                continue
            length = (e.program.end_on - e.program.launch_on).days + 1
            share = total // length + (1 if (today.toordinal() + e.pk) % 3 == 0 else 0)
            if share:
                with at(today, 14) as now:
                    link = performance.link_of(e)
                    self.visitor = performance.click_day(
                        link, day_start=now, valid=share, visitor=self.visitor
                    )

    def night(self, today: date) -> None:
        with at(today, 23, 30):
            for org in (self.north, self.acme):
                performance.flush_and_roll_up(org, today)
        tomorrow = today + timedelta(days=1)
        with at(tomorrow, 1):
            for org in (self.north, self.acme):
                program_date_sweep(organization=org, today=tomorrow)
                performance.sweep_pace(org, tomorrow)
                payments.sweep_delays(org, tomorrow)

    def play(self) -> None:
        self.past_program("Winter Warmers", 110, 20, close=False)
        self.past_program("Holiday Gifts", self.holiday_gifts_launched(), 20, close=True)
        self.summit_trail()
        content.awaiting_approval(self)
        self.recruiting_programs()
        requests.schedule(self)
        growth.schedule(self)
        hours.schedule(self)
        commerce.schedule(self)  # orders through the signed webhook; commission paid by a run
        self.money()
        for days_ago in range(START, 0, -1):
            today = self.day(days_ago)
            with at(today, 9, 5) as now:
                payments.scheduled_run(self.north, now)
            for event in self.events.get(days_ago, []):
                with at(today, 12):
                    event()
            self.clicks(today)
            self.night(today)
        with at(self.today, 8):
            performance.import_published_metrics(self.north, self.bsm, self.today)
            # A brief in progress: made last, it marks the history as played in full.
            demo_programs.create(
                self.cast, "northwind", "Lumen Skincare", LAST, goals="Launch the new serum."
            )


class HalfPlayed(Exception):
    """A previous run stopped half-way (its services commit as they go, as in production)."""


def seed_history(cast: Cast) -> bool:
    """Play the history once; False when it was already played. Raises ``HalfPlayed`` when a
    previous run stopped half-way: the database must be reset rather than patched."""
    programs = Program.objects.filter(organization=cast.orgs["northwind"])
    if programs.filter(name=LAST).exists():
        return False
    if programs.exists():
        raise HalfPlayed(
            "A previous seed_demo stopped half-way: reset the database (drop it, or delete "
            ".data/pg for make run) and seed again."
        )
    History(cast, timezone.localdate()).play()
    return True
