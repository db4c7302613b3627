"""Questions the success desk is still working on when the demo starts: a creator who accepted
Spring Glow asks to correct her click milestone (the ISM's open task, which also holds her
confirmation until it is resolved and she accepts the amended terms)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from demo import programs as demo_programs
from messaging.kinds import Topic

if TYPE_CHECKING:
    from demo.history import History

MILESTONE_QUESTION = (
    "My click milestone for Spring Glow should be 600, not 1000: we agreed on 600 on our call "
    "because my audience is smaller on Instagram than on TikTok."
)


def schedule(history: History) -> None:
    """Add the open requests to the history's days (days ago → event)."""

    def cara_asks_for_a_lower_milestone() -> None:
        enrollment = history.enrollment("Spring Glow", "creator@demo.test")
        demo_programs.ask(
            enrollment, enrollment.creator, Topic.MILESTONE_CORRECTION, MILESTONE_QUESTION
        )

    # Cara accepted Spring Glow five days ago (``History.recruiting_programs``).
    history.on(2, cara_asks_for_a_lower_milestone)
