"""Request topics, task kinds, their default SLAs, and notification kinds."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    PROGRAM_REQUEST = "program_request", _("Programs I want")
    AVAILABILITY = "availability", _("My availability")
    REQUIREMENTS = "requirements", _("Brief requirements (dates, events, video specs)")
    MILESTONE_CORRECTION = "milestone_correction", _("Correct my click milestone")
    PROGRAM_DETAILS = "program_details", _("Program details (product, photo style, spelling)")
    EXTENSION = "extension", _("Deadline extension")
    COMPENSATION = "compensation", _("Compensation (amount, date, delay)")
    OTHER = "other", _("Something else")


class TaskKind(models.TextChoices):
    """Every routed unit of work. Later issues add system kinds here, with a default SLA."""

    CREATOR_REQUEST = "creator_request", _("Creator request")
    CONTENT_REVIEW = "content_review", _("Content awaiting review")
    DELIVERABLE_OVERDUE = "deliverable_overdue", _("Overdue deliverable")
    EXTENSION_REQUEST = "extension_request", _("Extension to decide")
    UNDERPERFORMING = "underperforming", _("Underperforming creator")
    COMPLIANCE_CASE = "compliance_case", _("Compliance case")
    PAYOUT_DELAYED = "payout_delayed", _("Delayed payout")
    PAYOUT_FAILED = "payout_failed", _("Payout on hold after failed attempts")
    INVITATION_EXPIRING = "invitation_expiring", _("Invitation expiring")
    CONFIRM_CREATOR = "confirm_creator", _("Creator accepted: confirm")
    HOURS_OVER_SCOPE = "hours_over_scope", _("Hours well over what was expected: talk scope")


DEFAULT_SLA: dict[str, timedelta] = {
    TaskKind.CREATOR_REQUEST: timedelta(hours=24),
    TaskKind.CONTENT_REVIEW: timedelta(days=3),
    TaskKind.DELIVERABLE_OVERDUE: timedelta(days=1),
    TaskKind.EXTENSION_REQUEST: timedelta(days=1),
    TaskKind.UNDERPERFORMING: timedelta(days=2),
    TaskKind.COMPLIANCE_CASE: timedelta(days=2),
    TaskKind.PAYOUT_DELAYED: timedelta(hours=24),
    TaskKind.PAYOUT_FAILED: timedelta(hours=24),
    TaskKind.INVITATION_EXPIRING: timedelta(days=1),
    TaskKind.CONFIRM_CREATOR: timedelta(days=2),
    TaskKind.HOURS_OVER_SCOPE: timedelta(days=2),
}


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_TASK_STATES = (TaskState.OPEN, TaskState.IN_PROGRESS)
TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskState.OPEN: frozenset({TaskState.IN_PROGRESS, TaskState.DONE, TaskState.CANCELLED}),
    TaskState.IN_PROGRESS: frozenset({TaskState.OPEN, TaskState.DONE, TaskState.CANCELLED}),
    TaskState.DONE: frozenset(),
    TaskState.CANCELLED: frozenset(),
}


class OwnerRole(models.TextChoices):
    ISM = "ism", _("Influencer success (ISM)")
    BSM = "bsm", _("Brand success (BSM)")
    # Content review: the approvers covering the program's brand; the BSM past its due time.
    APPROVER = "approver", _("Approver")


class NotificationKind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", _("A task lands in my queue")
    TASK_ESCALATED = "task_escalated", _("A task is past its due time")
    NEW_MESSAGE = "new_message", _("A new message in my threads")
    REQUEST_ANSWERED = "request_answered", _("My request was answered")
    ANNOUNCEMENT = "announcement", _("Program announcements")
    INVITATION = "invitation", _("Program invitations and terms")
    PAYOUT = "payout", _("My payouts: scheduled, paid, delayed or on hold")
    FIGURES = "figures", _("A figure that does not add up (the nightly audit, for admins)")
    WEBHOOKS = "webhooks", _("A webhook endpoint was disabled after failing (for admins)")
    PRIVACY = "privacy", _("Creators' data: my export is ready, a creator was erased (admins)")
