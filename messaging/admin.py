from django.contrib import admin

from messaging.models import Notification, Request, Task, TaskSLA, Thread


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "kind", "owner_role", "assignee", "state", "due_at"]
    list_filter = ["organization", "kind", "owner_role", "state"]
    list_select_related = ["organization", "assignee"]
    readonly_fields = ["state", "dedupe_key", "escalated_at", "completed_at"]
    raw_id_fields = ["assignee", "program", "enrollment", "creator", "source_request"]


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    list_display = ["creator", "organization", "topic", "routed_role", "created_at"]
    list_filter = ["organization", "topic", "routed_role"]
    list_select_related = ["organization", "creator"]
    readonly_fields = ["routed_role", "routing_reason"]
    raw_id_fields = ["creator", "enrollment", "thread", "created_by"]


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "kind", "last_message_at"]
    list_filter = ["organization", "kind"]
    list_select_related = ["organization"]
    raw_id_fields = ["enrollment", "program"]


@admin.register(TaskSLA)
class TaskSLAAdmin(admin.ModelAdmin):
    list_display = ["organization", "kind", "hours"]
    list_filter = ["organization"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "organization", "kind", "created_at", "read_at"]
    list_filter = ["organization", "kind"]
    list_select_related = ["recipient", "organization"]
    raw_id_fields = ["recipient"]
