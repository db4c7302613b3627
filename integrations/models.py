"""Outbound webhooks: the endpoints an org registers, the outbox of events, each delivery."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from influencer_ops.events import EventType
from influencer_ops.models import TenantModel
from influencer_ops.validation import URL_MAX_LENGTH

WEBHOOK_DESCRIPTION_MAX_LENGTH = 200
WEBHOOK_SECRET_LENGTH = 64  # hex of 32 random bytes


class WebhookEndpoint(TenantModel):
    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        DISABLED = "disabled", _("Disabled after failing")

    url = models.URLField(max_length=URL_MAX_LENGTH)
    description = models.CharField(max_length=WEBHOOK_DESCRIPTION_MAX_LENGTH, blank=True)
    events = ArrayField(models.CharField(max_length=40, choices=EventType.choices), default=list)
    # The signing key: kept readable (it signs every delivery), shown to the org's admins only.
    secret = models.CharField(max_length=WEBHOOK_SECRET_LENGTH)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    # Since when every delivery failed (null after a success): 24 h of it disables the endpoint.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "state"], name="webhook_endpoint_state")]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description or self.url


class WebhookEvent(TenantModel):
    """The outbox: one row per event, written in the transaction of the change it reports."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=40, choices=EventType.choices)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "-created_at"], name="webhook_event_at")]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class WebhookDelivery(TenantModel):
    """One event to one endpoint; retried with backoff until it succeeds or gives up."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Gave up")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a worker may (re)try: also the lease of an attempt in flight (a dead worker's
    # delivery comes back when it passes).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organization", "next_attempt_at", "id"],
                name="webhook_delivery_due",
                condition=models.Q(state="pending"),
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"delivery {self.pk} of {self.event_id}"
