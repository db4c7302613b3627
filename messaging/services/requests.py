"""A creator raises a request: routed to exactly one owner, with a task and a thread."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import DomainError
from messaging.kinds import TaskKind, Topic
from messaging.models import Request
from messaging.routing import route
from messaging.services.queue import task_create
from messaging.services.threads import clean_text, message_post, thread_for_enrollment


@transaction.atomic
def request_create(
    *,
    creator: Any,
    user: Any,
    topic: str,
    text: str,
    enrollment: Any | None = None,
    payout: Any | None = None,
) -> Request:
    """Record the request, route it (role, person or team queue, reason), open its task and
    post it in the enrollment's thread. ``creator`` must be ``user``'s own profile. A
    compensation question may name one of the creator's payouts: it is then about that
    payout's enrollment (and routed by its program)."""
    if creator.user_id != user.pk:
        raise DomainError(gettext("You can only raise requests for yourself."))
    if topic not in Topic.values:
        raise DomainError(gettext("Unknown topic “%(topic)s”.") % {"topic": topic})
    text = clean_text(text)
    if enrollment is not None and enrollment.creator_id != creator.pk:
        raise DomainError(gettext("That enrollment is not yours."))
    if payout is not None:
        if topic != Topic.COMPENSATION:
            raise DomainError(gettext("Pick a payout only for a compensation question."))
        if payout.creator_id != creator.pk:
            raise DomainError(gettext("That payout is not yours."))
        enrollment = payout.enrollment
    program = enrollment.program if enrollment is not None else None
    decision = route(topic=topic, program=program, enrollment=enrollment, creator=creator)
    thread = thread_for_enrollment(enrollment=enrollment) if enrollment is not None else None
    request = Request.objects.create(
        organization_id=creator.organization_id,
        creator=creator,
        enrollment=enrollment,
        payout=payout,
        topic=topic,
        text=text,
        routed_role=decision.role,
        routing_reason=decision.reason,
        thread=thread,
        created_by=user,
    )
    subject = f" about {program.name}" if program is not None else ""
    task_create(
        organization=creator.organization,
        kind=TaskKind.CREATOR_REQUEST,
        title=f"{Topic(topic).label.split(' (')[0]} — {creator.display_name}{subject}",
        owner_role=decision.role,
        assignee=decision.assignee,
        program=program,
        enrollment=enrollment,
        creator=creator,
        source_request=request,
        dedupe_key=f"request:{request.pk}",
        actor=user,
        note=decision.reason,
    )
    if thread is not None:
        message_post(thread=thread, author=user, text=text, from_creator=True, request=request)
    audit_record(
        organization=creator.organization,
        actor=user,
        verb=AuditVerb.REQUEST_CREATED,
        target=request,
        after={"topic": topic, "routed_role": decision.role, "reason": decision.reason},
    )
    return request
