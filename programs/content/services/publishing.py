"""The creator records where the approved content went live; the last deliverable owed going
live earns the flat fee."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict
from influencer_ops.validation import CAPTION_MAX_LENGTH
from messaging.kinds import NotificationKind
from messaging.services import notifications
from payments.earning import payout_earn_flat_fee
from programs.content.disclosure import check_disclosure
from programs.content.services.common import (
    DELIVERABLE_TRANSITIONS,
    approvers,
    clean_text_of,
    clean_web_url,
    deliverable_label,
    deliverable_move,
    disclosure_rule_for,
    lock_deliverable,
    require_own,
    staff_url,
)
from programs.models import Deliverable, DeliverableState
from programs.states import ENDED_STATES, check_transition


@transaction.atomic
def deliverable_publish(
    *, deliverable: Deliverable, user: Any, live_url: str, caption: str = ""
) -> Deliverable:
    """The creator records where the approved content went live. The disclosure check runs on
    the published caption and is recorded (a failure is shown, it does not block)."""
    locked = lock_deliverable(deliverable.pk)
    require_own(locked, user)
    if locked.enrollment.state in ENDED_STATES:
        raise Conflict(
            gettext("Your place in %(name)s is %(lower)s.")
            % {"name": locked.program.name, "lower": locked.enrollment.get_state_display().lower()}
        )
    check_transition(
        DELIVERABLE_TRANSITIONS, locked.state, DeliverableState.PUBLISHED, "deliverable"
    )
    live_url = clean_web_url(live_url, gettext("The live URL"))
    caption = clean_text_of(caption, CAPTION_MAX_LENGTH, gettext("The caption"))
    result = check_disclosure(caption, disclosure_rule_for(locked))
    deliverable_move(locked, DeliverableState.PUBLISHED)
    locked.live_url = live_url
    locked.published_caption = caption
    locked.published_disclosure_passed = result.passed
    locked.published_disclosure_matches = result.matches
    locked.published_at = timezone.now()
    locked.save(
        update_fields=[
            "state",
            "live_url",
            "published_caption",
            "published_disclosure_passed",
            "published_disclosure_matches",
            "published_at",
        ]
    )
    audit_record(
        organization=locked.organization,
        actor=user,
        verb=AuditVerb.DELIVERABLE_PUBLISHED,
        target=locked,
        before={"state": DeliverableState.APPROVED},
        after={"live_url": live_url, "disclosure_passed": result.passed},
    )
    # The last deliverable owed going live earns the flat fee (once; the service checks).
    payout_earn_flat_fee(enrollment=locked.enrollment, actor=user)
    program = locked.program
    bsm = locked.enrollment.assigned_bsm or program.assigned_bsm
    notifications.notify_many(
        recipients=[*approvers(program), bsm],
        organization=locked.organization,
        kind=NotificationKind.ANNOUNCEMENT,
        event_key=f"deliverable:{locked.pk}:published",
        title=gettext("Live: %(display_name)s's %(deliverable_label)s")
        % {
            "display_name": locked.enrollment.creator.display_name,
            "deliverable_label": deliverable_label(locked),
        },
        body=f"{program.name} · {live_url}"
        + ("" if result.passed else " · the published caption fails the disclosure check"),
        url=staff_url(locked),
    )
    return locked
