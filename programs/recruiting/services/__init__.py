"""Recruiting writes (the ISM phase): invitations with a terms snapshot, the waitlist,
acceptance and decline by the creator, confirmation, amendments, and invitation expiry.

- ``invitations``: inviting (and the waitlist), the creator's answers, expiry;
- ``terms``: the snapshot, its versions and amendments;
- ``enrollments``: the team confirms or withdraws a place;
- ``places``: the steps they share (lock, move, ownership, notifying the creator).
"""

from programs.recruiting.services.enrollments import (
    enrollment_confirm,
    enrollment_move,
    enrollment_withdraw,
    open_milestone_correction,
)
from programs.recruiting.services.invitations import (
    DEFAULT_INVITATION_DAYS,
    enrollment_invite,
    expire_invitations,
    invitation_accept,
    invitation_decline,
    promote_waitlist,
    terms_accept,
    unavailable_reason,
)
from programs.recruiting.services.milestones import creator_milestone_correct
from programs.recruiting.services.terms import AMENDABLE, latest_terms, terms_amend, terms_snapshot
from programs.states import PLACE_HOLDING_STATES

__all__ = [
    "AMENDABLE",
    "DEFAULT_INVITATION_DAYS",
    "PLACE_HOLDING_STATES",
    "creator_milestone_correct",
    "enrollment_confirm",
    "enrollment_invite",
    "enrollment_move",
    "enrollment_withdraw",
    "expire_invitations",
    "invitation_accept",
    "invitation_decline",
    "latest_terms",
    "open_milestone_correction",
    "promote_waitlist",
    "terms_accept",
    "terms_amend",
    "terms_snapshot",
    "unavailable_reason",
]
