"""The creator's exclusions and values statement in the API (``/api/v1/me/``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from influencer_ops import validation
from influencer_ops.serializers import StrictModelSerializer, StrictSerializer
from influencers.models import CreatorExclusion, ExclusionKind


class ExclusionSerializer(StrictModelSerializer[CreatorExclusion]):
    name = serializers.CharField(
        source="label",
        read_only=True,
        help_text=_("How it reads: a category's name, else the value."),
    )

    class Meta:
        model = CreatorExclusion
        fields = ["id", "kind", "value", "name", "created_at"]
        read_only_fields = fields


class ExclusionInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=ExclusionKind.choices)
    value = serializers.CharField(
        max_length=validation.EXCLUSION_VALUE_MAX_LENGTH,
        help_text=_("A category's code for kind=category; otherwise the creator's own words."),
    )


class ValuesSerializer(StrictSerializer):
    statement = serializers.CharField(
        max_length=validation.VALUES_STATEMENT_MAX_LENGTH, allow_blank=True
    )
