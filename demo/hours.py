"""Hours and answer times in the demo, through the real services: Cara (creator@demo.test) logs
the time Holiday Gifts took her, so its hub and report show her hourly rate; Maya logs well over
what Summit Trail expects of her, which opens the BSM's one task about scope; and Cara's
question about Winter Warmers is answered and resolved within the last 30 days, so the median
answer time shows in the portal and the program report."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from demo.clock import at
from messaging.kinds import Topic
from messaging.services.requests import request_create
from messaging.services.threads import message_post
from programs.hours.services import time_entry_log

if TYPE_CHECKING:
    from demo.history import History


# (program, e-mail): (days ago, hours, what for). Every demo program expects 3 hours a post
# (demo.programs.create), 6 for two: Maya's 10.5 hours on Summit Trail pass 150 % of them.
# Holiday Gifts' days count from its launch instead (it moves with the run days: demo.history).
AFTER_LAUNCH = {"Holiday Gifts"}
LOGS = {
    ("Holiday Gifts", "creator@demo.test"): [
        (1, "2.5", "Planning the gift guide and buying props"),
        (3, "3", "Shooting the first post"),
        (6, "1.5", "Editing and captions for the second post"),
    ],
    ("Summit Trail", "maya@demo.test"): [
        (9, "4", "Scouting the trail for the first shot"),
        (8, "3.5", "Filming on the summit"),
        (6, "3", "Editing, colour and a reshoot of the jacket close-up"),
    ],
}


def schedule(history: History) -> None:
    """Add the hours and the answered question to the history's days."""

    def log(name: str, email: str, hours: str, description: str) -> None:
        enrollment = history.enrollment(name, email)
        time_entry_log(
            enrollment=enrollment,
            user=enrollment.creator.user,
            worked_on=timezone.localdate(),  # the simulated day
            hours=Decimal(hours),
            description=description,
        )

    def logger(name: str, email: str, hours: str, description: str) -> Callable[[], None]:
        return lambda: log(name, email, hours, description)

    for (name, email), entries in LOGS.items():
        for day, hours, description in entries:
            days_ago = history.holiday_gifts_launched() - day if name in AFTER_LAUNCH else day
            history.on(days_ago, logger(name, email, hours, description))

    def cara_asks_and_is_answered() -> None:
        enrollment = history.enrollment("Winter Warmers", "creator@demo.test")
        request = request_create(
            creator=enrollment.creator,
            user=enrollment.creator.user,
            topic=Topic.COMPENSATION,
            text="Is the click pay for Winter Warmers final, or do late clicks still count?",
            enrollment=enrollment,
        )
        assert request.thread is not None
        day = history.day(4)
        with at(day, 14, 30):
            message_post(
                thread=request.thread,
                author=history.bsm,
                text="It is final: clicks count while the program runs. Checking the last day.",
                from_creator=False,
            )
        with at(day, 17):
            message_post(
                thread=request.thread,
                author=history.bsm,
                text="Checked: every valid click up to the end date is in your payout.",
                from_creator=False,
                resolve=True,
            )

    history.on(4, cara_asks_and_is_answered)
