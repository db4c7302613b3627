"""Shapes of the messaging API. Read-only model serializers use only what the selectors
select_related, so lists never query per row; input serializers only parse and validate."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from influencer_ops.serializers import (
    QueryFilterSerializer,
    StrictModelSerializer,
    StrictSerializer,
)
from influencer_ops.validation import ID_MAX
from messaging.kinds import ACTIVE_TASK_STATES, OwnerRole, TaskKind, TaskState, Topic
from messaging.models import Message, Request, Task, TaskEvent, Thread
from messaging.services.bulk import BULK_MAX
from messaging.services.threads import MAX_MESSAGE

SCOPES = [("mine", "Assigned to me"), ("queue", "In the team queue")]


def _name(user: Any | None) -> str | None:
    return user.display_name if user is not None else None


# --- staff: tasks ---


class TaskFilterSerializer(QueryFilterSerializer):
    """Query parameters of the task list."""

    kind = serializers.ChoiceField(choices=TaskKind.choices, required=False)
    state = serializers.ChoiceField(
        choices=TaskState.choices,
        required=False,
        help_text=_("Without it, active tasks (open and in progress)."),
    )
    program = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, required=False, help_text=_("A program id.")
    )
    overdue = serializers.BooleanField(required=False, default=False)
    scope = serializers.ChoiceField(
        choices=SCOPES, required=False, help_text=_("Without it, mine and the queue alike.")
    )


class TaskSerializer(StrictModelSerializer[Task]):
    kind = serializers.ChoiceField(read_only=True, choices=TaskKind.choices)
    owner_role = serializers.ChoiceField(read_only=True, choices=OwnerRole.choices)
    state = serializers.ChoiceField(read_only=True, choices=TaskState.choices)
    assignee_name = serializers.SerializerMethodField()
    program_name = serializers.SerializerMethodField()
    creator_name = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "kind",
            "title",
            "owner_role",
            "assignee",
            "assignee_name",
            "state",
            "program",
            "program_name",
            "enrollment",
            "creator",
            "creator_name",
            "source_request",
            "due_at",
            "overdue",
            "resolution",
            "created_at",
            "updated_at",
            "completed_at",
            "escalated_at",
        ]
        read_only_fields = fields

    def get_assignee_name(self, obj: Task) -> str | None:
        return _name(obj.assignee)

    def get_program_name(self, obj: Task) -> str | None:
        return obj.program.name if obj.program is not None else None

    def get_creator_name(self, obj: Task) -> str | None:
        return obj.creator.display_name if obj.creator is not None else None

    def get_overdue(self, obj: Task) -> bool:
        return obj.state in ACTIVE_TASK_STATES and obj.due_at < timezone.now()


class TaskEventSerializer(StrictModelSerializer[TaskEvent]):
    actor_name = serializers.SerializerMethodField()
    from_assignee_name = serializers.SerializerMethodField()
    to_assignee_name = serializers.SerializerMethodField()

    class Meta:
        model = TaskEvent
        fields = [
            "id",
            "verb",
            "actor",
            "actor_name",
            "from_role",
            "to_role",
            "from_assignee",
            "from_assignee_name",
            "to_assignee",
            "to_assignee_name",
            "note",
            "at",
        ]
        read_only_fields = fields

    def get_actor_name(self, obj: TaskEvent) -> str | None:
        return _name(obj.actor)

    def get_from_assignee_name(self, obj: TaskEvent) -> str | None:
        return _name(obj.from_assignee)

    def get_to_assignee_name(self, obj: TaskEvent) -> str | None:
        return _name(obj.to_assignee)


class TaskDetailSerializer(TaskSerializer):
    """A task with its history; the view passes the events as ``context["history"]``."""

    history = serializers.SerializerMethodField()

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "history"]
        read_only_fields = fields

    @extend_schema_field(TaskEventSerializer(many=True))
    def get_history(self, obj: Task) -> list[dict[str, Any]]:
        events = self.context.get("history", [])
        return list(TaskEventSerializer(events, many=True).data)


class TaskCompleteSerializer(StrictSerializer):
    resolution = serializers.CharField(max_length=5000, allow_blank=False, trim_whitespace=True)


class TaskReassignSerializer(StrictSerializer):
    assignee = serializers.IntegerField(
        min_value=1, allow_null=True, help_text=_("A user id, or null for the role's team queue.")
    )
    note = serializers.CharField(
        max_length=5000, allow_blank=True, required=False, default="", trim_whitespace=True
    )


class TaskBulkSerializer(StrictSerializer):
    action = serializers.ChoiceField(
        choices=[("claim", "Claim for yourself"), ("assign", "Assign to a member of the team")]
    )
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        allow_empty=False,
        max_length=BULK_MAX,
        help_text="The tasks, all of the caller's desk work in this org.",
    )
    assignee = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        required=False,
        allow_null=True,
        default=None,
        help_text="For assign: a user id of the team that owns every task (or an admin).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["action"] == "assign" and attrs.get("assignee") is None:
            raise serializers.ValidationError({"assignee": ["Choose who gets the tasks."]})
        return attrs


class TaskBulkResultSerializer(StrictSerializer):
    action = serializers.CharField()
    changed = serializers.ListField(child=serializers.IntegerField(), help_text="Task ids.")
    unchanged = serializers.ListField(
        child=serializers.IntegerField(), help_text="Already in the wanted hands."
    )
    skipped_closed = serializers.ListField(
        child=serializers.IntegerField(), help_text="Done or cancelled: left as they were."
    )
    message = serializers.CharField()


# --- threads and messages (staff and creators) ---


class ThreadSerializer(StrictModelSerializer[Thread]):
    """A thread as staff see it (``unread`` comes from the selector's annotation)."""

    kind = serializers.ChoiceField(read_only=True, choices=Thread.Kind.choices)
    program_name = serializers.SerializerMethodField()
    creator_name = serializers.SerializerMethodField()
    unread = serializers.IntegerField(read_only=True)

    class Meta:
        model = Thread
        fields = [
            "id",
            "kind",
            "title",
            "enrollment",
            "program",
            "program_name",
            "creator_name",
            "replies_allowed",
            "created_at",
            "last_message_at",
            "unread",
        ]
        read_only_fields = fields

    def get_program_name(self, obj: Thread) -> str | None:
        return obj.program.name if obj.program is not None else None

    def get_creator_name(self, obj: Thread) -> str | None:
        return obj.enrollment.creator.display_name if obj.enrollment is not None else None


class CreatorThreadSerializer(StrictModelSerializer[Thread]):
    """A thread as its creator sees it."""

    kind = serializers.ChoiceField(read_only=True, choices=Thread.Kind.choices)
    organization = serializers.CharField(source="organization.slug", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    program_name = serializers.SerializerMethodField()
    unread = serializers.IntegerField(read_only=True)

    class Meta:
        model = Thread
        fields = [
            "id",
            "kind",
            "title",
            "organization",
            "organization_name",
            "enrollment",
            "program",
            "program_name",
            "replies_allowed",
            "created_at",
            "last_message_at",
            "unread",
        ]
        read_only_fields = fields

    def get_program_name(self, obj: Thread) -> str | None:
        return obj.program.name if obj.program is not None else None


class MessageSerializer(StrictModelSerializer[Message]):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "thread", "author_name", "from_creator", "text", "request", "created_at"]
        read_only_fields = fields

    def get_author_name(self, obj: Message) -> str:
        return str(obj.author.display_name)


class MessageCreateSerializer(StrictSerializer):
    text = serializers.CharField(max_length=MAX_MESSAGE, allow_blank=False, trim_whitespace=True)


class StaffMessageCreateSerializer(MessageCreateSerializer):
    resolve = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Also complete the thread's open request tasks, with this reply as resolution."
        ),
    )


