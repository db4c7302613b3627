"""Domain events other systems can subscribe to (webhooks): the catalogue and ``emit``.

A service that performs a change calls ``emit(organization, EventType.X, {...})`` once, inside
its own transaction. The core imports no app, so it does not know where events go: the app
that delivers them (``integrations``) installs a writer at start-up (``install_writer``), which
writes the event to its outbox *in the caller's transaction* — a change that rolls back leaves
no event. Without an installed writer ``emit`` does nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """The event catalogue. Stored strings (and so receivers' code) never change."""

    ENROLLMENT_ACCEPTED = "enrollment.accepted", _("Enrollment accepted")
    ENROLLMENT_CONFIRMED = "enrollment.confirmed", _("Enrollment confirmed")
    ENROLLMENT_ENDED = "enrollment.ended", _("Enrollment ended")
    SUBMISSION_SUBMITTED = "submission.submitted", _("Submission submitted")
    SUBMISSION_APPROVED = "submission.approved", _("Submission approved")
    EXTENSION_DECIDED = "extension.decided", _("Extension decided")
    MILESTONE_REACHED = "milestone.reached", _("Click milestone reached")
    PAYOUT_EARNED = "payout.earned", _("Payout earned")
    PAYOUT_PAID = "payout.paid", _("Payout paid")
    PAYOUT_DELAYED = "payout.delayed", _("Payout delayed")
    PAYMENT_RUN_COMPLETED = "payment_run.completed", _("Payment run completed")
    CASE_OPENED = "case.opened", _("Case opened")
    CASE_CLOSED = "case.closed", _("Case closed")
    TASK_ESCALATED = "task.escalated", _("Task escalated")


# A writer gets the org's id, the event type and one data dict per event.
Writer = Callable[[int, str, list[dict[str, Any]]], None]
_writers: list[Writer] = []


def install_writer(writer: Writer) -> None:
    """Called once by the delivering app's ``ready()``; idempotent."""
    if writer not in _writers:
        _writers.append(writer)


def emit(organization: Any, event_type: EventType | str, data: Mapping[str, Any]) -> None:
    """Record one event of ``organization`` (or its id) in the current transaction."""
    emit_many(organization, event_type, [data])


def emit_many(
    organization: Any, event_type: EventType | str, items: list[Mapping[str, Any]]
) -> None:
    """Record one event per item (a bulk change: one outbox write for all of them)."""
    if not items:
        return
    kind = EventType(event_type).value
    org_id = int(getattr(organization, "pk", organization))
    rows = [dict(item) for item in items]
    for writer in _writers:
        writer(org_id, kind, rows)
