from django.contrib import admin

from programs.models import Enrollment, Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "brand", "state", "launched_at"]
    list_filter = ["organization", "state"]
    list_select_related = ["organization", "brand"]
    search_fields = ["name"]
    readonly_fields = ["state", "launched_at", "completed_at"]  # state moves through services


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["creator", "program", "organization", "state"]
    list_filter = ["organization", "state"]
    list_select_related = ["organization", "program", "creator"]
    readonly_fields = ["state"]
    raw_id_fields = ["program", "creator"]
