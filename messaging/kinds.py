"""Request topics, task kinds, their default SLAs, and notification kinds."""

from __future__ import annotations

from datetime import timedelta

from django.db import models


class Topic(models.TextChoices):
    PROGRAM_REQUEST = "program_request", "Programs I want"
    AVAILABILITY = "availability", "My availability"
    REQUIREMENTS = "requirements", "Brief requirements (dates, events, video specs)"
    MILESTONE_CORRECTION = "milestone_correction", "Correct my click milestone"
    PROGRAM_DETAILS = "program_details", "Program details (product, photo style, spelling)"
    EXTENSION = "extension", "Deadline extension"
    COMPENSATION = "compensation", "Compensation (amount, date, delay)"
    OTHER = "other", "Something else"


class TaskKind(models.TextChoices):
    """Every routed unit of work. Later issues add system kinds here, with a default SLA."""

    CREATOR_REQUEST = "creator_request", "Creator request"
    CONTENT_REVIEW = "content_review", "Content awaiting review"
    DELIVERABLE_OVERDUE = "deliverable_overdue", "Overdue deliverable"
    EXTENSION_REQUEST = "extension_request", "Extension to decide"
    UNDERPERFORMING = "underperforming", "Underperforming creator"
    COMPLIANCE_CASE = "compliance_case", "Compliance case"
    PAYOUT_DELAYED = "payout_delayed", "Delayed payout"
    PAYOUT_FAILED = "payout_failed", "Payout on hold after failed attempts"
    INVITATION_EXPIRING = "invitation_expiring", "Invitation expiring"
    CONFIRM_CREATOR = "confirm_creator", "Creator accepted: confirm"


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
}


class TaskState(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_TASK_STATES = (TaskState.OPEN, TaskState.IN_PROGRESS)
TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskState.OPEN: frozenset({TaskState.IN_PROGRESS, TaskState.DONE, TaskState.CANCELLED}),
    TaskState.IN_PROGRESS: frozenset({TaskState.OPEN, TaskState.DONE, TaskState.CANCELLED}),
    TaskState.DONE: frozenset(),
    TaskState.CANCELLED: frozenset(),
}


class OwnerRole(models.TextChoices):
    ISM = "ism", "Influencer success (ISM)"
    BSM = "bsm", "Brand success (BSM)"
    # Content review: the approvers covering the program's brand; the BSM past its due time.
    APPROVER = "approver", "Approver"


class NotificationKind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", "A task lands in my queue"
    TASK_ESCALATED = "task_escalated", "A task is past its due time"
    NEW_MESSAGE = "new_message", "A new message in my threads"
    REQUEST_ANSWERED = "request_answered", "My request was answered"
    ANNOUNCEMENT = "announcement", "Program announcements"
    INVITATION = "invitation", "Program invitations and terms"
    PAYOUT = "payout", "My payouts: scheduled, paid, delayed or on hold"
    FIGURES = "figures", "A figure that does not add up (the nightly audit, for admins)"
    WEBHOOKS = "webhooks", "A webhook endpoint was disabled after failing (for admins)"
    PRIVACY = "privacy", "Creators' data: my export is ready, a creator was erased (admins)"
