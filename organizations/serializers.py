from __future__ import annotations

from rest_framework import serializers

from influencer_ops.models import AuditEvent
from influencer_ops.serializers import StrictModelSerializer, StrictSerializer
from organizations.models import Brand, Membership, Organization, StaffInvitation
from organizations.roles import Role


class OrganizationSerializer(StrictModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = ["id", "slug", "name", "time_zone", "default_currency", "mfa_required"]
        read_only_fields = fields


class MyMembershipSerializer(StrictModelSerializer[Membership]):
    organization = OrganizationSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "role", "organization"]
        read_only_fields = fields


class BrandSerializer(StrictModelSerializer[Brand]):
    class Meta:
        model = Brand
        fields = ["id", "name", "slug", "created_at"]
        read_only_fields = ["id", "slug", "created_at"]


class MembershipSerializer(StrictModelSerializer[Membership]):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)
    brands = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "brands", "created_at"]
        read_only_fields = fields

    def get_brands(self, obj: Membership) -> list[int]:
        return [b.pk for b in obj.brands.all()]


class MembershipRoleSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=Role.choices)
    brands = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=200
    )


class InvitationSerializer(StrictModelSerializer[StaffInvitation]):
    state = serializers.CharField(read_only=True)
    brands = serializers.SerializerMethodField()

    class Meta:
        model = StaffInvitation
        fields = ["id", "email", "role", "brands", "state", "created_at", "expires_at"]
        read_only_fields = fields

    def get_brands(self, obj: StaffInvitation) -> list[int]:
        return [b.pk for b in obj.brands.all()]


class InvitationCreateSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)
    brands = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=200
    )


class AuditEventSerializer(StrictModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "actor_label",
            "verb",
            "target_type",
            "target_id",
            "target_label",
            "before",
            "after",
            "at",
        ]
        read_only_fields = fields
