"""What each audit verb says, as the words after the actor's name: "Ivy ISM *confirmed Maya
Moves in Summit Trail*". ``{target}`` is the event's target as it was named then. Every
``AuditVerb`` has a phrase (a test fails otherwise), and each verb belongs to one group, the
"what" of the audit page's filter."""

from __future__ import annotations

from influencer_ops.audit import AuditVerb as V

PHRASES: dict[V, str] = {
    V.ORGANIZATION_CREATED: "created the organization {target}",
    V.ORGANIZATION_SETTINGS_CHANGED: "changed the settings of {target}",
    V.MEMBERSHIP_REMOVED: "removed a member from the team: {target}",
    V.MEMBERSHIP_ROLE_CHANGED: "changed the role and brands of {target}",
    V.INVITATION_ACCEPTED: "joined the team: {target} accepted",
    V.INVITATION_CREATED: "invited a new team member: {target}",
    V.INVITATION_REVOKED: "revoked a team invitation: {target}",
    V.BRAND_CREATED: "added the brand {target}",
    V.BRAND_RENAMED: "renamed a brand to {target}",
    V.API_TOKEN_CREATED: "created an {target}",
    V.API_TOKEN_REVOKED: "revoked an {target}",
    V.CALENDAR_FEED_ROTATED: "made a new secret address for {target}",
    V.CREATOR_AVAILABILITY_ADDED: "recorded time away for a creator: {target}",
    V.CREATOR_AVAILABILITY_REMOVED: "removed time away of a creator: {target}",
    V.CREATOR_CREATED: "added the creator {target}",
    V.CREATOR_ERASED: "had their personal data erased, at their request: {target}",
    V.CREATOR_HANDLE_REMOVED: "removed a social handle: {target}",
    V.CREATOR_HANDLE_SET: "set a social handle: {target}",
    V.CREATOR_INTEREST_ADDED: "noted a creator's interest in {target}",
    V.CREATOR_INTEREST_REMOVED: "removed a creator's interest in {target}",
    V.CREATOR_MILESTONE_CHANGED: "changed the click milestone of {target}",
    V.CREATOR_PAYOUT_READY: "updated whether {target} can be paid",
    V.CREATOR_PORTAL_INVITED: "invited a creator to the portal: {target}",
    V.CREATOR_PORTAL_LINKED: "linked a portal sign-in to {target}",
    V.CREATOR_PROFILE_UPDATED_BY_CREATOR: "updated their own profile: {target}",
    V.CREATOR_UPDATED: "updated the profile of {target}",
    V.CREATORS_IMPORTED: "imported creators from a CSV file into {target}",
    V.REQUEST_CREATED: "sent a request: {target}",
    V.TASK_SLA_CHANGED: "changed the due times of tasks in {target}",
    V.TASK_REMEDY_RECORDED: "recorded a remedy on the task {target}",
    V.TASK_CLAIMED: "claimed the task {target}",
    V.TASK_ASSIGNED: "assigned the task {target}",
    V.PROGRAM_CREATED: "created the program {target}",
    V.PROGRAM_UPDATED: "changed the brief of {target}",
    V.PROGRAM_CLONED: "cloned {target}",
    V.PROGRAM_DRAFT: "moved {target} back to draft",
    V.PROGRAM_RECRUITING: "opened recruiting for {target}",
    V.PROGRAM_LAUNCHED: "launched {target}",
    V.PROGRAM_COMPLETED: "marked {target} completed",
    V.PROGRAM_CLOSED: "closed {target}",
    V.PROGRAM_CANCELLED: "cancelled {target}",
    V.PROGRAM_DELIVERABLE_ADDED: "added a deliverable to {target}",
    V.PROGRAM_DELIVERABLE_REMOVED: "removed a deliverable from {target}",
    V.PROGRAM_DUE_DATES_SHIFTED: "moved due dates in {target}",
    V.ENROLLMENT_INVITED: "invited {target}",
    V.ENROLLMENT_WAITLISTED: "put {target} on the waitlist",
    V.ENROLLMENT_PROMOTED: "moved {target} up from the waitlist",
    V.ENROLLMENT_ACCEPTED: "accepted the invitation: {target}",
    V.ENROLLMENT_DECLINED: "declined the invitation: {target}",
    V.ENROLLMENT_EXPIRED: "recorded that the invitation expired: {target}",
    V.ENROLLMENT_CONFIRMED: "confirmed {target}",
    V.ENROLLMENT_ACTIVE: "started the collaboration: {target}",
    V.ENROLLMENT_COMPLETED: "completed {target}",
    V.ENROLLMENT_WITHDRAWN: "withdrew the place of {target}",
    V.ENROLLMENT_TERMINATED: "ended the collaboration: {target}",
    V.TERMS_AMENDED: "sent new terms: {target}",
    V.TERMS_ACCEPTED: "accepted the terms: {target}",
    V.DELIVERABLE_PUBLISHED: "published {target}",
    V.DELIVERABLES_CANCELLED: "cancelled the deliverables still owed: {target}",
    V.SUBMISSION_CREATED: "submitted a draft: {target}",
    V.SUBMISSION_REVIEWED: "reviewed a draft: {target}",
    V.SUBMISSION_AUTO_APPROVED: "auto-approved a draft: {target}",
    V.EXTENSION_REQUESTED: "asked for more time: {target}",
    V.EXTENSION_PENDING: "sent an extension request for a decision: {target}",
    V.EXTENSION_APPROVED: "granted more time: {target}",
    V.EXTENSION_DENIED: "did not grant more time: {target}",
    V.EXTENSION_CANCELLED: "cancelled an extension request: {target}",
    V.CASE_OPENED: "opened a case: {target}",
    V.CASE_MESSAGE: "sent a message on a case: {target}",
    V.CASE_WARNING: "gave a formal warning on a case: {target}",
    V.CASE_REMEDY: "set a remedy on a case: {target}",
    V.CASE_TERMS_AMENDMENT: "amended the terms on a case: {target}",
    V.CASE_ESCALATION: "escalated a case to the admins: {target}",
    V.CASE_NOTE: "added an internal note to a case: {target}",
    V.CASE_CREATOR_RESPONSE: "answered a case: {target}",
    V.CASE_TERMINATE: "ended the collaboration on a case: {target}",
    V.CASE_CLOSE: "closed a case: {target}",
    V.AMOUNT_OWED_RECORDED: "recorded what is still owed: {target}",
    V.TRACKED_LINK_DEACTIVATED: "switched off the tracked link {target}",
    V.METRIC_RECORDED: "recorded reach and engagement: {target}",
    V.METRICS_IMPORTED: "imported reach and engagement from a CSV file into {target}",
    V.PAYOUT_EARNED: "recorded a payout as earned: {target}",
    V.PAYOUT_ADJUSTED: "corrected a payout: {target}",
    V.PAYOUT_SCHEDULED: "scheduled a payout: {target}",
    V.PAYOUT_PROCESSING: "sent a payout to the provider: {target}",
    V.PAYOUT_PAID: "paid {target}",
    V.PAYOUT_FAILED: "recorded a failed payment: {target}",
    V.PAYOUT_ON_HOLD: "put a payout on hold: {target}",
    V.PAYOUT_CANCELLED: "cancelled a payout: {target}",
    V.PAYOUT_DETAILS_SET: "set payout details: {target}",
    V.PAYMENT_RUN_STARTED: "started {target}",
    V.PAYMENT_RUN_AWAITING_APPROVAL: "sent {target} for approval",
    V.PAYMENT_RUN_AWAITING_CONFIRMATION: "marked {target} as awaiting the provider's confirmation",
    V.PAYMENT_RUN_PROCESSING: "sent {target} to the provider",
    V.PAYMENT_RUN_COMPLETED: "completed {target}",
    V.PAYMENT_RUN_CANCELLED: "cancelled {target}",
    V.PAYMENT_SCHEDULE_UPDATED: "changed the payment schedule: {target}",
    V.TAX_FORM_SUBMITTED: "submitted {target}",
    V.TAX_FORM_RECEIVED: "recorded {target} as received",
    V.TAX_FORM_VERIFIED: "verified {target}",
    V.TAX_FORM_REJECTED: "rejected {target}",
    V.WEBHOOK_ENDPOINT_CREATED: "registered the webhook endpoint {target}",
    V.WEBHOOK_ENDPOINT_UPDATED: "changed the webhook endpoint {target}",
    V.WEBHOOK_ENDPOINT_DELETED: "deleted the webhook endpoint {target}",
    V.WEBHOOK_ENDPOINT_SECRET_ROTATED: "rotated the signing secret of the webhook {target}",
    V.WEBHOOK_ENDPOINT_DISABLED: "disabled the webhook {target} after 24 hours of failures",
}

