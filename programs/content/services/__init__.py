"""Content after launch: the creator submits versions of a deliverable, the brand's approvers
review them (the disclosure check runs on each), and the creator records the live URL.

Services are keyword-only and atomic, change a deliverable's state only through
``DELIVERABLE_TRANSITIONS``, write an audit event, and tell the other side. One module a
responsibility; the names callers use are re-exported here. The reads are in
``programs.content.selectors``.
"""

from programs.content.services.bulk import (
    BULK_APPROVE_MAX,
    ApprovalsRefused,
    reviews_bulk_approve,
)
from programs.content.services.common import (
    APPROVING,
    DELIVERABLE_TRANSITIONS,
    NEEDS_COMMENT,
    deliverable_move,
    disclosure_rule_for,
)
from programs.content.services.publishing import deliverable_publish
from programs.content.services.reviews import SweepResult, review_create, review_sla_sweep
from programs.content.services.submissions import submission_create

__all__ = [
    "APPROVING",
    "BULK_APPROVE_MAX",
    "DELIVERABLE_TRANSITIONS",
    "NEEDS_COMMENT",
    "ApprovalsRefused",
    "SweepResult",
    "deliverable_move",
    "deliverable_publish",
    "disclosure_rule_for",
    "review_create",
    "review_sla_sweep",
    "reviews_bulk_approve",
    "submission_create",
]
