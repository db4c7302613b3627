"""Completing launched programs past their end date once all their work is done."""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef

from influencer_ops.errors import DomainError
from organizations.models import Organization
from programs.models import Deliverable, DeliverableState, Program
from programs.services.lifecycle import program_complete
from programs.states import EnrollmentState, ProgramState

logger = logging.getLogger(__name__)

# A program is done when each deliverable is one of these (or its enrollment has ended).
DONE_STATES = (DeliverableState.PUBLISHED, DeliverableState.EXCUSED, DeliverableState.CANCELLED)


@transaction.atomic
def program_auto_complete_sweep(*, organization: Organization, today: date) -> int:
    """Complete launched programs past their end date in which every deliverable is published,
    excused or cancelled, or belongs to an enrollment that has ended.

    Idempotent and safe to run twice at once: programs are claimed with SKIP LOCKED and the
    move re-checks the state under the lock. Returns how many programs completed."""
    unfinished = Deliverable.objects.filter(
        organization=organization,
        program=OuterRef("pk"),
        enrollment__state=EnrollmentState.ACTIVE,
    ).exclude(state__in=DONE_STATES)
    due = list(
        Program.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(organization=organization, state=ProgramState.LAUNCHED, end_on__lt=today)
        .filter(~Exists(unfinished))
        .order_by("pk")
    )
    completed = 0
    for program in due:
        try:
            with transaction.atomic():  # a refusal rolls back this program only
                program_complete(program=program, actor=None)
        except DomainError as exc:
            logger.info("Auto-completion left program %s as it is: %s", program.pk, exc)
            continue
        completed += 1
    return completed