# The "what" filter of the audit page: each group is the verbs of some subjects (the part of
# the verb before the dot), in the order the filter lists them.
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "team": (
        "Organization and team",
        ("organization", "membership", "invitation", "brand", "api_token", "calendar_feed"),
    ),
    "creators": ("Creators", ("creator", "creators")),
    "requests": ("Requests and tasks", ("request", "task_sla", "task")),
    "programs": ("Programs", ("program",)),
    "enrollments": ("Invitations, places and terms", ("enrollment", "terms")),
    "content": (
        "Content and deadlines",
        ("deliverable", "deliverables", "submission", "extension"),
    ),
    "cases": ("Cases", ("case", "amount_owed")),
    "tracking": ("Links and metrics", ("tracked_link", "metric", "metrics")),
    "payouts": ("Payouts and tax forms", ("payout", "payout_details", "tax_form")),
    "runs": ("Payment runs and schedule", ("payment_run", "payment_schedule")),
    "integrations": ("Webhooks", ("webhook_endpoint",)),
}


def subject_of(verb: str) -> str:
    return verb.partition(".")[0]


def group_verbs(group: str) -> list[str]:
    """Every verb of a group (an unknown group has none)."""
    subjects = GROUPS[group][1] if group in GROUPS else ()
    return [verb.value for verb in V if subject_of(verb.value) in subjects]


# How a target is named when its label says nothing ("TaxForm object (2)").
TARGET_NOUNS: dict[str, str] = {
    "payments.taxform": "a tax form",
    "payments.paymentschedule": "the payment schedule",
    "tracking.metricrecord": "a metrics record",
}
