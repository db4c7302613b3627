"""Requests, routed tasks with their history, threads and messages, notifications."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from influencer_ops.models import TenantModel
from messaging.kinds import NotificationKind, OwnerRole, TaskKind, TaskState, Topic

ACTIVE = models.Q(state__in=["open", "in_progress"])


class TaskSLA(TenantModel):
    """An org's own due time for a task kind (otherwise ``kinds.DEFAULT_SLA``)."""

    kind = models.CharField(max_length=40, choices=TaskKind.choices)
    hours = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"], name="task_sla_unique"),
            models.CheckConstraint(
                condition=models.Q(hours__gte=1, hours__lte=24 * 60), name="task_sla_hours_range"
            ),
        ]


class Thread(TenantModel):
    class Kind(models.TextChoices):
        ENROLLMENT = "enrollment", _("Enrollment")
        ANNOUNCEMENT = "announcement", _("Announcement")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    enrollment = models.OneToOneField(
        "programs.Enrollment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="thread",
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    replies_allowed = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="enrollment", enrollment__isnull=False)
                    | models.Q(kind="announcement", program__isnull=False, enrollment__isnull=True)
                ),
                name="thread_subject_matches_kind",
            )
        ]
        indexes = [
            # The lists' order with its tie-break: a page is read off the index (#18).
            models.Index(
                fields=["organization", "-last_message_at", "-id"], name="thread_org_recent_id"
            ),
            # A creator's announcements: by program, without the program's enrollment threads.
            models.Index(
                fields=["program"],
                condition=models.Q(kind="announcement"),
                name="thread_announcements",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Request(TenantModel):
    """A creator's question, routed to exactly one owner role with the reason recorded."""

    creator = models.ForeignKey(
        "influencers.CreatorProfile", on_delete=models.PROTECT, related_name="requests"
    )
    enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payout = models.ForeignKey(
        "payments.Payout",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The payout a compensation question is about."),
    )
    topic = models.CharField(max_length=30, choices=Topic.choices)
    text = models.TextField(max_length=5000)
    routed_role = models.CharField(max_length=10, choices=OwnerRole.choices)
    routing_reason = models.CharField(max_length=300)
    thread = models.ForeignKey(
        Thread, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "creator", "-created_at"], name="request_org_creator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} from {self.creator}"


class Task(TenantModel):
    kind = models.CharField(max_length=40, choices=TaskKind.choices)
    title = models.CharField(max_length=200)
    owner_role = models.CharField(max_length=10, choices=OwnerRole.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the role's team queue."),
    )
    state = models.CharField(max_length=20, choices=TaskState.choices, default=TaskState.OPEN)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    creator = models.ForeignKey(
        "influencers.CreatorProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_request = models.OneToOneField(
        Request, on_delete=models.PROTECT, null=True, blank=True, related_name="task"
    )
    source_event = models.CharField(max_length=120, blank=True)
    dedupe_key = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    resolution = models.TextField(blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Our own answer times (messaging/services/answer_times.py): the first staff reply in the
    # request's thread (or its resolution, when that came first), and its completion as done.
    first_answered_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            # The same event never makes two open tasks.
            models.UniqueConstraint(
                fields=["organization", "dedupe_key"],
                condition=ACTIVE,
                name="task_open_dedupe_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=TaskState.values), name="task_state_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "owner_role", "state", "due_at"], name="task_queue"
            ),
            models.Index(
                fields=["organization", "assignee", "state", "due_at"], name="task_assignee"
            ),
            models.Index(fields=["organization", "program", "state"], name="task_program"),
            # The API list's order with its tie-break, paged by cursor off this index (#18).
            models.Index(fields=["organization", "due_at", "id"], name="task_org_due"),
            # The escalation sweep: active, not yet escalated, by due time.
            models.Index(
                fields=["organization", "due_at"],
                condition=ACTIVE & models.Q(escalated_at__isnull=True),
                name="task_escalation_sweep",
            ),
            # The median answer time: answered requests by when they were asked.
            models.Index(
                fields=["organization", "kind", "created_at"],
                condition=models.Q(first_answered_at__isnull=False),
                name="task_answered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TaskTotal(TenantModel):
    """How many tasks an org has per owner role and state.

    Kept by the database (statement triggers on ``messaging_task``, migration ``0010``) from
    every insert, update and delete, bulk ones included: the desk's counts read these few rows
    instead of every task the org ever had (#18). Never written by the app.
    """

    owner_role = models.CharField(max_length=10, choices=OwnerRole.choices)
    state = models.CharField(max_length=20, choices=TaskState.choices)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "owner_role", "state"], name="task_total_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.count} {self.owner_role} {self.state}"


class TaskEvent(TenantModel):
    """A task's history: who moved it where, and why."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_role = models.CharField(max_length=10, blank=True)
    to_role = models.CharField(max_length=10, blank=True)
    from_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True, max_length=5000)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Message(TenantModel):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_creator = models.BooleanField(default=False)
    text = models.TextField(max_length=5000)
    request = models.ForeignKey(
        Request, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"], name="message_thread_at")]


class ThreadRead(TenantModel):
    """How far a user has read a thread (for unread counts)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="thread_read_unique")
        ]


class Notification(TenantModel):
    """One per recipient and event: the unique key makes sending twice impossible."""

    # Users read and mark read their own notifications from any org (the bell is not org-bound).
    rls_extra_using: ClassVar[str] = "recipient_id = app_user_id()"
    rls_extra_check: ClassVar[str] = "recipient_id = app_user_id()"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    event_key = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=5000)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event_key"], name="notification_once")
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]


class NotificationPreference(models.Model):
    """Per user and kind; without a row, both channels are on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"
