"""The webhook API's bodies and answers."""

from __future__ import annotations

from rest_framework import serializers

from influencer_ops.events import EventType
from influencer_ops.serializers import StrictModelSerializer, StrictSerializer
from influencer_ops.validation import URL_MAX_LENGTH
from integrations.models import WEBHOOK_DESCRIPTION_MAX_LENGTH, WebhookDelivery, WebhookEndpoint
from integrations.webhooks.services import SETTABLE_STATES


class WebhookEndpointSerializer(StrictModelSerializer[WebhookEndpoint]):
    """An endpoint; ``secret`` signs its deliveries (admins only read it)."""

    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "state",
            "secret",
            "failing_since",
            "disabled_at",
            "secret_rotated_at",
            "created_at",
        ]
        read_only_fields = fields


class WebhookEndpointCreateSerializer(StrictSerializer):
    url = serializers.CharField(max_length=URL_MAX_LENGTH)
    description = serializers.CharField(
        max_length=WEBHOOK_DESCRIPTION_MAX_LENGTH, required=False, allow_blank=True
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), allow_empty=False
    )


class WebhookEndpointUpdateSerializer(WebhookEndpointCreateSerializer):
    url = serializers.CharField(max_length=URL_MAX_LENGTH, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        allow_empty=False,
        required=False,
    )
    state = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in SETTABLE_STATES], required=False
    )


class WebhookDeliverySerializer(StrictModelSerializer[WebhookDelivery]):
    event_type = serializers.CharField(source="event.type", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event",
            "event_type",
            "replay_of",
            "state",
            "attempts",
            "response_code",
            "latency_ms",
            "error",
            "next_attempt_at",
            "last_attempt_at",
            "created_at",
        ]
        read_only_fields = fields
