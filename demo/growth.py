"""A path to grow, in the demo: Maya Moves ran Winter Warmers and Holiday Gifts with Northwind
(``History.past_program``), so she is a returning creator with a tier and what unlocks the
next in her portal. A new outdoor program opens recruiting on the last day: the ISM finds her
among its candidates, ranked on her tier, with the click milestone and rate her past clicks
suggest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from demo import programs as demo_programs

if TYPE_CHECKING:
    from demo.history import History

RETURNING_PROGRAM = "Trail Run Week"


def schedule(history: History) -> None:
    def trail_run_week() -> None:
        fields = demo_programs.brief(
            launch_on=history.day(-40), length=14, categories=["outdoor", "fitness"]
        )
        program = demo_programs.create(
            history.cast, "northwind", "Trailhead Outdoor", RETURNING_PROGRAM, **fields
        )
        history.programs[RETURNING_PROGRAM] = demo_programs.open_recruiting(history.cast, program)

    history.on(1, trail_run_week)
