"""The one audit helper. Services call it inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from .models import AuditEvent


def audit_record(
    *,
    organization: Any,
    actor: Any | None,
    verb: str,
    target: Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor if is_user else None,
        actor_label=getattr(actor, "email", "") if is_user else "system",
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        before=before,
        after=after,
    )
