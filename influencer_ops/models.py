"""Core models: the tenant base class and the append-only audit trail."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class TenantModel(models.Model):
    """A row owned by one organization; row-level security applies to its table."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Append-only: the database refuses UPDATE and DELETE (trigger in migration 0001)."""

    rls_allow_null_org: ClassVar[bool] = True

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    verb = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "-at"], name="audit_org_at"),
            models.Index(fields=["organization", "target_type", "target_id"], name="audit_target"),
        ]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor_label or 'system'} {self.verb} {self.target_type}#{self.target_id}"
