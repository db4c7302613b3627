from django.contrib import admin

from influencers.models import CreatorProfile


@admin.register(CreatorProfile)
class CreatorProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "email", "organization", "user"]
    list_filter = ["organization"]
    list_select_related = ["organization", "user"]
    search_fields = ["display_name", "email"]
    raw_id_fields = ["user", "assigned_ism"]
