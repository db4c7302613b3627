"""What each audit verb says, as the words after the actor's name: "Ivy ISM *confirmed Maya
Moves in Summit Trail*". ``{target}`` is the event's target as it was named then. Every
``AuditVerb`` has a phrase (a test fails otherwise), and each verb belongs to one group, the
"what" of the audit page's filter."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from influencer_ops.audit import AuditVerb as V

PHRASES: dict[V, str] = {
    V.ORGANIZATION_CREATED: N_("created the organization {target}"),
    V.ORGANIZATION_SETTINGS_CHANGED: N_("changed the settings of {target}"),
    V.MEMBERSHIP_REMOVED: N_("removed a member from the team: {target}"),
    V.MEMBERSHIP_ROLE_CHANGED: N_("changed the role and brands of {target}"),
    V.INVITATION_ACCEPTED: N_("joined the team: {target} accepted"),
    V.INVITATION_CREATED: N_("invited a new team member: {target}"),
    V.INVITATION_REVOKED: N_("revoked a team invitation: {target}"),
    V.BRAND_CREATED: N_("added the brand {target}"),
    V.BRAND_RENAMED: N_("renamed a brand to {target}"),
    V.CREATOR_AVAILABILITY_ADDED: N_("recorded time away for a creator: {target}"),
    V.CREATOR_AVAILABILITY_REMOVED: N_("removed time away of a creator: {target}"),
    V.CREATOR_CREATED: N_("added the creator {target}"),
    V.CREATOR_HANDLE_REMOVED: N_("removed a social handle: {target}"),
    V.CREATOR_HANDLE_SET: N_("set a social handle: {target}"),
    V.CREATOR_INTEREST_ADDED: N_("noted a creator's interest in {target}"),
    V.CREATOR_INTEREST_REMOVED: N_("removed a creator's interest in {target}"),
    V.CREATOR_MILESTONE_CHANGED: N_("changed the click milestone of {target}"),
    V.CREATOR_PAYOUT_READY: N_("updated whether {target} can be paid"),
    V.CREATOR_PORTAL_INVITED: N_("invited a creator to the portal: {target}"),
    V.CREATOR_PORTAL_LINKED: N_("linked a portal sign-in to {target}"),
    V.CREATOR_PROFILE_UPDATED_BY_CREATOR: N_("updated their own profile: {target}"),
    V.CREATOR_UPDATED: N_("updated the profile of {target}"),
    V.CREATORS_IMPORTED: N_("imported creators from a CSV file into {target}"),
    V.REQUEST_CREATED: N_("sent a request: {target}"),
    V.TASK_SLA_CHANGED: N_("changed the due times of tasks in {target}"),
    V.TASK_REMEDY_RECORDED: N_("recorded a remedy on the task {target}"),
    V.PROGRAM_CREATED: N_("created the program {target}"),
    V.PROGRAM_UPDATED: N_("changed the brief of {target}"),
    V.PROGRAM_CLONED: N_("cloned {target}"),
    V.PROGRAM_DRAFT: N_("moved {target} back to draft"),
    V.PROGRAM_RECRUITING: N_("opened recruiting for {target}"),
    V.PROGRAM_LAUNCHED: N_("launched {target}"),
    V.PROGRAM_COMPLETED: N_("marked {target} completed"),
    V.PROGRAM_CLOSED: N_("closed {target}"),
    V.PROGRAM_CANCELLED: N_("cancelled {target}"),
    V.PROGRAM_DELIVERABLE_ADDED: N_("added a deliverable to {target}"),
    V.PROGRAM_DELIVERABLE_REMOVED: N_("removed a deliverable from {target}"),
    V.PROGRAM_DUE_DATES_SHIFTED: N_("moved due dates in {target}"),
    V.ENROLLMENT_INVITED: N_("invited {target}"),
    V.ENROLLMENT_WAITLISTED: N_("put {target} on the waitlist"),
    V.ENROLLMENT_PROMOTED: N_("moved {target} up from the waitlist"),
    V.ENROLLMENT_ACCEPTED: N_("accepted the invitation: {target}"),
    V.ENROLLMENT_DECLINED: N_("declined the invitation: {target}"),
    V.ENROLLMENT_EXPIRED: N_("recorded that the invitation expired: {target}"),
    V.ENROLLMENT_CONFIRMED: N_("confirmed {target}"),
    V.ENROLLMENT_ACTIVE: N_("started the collaboration: {target}"),
    V.ENROLLMENT_COMPLETED: N_("completed {target}"),
    V.ENROLLMENT_WITHDRAWN: N_("withdrew the place of {target}"),
    V.ENROLLMENT_TERMINATED: N_("ended the collaboration: {target}"),
    V.TERMS_AMENDED: N_("sent new terms: {target}"),
    V.TERMS_ACCEPTED: N_("accepted the terms: {target}"),
    V.DELIVERABLE_PUBLISHED: N_("published {target}"),
    V.DELIVERABLES_CANCELLED: N_("cancelled the deliverables still owed: {target}"),
    V.SUBMISSION_CREATED: N_("submitted a draft: {target}"),
    V.SUBMISSION_REVIEWED: N_("reviewed a draft: {target}"),
    V.SUBMISSION_AUTO_APPROVED: N_("auto-approved a draft: {target}"),
    V.EXTENSION_REQUESTED: N_("asked for more time: {target}"),
    V.EXTENSION_PENDING: N_("sent an extension request for a decision: {target}"),
    V.EXTENSION_APPROVED: N_("granted more time: {target}"),
    V.EXTENSION_DENIED: N_("did not grant more time: {target}"),
    V.EXTENSION_CANCELLED: N_("cancelled an extension request: {target}"),
    V.CASE_OPENED: N_("opened a case: {target}"),
    V.CASE_MESSAGE: N_("sent a message on a case: {target}"),
    V.CASE_WARNING: N_("gave a formal warning on a case: {target}"),
    V.CASE_REMEDY: N_("set a remedy on a case: {target}"),
    V.CASE_TERMS_AMENDMENT: N_("amended the terms on a case: {target}"),
    V.CASE_ESCALATION: N_("escalated a case to the admins: {target}"),
    V.CASE_NOTE: N_("added an internal note to a case: {target}"),
    V.CASE_CREATOR_RESPONSE: N_("answered a case: {target}"),
    V.CASE_TERMINATE: N_("ended the collaboration on a case: {target}"),
    V.CASE_CLOSE: N_("closed a case: {target}"),
    V.AMOUNT_OWED_RECORDED: N_("recorded what is still owed: {target}"),
    V.TRACKED_LINK_DEACTIVATED: N_("switched off the tracked link {target}"),
    V.METRIC_RECORDED: N_("recorded reach and engagement: {target}"),
    V.METRICS_IMPORTED: N_("imported reach and engagement from a CSV file into {target}"),
    V.ORDERS_RECEIVED: N_("received orders: {target}"),
    V.ORDER_REFUNDED: N_("recorded a refund of order {target}"),
    V.COMMISSION_EARNED: N_("recorded a commission as earned: {target}"),
    V.COMMISSION_REDUCED: N_("reduced a commission after a refund: {target}"),
    V.COMMISSION_REVERSED: N_("reversed a commission after a refund: {target}"),
    V.COMMISSION_CLAWED_BACK: N_("clawed back a paid commission after a refund: {target}"),
    V.COMMISSION_CLAWBACK_SETTLED: N_("took a clawed-back commission off a payout: {target}"),
    V.DISCOUNT_CODE_ADDED: N_("added the discount code {target}"),
    V.DISCOUNT_CODE_DEACTIVATED: N_("deactivated the discount code {target}"),
    V.COMMERCE_SETTINGS_CHANGED: N_("changed the order settings"),
    V.COMMERCE_SECRET_ROTATED: N_("made a new secret for the order webhook"),
    V.PAYOUT_EARNED: N_("recorded a payout as earned: {target}"),
    V.PAYOUT_ADJUSTED: N_("corrected a payout: {target}"),
    V.PAYOUT_SCHEDULED: N_("scheduled a payout: {target}"),
    V.PAYOUT_PROCESSING: N_("sent a payout to the provider: {target}"),
    V.PAYOUT_PAID: N_("paid {target}"),
    V.PAYOUT_FAILED: N_("recorded a failed payment: {target}"),
    V.PAYOUT_ON_HOLD: N_("put a payout on hold: {target}"),
    V.PAYOUT_CANCELLED: N_("cancelled a payout: {target}"),
    V.PAYOUT_DETAILS_SET: N_("set payout details: {target}"),
    V.PAYMENT_RUN_STARTED: N_("started {target}"),
    V.PAYMENT_RUN_AWAITING_APPROVAL: N_("sent {target} for approval"),
    V.PAYMENT_RUN_AWAITING_CONFIRMATION: N_(
        "marked {target} as awaiting the provider's confirmation"
    ),
    V.PAYMENT_RUN_PROCESSING: N_("sent {target} to the provider"),
    V.PAYMENT_RUN_COMPLETED: N_("completed {target}"),
    V.PAYMENT_RUN_CANCELLED: N_("cancelled {target}"),
    V.PAYMENT_SCHEDULE_UPDATED: N_("changed the payment schedule: {target}"),
    V.TAX_FORM_SUBMITTED: N_("submitted {target}"),
    V.TAX_FORM_RECEIVED: N_("recorded {target} as received"),
    V.TAX_FORM_VERIFIED: N_("verified {target}"),
    V.TAX_FORM_REJECTED: N_("rejected {target}"),
    V.API_TOKEN_CREATED: N_("created an {target}"),
    V.API_TOKEN_REVOKED: N_("revoked an {target}"),
    V.CALENDAR_FEED_ROTATED: N_("made a new secret address for {target}"),
    V.CREATOR_ERASED: N_("had their personal data erased, at their request: {target}"),
    V.TASK_CLAIMED: N_("claimed the task {target}"),
    V.TASK_ASSIGNED: N_("assigned the task {target}"),
    V.WEBHOOK_ENDPOINT_CREATED: N_("registered the webhook endpoint {target}"),
    V.WEBHOOK_ENDPOINT_UPDATED: N_("changed the webhook endpoint {target}"),
    V.WEBHOOK_ENDPOINT_DELETED: N_("deleted the webhook endpoint {target}"),
    V.WEBHOOK_ENDPOINT_SECRET_ROTATED: N_("rotated the signing secret of the webhook {target}"),
    V.WEBHOOK_ENDPOINT_DISABLED: N_("disabled the webhook {target} after 24 hours of failures"),
}

# The "what" filter of the audit page: each group is the verbs of some subjects (the part of
# the verb before the dot), in the order the filter lists them.
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "team": (
        N_("Organization and team"),
        ("organization", "membership", "invitation", "brand", "api_token", "calendar_feed"),
    ),
    "creators": (N_("Creators"), ("creator", "creators")),
    "requests": (N_("Requests and tasks"), ("request", "task_sla", "task")),
    "programs": (N_("Programs"), ("program",)),
    "enrollments": (N_("Invitations, places and terms"), ("enrollment", "terms")),
    "content": (
        N_("Content and deadlines"),
        ("deliverable", "deliverables", "submission", "extension"),
    ),
    "cases": (N_("Cases"), ("case", "amount_owed")),
    "tracking": (N_("Links and metrics"), ("tracked_link", "metric", "metrics")),
    "payouts": (N_("Payouts and tax forms"), ("payout", "payout_details", "tax_form")),
    "runs": (N_("Payment runs and schedule"), ("payment_run", "payment_schedule")),
    "commerce": (
        N_("Orders and commission"),
        ("orders", "order", "commission", "discount_code", "commerce_settings"),
    ),
    "integrations": (N_("Webhooks"), ("webhook_endpoint",)),
}


def subject_of(verb: str) -> str:
    return verb.partition(".")[0]


def group_verbs(group: str) -> list[str]:
    """Every verb of a group (an unknown group has none)."""
    subjects = GROUPS[group][1] if group in GROUPS else ()
    return [verb.value for verb in V if subject_of(verb.value) in subjects]


# How a target is named when its label says nothing ("TaxForm object (2)").
TARGET_NOUNS: dict[str, str] = {
    "payments.taxform": N_("a tax form"),
    "payments.paymentschedule": N_("the payment schedule"),
    "tracking.metricrecord": N_("a metrics record"),
}
