"""Audit events as the sentences people read on a program's and an enrollment's history:
"Ivy ISM confirmed Cara Creator in Spring Glow", never ``enrollment.confirmed``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from influencer_ops.models import AuditEvent

# What the actor did, by verb; ``{target}`` is the event's target as it was then.
PHRASES: dict[str, str] = {
    "program.created": "created the program {target}",
    "program.updated": "changed the brief of {target}",
    "program.cloned": "cloned {target}",
    "program.draft": "moved {target} back to draft",
    "program.recruiting": "opened recruiting for {target}",
    "program.launched": "launched {target}",
    "program.completed": "marked {target} completed",
    "program.closed": "closed {target}",
    "program.cancelled": "cancelled {target}",
    "program.deliverable_added": "added a deliverable to {target}",
    "program.deliverable_removed": "removed a deliverable from {target}",
    "program.due_dates_shifted": "moved due dates in {target}",
    "enrollment.invited": "invited {target}",
    "enrollment.waitlisted": "put {target} on the waitlist",
    "enrollment.promoted": "moved {target} up from the waitlist",
    "enrollment.accepted": "accepted the invitation: {target}",
    "enrollment.declined": "declined the invitation: {target}",
    "enrollment.expired": "recorded that the invitation expired: {target}",
    "enrollment.confirmed": "confirmed {target}",
    "enrollment.active": "started the collaboration: {target}",
    "enrollment.completed": "completed {target}",
    "enrollment.withdrawn": "withdrew the place of {target}",
    "enrollment.terminated": "ended the collaboration: {target}",
    "terms.amended": "sent new terms: {target}",
    "terms.accepted": "accepted the terms: {target}",
    "submission.created": "submitted a draft: {target}",
    "submission.reviewed": "reviewed a draft: {target}",
    "submission.auto_approved": "auto-approved a draft: {target}",
    "deliverable.published": "published {target}",
    "deliverables.cancelled": "cancelled the deliverables still owed: {target}",
    "extension.requested": "asked for more time: {target}",
    "extension.pending": "sent an extension request for a decision: {target}",
    "extension.approved": "granted more time: {target}",
    "extension.denied": "did not grant more time: {target}",
    "extension.cancelled": "cancelled an extension request: {target}",
    "case.opened": "opened a case: {target}",
    "case.message": "sent a message on a case: {target}",
    "case.warning": "gave a warning on a case: {target}",
    "case.remedy": "set a remedy on a case: {target}",
    "case.terms_amendment": "amended the terms on a case: {target}",
    "case.escalation": "escalated a case to the admins: {target}",
    "case.note": "added an internal note to a case: {target}",
    "case.creator_response": "answered a case: {target}",
    "case.terminate": "ended the collaboration on a case: {target}",
    "case.close": "closed a case: {target}",
    "amount_owed.recorded": "recorded what is owed: {target}",
    "tracked_link.deactivated": "switched off the tracked link {target}",
    "payout.earned": "recorded a payout as earned: {target}",
    "payout.adjusted": "corrected a payout: {target}",
    "payout.scheduled": "scheduled a payout: {target}",
    "payout.processing": "sent a payout to the provider: {target}",
    "payout.paid": "paid {target}",
    "payout.failed": "recorded a failed payment: {target}",
    "payout.on_hold": "put a payout on hold: {target}",
    "payout.cancelled": "cancelled a payout: {target}",
}


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    sentence: str


def actor_name(event: AuditEvent) -> str:
    if event.actor is not None:
        return str(event.actor.display_name)
    return "The system" if event.actor_label in ("", "system") else event.actor_label


def describe(event: AuditEvent) -> HistoryLine:
    """One event as a sentence (``actor`` must be loaded with the event)."""
    target = event.target_label or f"#{event.target_id}"
    phrase = PHRASES.get(event.verb)
    if phrase is None:  # a verb without words yet still reads, plainly
        phrase = event.verb.replace("_", " ").replace(".", ": ", 1) + " · {target}"
    actor = actor_name(event)
    sentence = f"{actor} {phrase.format(target=target)}"
    reason = event.after.get("reason") if isinstance(event.after, dict) else None
    if isinstance(reason, str) and reason:
        sentence += f" (“{reason}”)"
    return HistoryLine(event.at, actor, sentence)
