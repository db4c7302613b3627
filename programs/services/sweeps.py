"""The daily date sweep: programs launch and complete on the dates their brief names."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from influencer_ops.errors import DomainError
from programs.models import Program
from programs.services.completion import program_auto_complete_sweep
from programs.services.lifecycle import program_launch
from programs.states import ProgramState

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DateSweepResult:
    launched: int
    completed: int


@transaction.atomic
def program_date_sweep(*, organization: Any, today: date) -> DateSweepResult:
    """Launch recruiting programs whose launch date has come (when they can launch; the others
    wait, untouched) and complete launched programs past their end date once their work is done
    (``program_auto_complete_sweep``: every deliverable published, excused or
    cancelled, or its enrollment ended).

    Idempotent and safe to run twice at once: rows are claimed with SKIP LOCKED and each move
    re-checks the state under the lock."""
    due_to_launch = list(
        Program.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(organization=organization, state=ProgramState.RECRUITING, launch_on__lte=today)
        .order_by("pk")
    )
    launched = sum(_sweep_move(program, program_launch) for program in due_to_launch)
    completed = program_auto_complete_sweep(organization=organization, today=today)
    return DateSweepResult(launched=launched, completed=completed)


def _sweep_move(program: Program, move: Callable[..., Program]) -> int:
    try:
        with transaction.atomic():  # a refusal rolls back this program only
            move(program=program, actor=None)
    except DomainError as exc:
        logger.info("Date sweep left program %s as it is: %s", program.pk, exc)
        return 0
    return 1
