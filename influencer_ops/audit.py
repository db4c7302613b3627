"""The one audit helper. Services call it inside their transaction."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.db.models import Model

from influencer_ops.models import AuditEvent


class AuditVerb(StrEnum):
    """Every verb the audit trail records, by subject. ``AuditVerb(f"payout.{state}")`` checks a
    verb built from a state. Values are stored as they are: never rename one, add a new one."""

    # organization (organizations)
    ORGANIZATION_CREATED = "organization.created"
    ORGANIZATION_SETTINGS_CHANGED = "organization.settings_changed"

    # membership (organizations)
    MEMBERSHIP_REMOVED = "membership.removed"
    MEMBERSHIP_ROLE_CHANGED = "membership.role_changed"

    # invitation (organizations)
    INVITATION_ACCEPTED = "invitation.accepted"
    INVITATION_CREATED = "invitation.created"
    INVITATION_REVOKED = "invitation.revoked"

    # brand (organizations)
    BRAND_CREATED = "brand.created"
    BRAND_RENAMED = "brand.renamed"

    # api_token (accounts (tokens))
    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_REVOKED = "api_token.revoked"

    # calendar_feed (programs (calendar))
    CALENDAR_FEED_ROTATED = "calendar_feed.rotated"

    # creator (influencers)
    CREATOR_AVAILABILITY_ADDED = "creator.availability_added"
    CREATOR_AVAILABILITY_REMOVED = "creator.availability_removed"
    CREATOR_CREATED = "creator.created"
    CREATOR_ERASED = "creator.erased"
    CREATOR_HANDLE_REMOVED = "creator.handle_removed"
    CREATOR_HANDLE_SET = "creator.handle_set"
    CREATOR_INTEREST_ADDED = "creator.interest_added"
    CREATOR_INTEREST_REMOVED = "creator.interest_removed"
    CREATOR_MILESTONE_CHANGED = "creator.milestone_changed"
    CREATOR_PAYOUT_READY = "creator.payout_ready"
    CREATOR_PORTAL_INVITED = "creator.portal_invited"
    CREATOR_PORTAL_LINKED = "creator.portal_linked"
    CREATOR_PROFILE_UPDATED_BY_CREATOR = "creator.profile_updated_by_creator"
    CREATOR_UPDATED = "creator.updated"

    # creators (influencers)
    CREATORS_IMPORTED = "creators.imported"

    # request (messaging)
    REQUEST_CREATED = "request.created"

    # task_sla, task (messaging)
    TASK_SLA_CHANGED = "task_sla.changed"
    TASK_REMEDY_RECORDED = "task.remedy_recorded"
    TASK_CLAIMED = "task.claimed"
    TASK_ASSIGNED = "task.assigned"

    # program (programs)
    PROGRAM_CANCELLED = "program.cancelled"
    PROGRAM_CLONED = "program.cloned"
    PROGRAM_CLOSED = "program.closed"
    PROGRAM_COMPLETED = "program.completed"
    PROGRAM_CREATED = "program.created"
    PROGRAM_DELIVERABLE_ADDED = "program.deliverable_added"
    PROGRAM_DELIVERABLE_REMOVED = "program.deliverable_removed"
    PROGRAM_DRAFT = "program.draft"
    PROGRAM_DUE_DATES_SHIFTED = "program.due_dates_shifted"
    PROGRAM_LAUNCHED = "program.launched"
    PROGRAM_RECRUITING = "program.recruiting"
    PROGRAM_UPDATED = "program.updated"

    # enrollment (programs (recruiting))
    ENROLLMENT_ACCEPTED = "enrollment.accepted"
    ENROLLMENT_ACTIVE = "enrollment.active"
    ENROLLMENT_COMPLETED = "enrollment.completed"
    ENROLLMENT_CONFIRMED = "enrollment.confirmed"
    ENROLLMENT_DECLINED = "enrollment.declined"
    ENROLLMENT_EXPIRED = "enrollment.expired"
    ENROLLMENT_INVITED = "enrollment.invited"
    ENROLLMENT_PROMOTED = "enrollment.promoted"
    ENROLLMENT_TERMINATED = "enrollment.terminated"
    ENROLLMENT_WAITLISTED = "enrollment.waitlisted"
    ENROLLMENT_WITHDRAWN = "enrollment.withdrawn"

    # terms (programs (recruiting))
    TERMS_ACCEPTED = "terms.accepted"
    TERMS_AMENDED = "terms.amended"

    # deliverable (programs (content))
    DELIVERABLE_PUBLISHED = "deliverable.published"

    # deliverables (programs (deadlines))
    DELIVERABLES_CANCELLED = "deliverables.cancelled"

    # submission (programs (content))
    SUBMISSION_AUTO_APPROVED = "submission.auto_approved"
    SUBMISSION_CREATED = "submission.created"
    SUBMISSION_REVIEWED = "submission.reviewed"

    # extension (programs (deadlines))
    EXTENSION_APPROVED = "extension.approved"
    EXTENSION_CANCELLED = "extension.cancelled"
    EXTENSION_DENIED = "extension.denied"
    EXTENSION_PENDING = "extension.pending"
    EXTENSION_REQUESTED = "extension.requested"

    # case (programs (cases))
    CASE_CLOSE = "case.close"
    CASE_CREATOR_RESPONSE = "case.creator_response"
    CASE_ESCALATION = "case.escalation"
    CASE_MESSAGE = "case.message"
    CASE_NOTE = "case.note"
    CASE_OPENED = "case.opened"
    CASE_REMEDY = "case.remedy"
    CASE_TERMINATE = "case.terminate"
    CASE_TERMS_AMENDMENT = "case.terms_amendment"
    CASE_WARNING = "case.warning"

    # amount_owed (programs (cases))
    AMOUNT_OWED_RECORDED = "amount_owed.recorded"

    # tracked_link (tracking)
    TRACKED_LINK_DEACTIVATED = "tracked_link.deactivated"

    # metric (tracking)
    METRIC_RECORDED = "metric.recorded"

    # metrics (tracking)
    METRICS_IMPORTED = "metrics.imported"

    # orders, order, commission, discount_code, commerce_settings (commerce)
    ORDERS_RECEIVED = "orders.received"
    ORDER_REFUNDED = "order.refunded"
    COMMISSION_EARNED = "commission.earned"
    COMMISSION_REDUCED = "commission.reduced"
    COMMISSION_REVERSED = "commission.reversed"
    COMMISSION_CLAWED_BACK = "commission.clawed_back"
    COMMISSION_CLAWBACK_SETTLED = "commission.clawback_settled"
    DISCOUNT_CODE_ADDED = "discount_code.added"
    DISCOUNT_CODE_DEACTIVATED = "discount_code.deactivated"
    COMMERCE_SETTINGS_CHANGED = "commerce_settings.changed"
    COMMERCE_SECRET_ROTATED = "commerce_settings.secret_rotated"

    # payout (payments)
    PAYOUT_ADJUSTED = "payout.adjusted"
    PAYOUT_CANCELLED = "payout.cancelled"
    PAYOUT_EARNED = "payout.earned"
    PAYOUT_FAILED = "payout.failed"
    PAYOUT_ON_HOLD = "payout.on_hold"
    PAYOUT_PAID = "payout.paid"
    PAYOUT_PROCESSING = "payout.processing"
    PAYOUT_SCHEDULED = "payout.scheduled"

    # payout_details (payments)
    PAYOUT_DETAILS_SET = "payout_details.set"

    # payment_run (payments)
    PAYMENT_RUN_AWAITING_APPROVAL = "payment_run.awaiting_approval"
    PAYMENT_RUN_AWAITING_CONFIRMATION = "payment_run.awaiting_confirmation"
    PAYMENT_RUN_CANCELLED = "payment_run.cancelled"
    PAYMENT_RUN_COMPLETED = "payment_run.completed"
    PAYMENT_RUN_PROCESSING = "payment_run.processing"
    PAYMENT_RUN_STARTED = "payment_run.started"

    # payment_schedule (payments)
    PAYMENT_SCHEDULE_UPDATED = "payment_schedule.updated"

    # tax_form (payments)
    TAX_FORM_RECEIVED = "tax_form.received"
    TAX_FORM_REJECTED = "tax_form.rejected"
    TAX_FORM_SUBMITTED = "tax_form.submitted"
    TAX_FORM_VERIFIED = "tax_form.verified"

    # webhook_endpoint (integrations)
    WEBHOOK_ENDPOINT_CREATED = "webhook_endpoint.created"
    WEBHOOK_ENDPOINT_DELETED = "webhook_endpoint.deleted"
    WEBHOOK_ENDPOINT_DISABLED = "webhook_endpoint.disabled"
    WEBHOOK_ENDPOINT_SECRET_ROTATED = "webhook_endpoint.secret_rotated"
    WEBHOOK_ENDPOINT_UPDATED = "webhook_endpoint.updated"


def audit_record(
    *,
    organization: Any,
    actor: Any | None,
    verb: AuditVerb,
    target: Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor if is_user else None,
        actor_label=getattr(actor, "email", "") if is_user else "system",
        verb=AuditVerb(verb),
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        before=before,
        after=after,
    )


def audit_record_many(
    *,
    organization: Any,
    actor: Any | None,
    verb: AuditVerb,
    changes: Sequence[tuple[Model, dict[str, Any] | None, dict[str, Any] | None]],
) -> list[AuditEvent]:
    """One event per (target, before, after) in one INSERT: for bulk actions, whose every
    row deserves its own line in the trail."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            organization=organization,
            actor=actor if is_user else None,
            actor_label=getattr(actor, "email", "") if is_user else "system",
            verb=AuditVerb(verb),
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            target_label=str(target)[:200],
            before=before,
            after=after,
        )
        for target, before, after in changes
    )
