"""What of an enrollment's audit trail the creator may read: a whitelist of verbs and of the
fields whose changes they see. Anything not listed (internal notes, escalations, routing,
override reasons, memos, assignees) stays on the team's side, including verbs added later."""

from __future__ import annotations

from typing import Any

from influencer_ops.audit import AuditVerb as V
from influencer_ops.models import AuditEvent

CREATOR_VERBS: frozenset[str] = frozenset(
    {
        V.ENROLLMENT_INVITED, V.ENROLLMENT_WAITLISTED, V.ENROLLMENT_PROMOTED,
        V.ENROLLMENT_ACCEPTED, V.ENROLLMENT_DECLINED, V.ENROLLMENT_EXPIRED,
        V.ENROLLMENT_CONFIRMED, V.ENROLLMENT_ACTIVE, V.ENROLLMENT_COMPLETED,
        V.ENROLLMENT_WITHDRAWN, V.ENROLLMENT_TERMINATED,
        V.TERMS_AMENDED, V.TERMS_ACCEPTED,
        V.DELIVERABLE_PUBLISHED, V.DELIVERABLES_CANCELLED,
        V.SUBMISSION_CREATED, V.SUBMISSION_REVIEWED, V.SUBMISSION_AUTO_APPROVED,
        V.EXTENSION_REQUESTED, V.EXTENSION_APPROVED, V.EXTENSION_DENIED, V.EXTENSION_CANCELLED,
        V.CASE_OPENED, V.CASE_MESSAGE, V.CASE_WARNING, V.CASE_REMEDY, V.CASE_TERMS_AMENDMENT,
        V.CASE_CREATOR_RESPONSE, V.CASE_TERMINATE, V.CASE_CLOSE,
        V.PAYOUT_EARNED, V.PAYOUT_ADJUSTED, V.PAYOUT_SCHEDULED, V.PAYOUT_PROCESSING,
        V.PAYOUT_PAID, V.PAYOUT_FAILED, V.PAYOUT_ON_HOLD, V.PAYOUT_CANCELLED,
        V.TRACKED_LINK_DEACTIVATED,
    }
)  # fmt: skip

# The fields whose changes the creator sees (terms, dates, outcomes, amounts); "reason" is the
# reason a decision gives the creator (a withdrawal, an amendment), quoted in the sentence.
CREATOR_FIELDS: frozenset[str] = frozenset(
    {
        "state", "outcome", "version", "kind", "severity", "reason",
        "fee", "flat_fee", "per_click_rate", "click_milestone", "milestone_bonus",
        "prorate_if_missed", "guidelines", "disclosure_rule", "nda_required", "currency",
        "deliverables", "terms_version", "nda",
        "due_on", "new_due_on", "original_due_on", "requested_due_on", "days",
        "url", "live_url", "disclosure_passed", "amount",
    }
)  # fmt: skip


def creator_may_read(event: AuditEvent) -> bool:
    """A whitelisted verb; a case action only when it was shown to the creator."""
    if event.verb not in CREATOR_VERBS:
        return False
    after = event.after if isinstance(event.after, dict) else {}
    return after.get("visible", True) is not False


def _kept(payload: Any) -> Any:
    if not isinstance(payload, dict):
        return payload
    return {key: value for key, value in payload.items() if key in CREATOR_FIELDS}


def for_creator(event: AuditEvent) -> AuditEvent:
    """A copy of ``event`` (never saved) holding only the fields the creator may read."""
    return AuditEvent(
        pk=event.pk,
        organization_id=event.organization_id,
        actor=event.actor,
        actor_label=event.actor_label,
        verb=event.verb,
        target_type=event.target_type,
        target_id=event.target_id,
        target_label=event.target_label,
        before=_kept(event.before),
        after=_kept(event.after),
        at=event.at,
    )