# --- the creator's requests ---


class CreatorRequestSerializer(StrictModelSerializer[Request]):
    organization = serializers.CharField(source="organization.slug", read_only=True)
    routed_role = serializers.ChoiceField(read_only=True, choices=OwnerRole.choices)
    program_name = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()
    task_state = serializers.ChoiceField(
        read_only=True, source="task.state", choices=TaskState.choices, allow_null=True
    )
    due_at = serializers.DateTimeField(source="task.due_at", read_only=True, allow_null=True)

    class Meta:
        model = Request
        fields = [
            "id",
            "organization",
            "topic",
            "text",
            "enrollment",
            "payout",
            "program_name",
            "routed_role",
            "routing_reason",
            "owner",
            "task_state",
            "due_at",
            "thread",
            "created_at",
        ]
        read_only_fields = fields

    def get_program_name(self, obj: Request) -> str | None:
        return obj.enrollment.program.name if obj.enrollment is not None else None

    def get_owner(self, obj: Request) -> str:
        """Who has the request now: a person, or the owning role's team (e.g. "ISM team")."""
        task = getattr(obj, "task", None)
        if task is not None and task.assignee is not None:
            return str(task.assignee.display_name)
        role = task.owner_role if task is not None else obj.routed_role
        return f"{role.upper()} team"


class CreatorRequestCreateSerializer(StrictSerializer):
    topic = serializers.ChoiceField(choices=Topic.choices)
    text = serializers.CharField(max_length=MAX_MESSAGE, allow_blank=False, trim_whitespace=True)
    enrollment = serializers.IntegerField(
        min_value=1, allow_null=True, required=False, default=None, help_text=_("An enrollment id.")
    )
    organization = serializers.SlugField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("An org slug: needed only without an enrollment, when you work with several."),
    )
    payout = serializers.IntegerField(
        min_value=1,
        allow_null=True,
        required=False,
        default=None,
        help_text=_("One of your payout ids: a compensation question about that payout."),
    )
