"""Django admin for platform staff. Admin requests run with all orgs visible (see tenancy)."""

from django.contrib import admin

from organizations.models import Brand, Membership, MembershipBrand, Organization, StaffInvitation


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "mfa_required", "created_at"]
    search_fields = ["name", "slug"]


class MembershipBrandInline(admin.TabularInline):
    model = MembershipBrand
    extra = 0
    raw_id_fields = ["brand"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["organization", "role"]
    search_fields = ["user__email"]
    list_select_related = ["user", "organization"]
    raw_id_fields = ["user"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "created_at"]
    list_filter = ["organization"]
    list_select_related = ["organization"]


@admin.register(StaffInvitation)
class StaffInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["organization", "role"]
    readonly_fields = ["token_hash"]
    list_select_related = ["organization"]
