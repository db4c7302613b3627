"""Threads (one per enrollment; program announcements) and plain-text messages."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.errors import DomainError, Forbidden
from messaging.kinds import ACTIVE_TASK_STATES, NotificationKind
from messaging.models import Message, Task, Thread, ThreadRead
from messaging.services import notifications
from messaging.services.queue import task_complete
from organizations.models import Membership
from organizations.roles import Role
from programs.models import Enrollment

MAX_MESSAGE = 5000


def clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(gettext("Write a message first."))
    if len(text) > MAX_MESSAGE:
        raise DomainError(
            gettext("A message has at most %(MAX_MESSAGE)s characters.")
            % {"MAX_MESSAGE": MAX_MESSAGE}
        )
    return text


def thread_for_enrollment(*, enrollment: Any) -> Thread:
    """The enrollment's thread, opened on first use."""
    thread, _ = Thread.objects.get_or_create(
        organization_id=enrollment.organization_id,
        enrollment=enrollment,
        defaults={
            "kind": Thread.Kind.ENROLLMENT,
            "program": enrollment.program,
            "title": f"{enrollment.creator.display_name} · {enrollment.program.name}",
        },
    )
    return thread


@transaction.atomic
def announcement_create(
    *, program: Any, actor: Any, title: str, text: str, replies_allowed: bool = False
) -> Thread:
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise DomainError(gettext("An announcement needs a title of at most 200 characters."))
    thread = Thread.objects.create(
        organization_id=program.organization_id,
        kind=Thread.Kind.ANNOUNCEMENT,
        program=program,
        title=title,
        replies_allowed=replies_allowed,
    )
    message_post(thread=thread, author=actor, text=text, from_creator=False)
    return thread


def _staff_url(thread: Thread) -> str:
    return reverse("desk_thread", kwargs={"org_slug": thread.organization.slug, "pk": thread.pk})


def _creator_url(thread: Thread) -> str:
    return reverse("portal_thread", kwargs={"pk": thread.pk})


def _thread_creators(thread: Thread) -> list[Any]:
    if thread.kind == Thread.Kind.ENROLLMENT:
        assert thread.enrollment is not None
        user = thread.enrollment.creator.user
        return [user] if user is not None else []

    return [
        e.creator.user
        for e in Enrollment.objects.select_related("creator__user")
        .filter(
            organization_id=thread.organization_id,
            program=thread.program,
            creator__user__isnull=False,
        )
        .exclude(state__in=["declined", "expired", "withdrawn"])
    ]


def _thread_staff(thread: Thread) -> list[Any]:
    """Who hears about a creator's message: the owners of its open requests, else the team
    assigned to the enrollment/program for its current phase, else that role's members."""
    tasks = Task.objects.select_related("assignee").filter(
        organization_id=thread.organization_id,
        source_request__thread=thread,
        state__in=ACTIVE_TASK_STATES,
    )
    people = {t.assignee for t in tasks if t.assignee is not None}
    roles = {t.owner_role for t in tasks if t.assignee is None}
    if not tasks:
        program = thread.program
        launched = program is not None and program.launched_at is not None
        role = Role.BSM if launched else Role.ISM
        field = "assigned_bsm" if launched else "assigned_ism"
        person = getattr(thread.enrollment, field, None) or getattr(program, field, None)
        if person is not None:
            people.add(person)
        else:
            roles.add(role)
    if roles:
        people.update(
            m.user
            for m in Membership.objects.select_related("user").filter(
                organization_id=thread.organization_id, role__in=roles
            )
        )
    return list(people)


@transaction.atomic
def message_post(
    *,
    thread: Thread,
    author: Any,
    text: str,
    from_creator: bool,
    request: Any | None = None,
    resolve: bool = False,
) -> Message:
    """Post a message. A creator may not reply where replies are off. A staff reply with
    ``resolve`` completes the thread's open request tasks with the reply as resolution."""
    text = clean_text(text)
    if from_creator and thread.kind == Thread.Kind.ANNOUNCEMENT and not thread.replies_allowed:
        raise Forbidden(gettext("Replies are off for this announcement."))
    message = Message.objects.create(
        organization_id=thread.organization_id,
        thread=thread,
        author=author,
        from_creator=from_creator,
        text=text,
        request=request,
    )
    Thread.objects.filter(pk=thread.pk).update(last_message_at=message.created_at)
    thread_mark_read(thread=thread, user=author)
    if not from_creator:  # the team's first reply answers the thread's open requests
        Task.objects.filter(
            organization_id=thread.organization_id,
            source_request__thread=thread,
            state__in=ACTIVE_TASK_STATES,
            first_answered_at__isnull=True,
        ).update(first_answered_at=message.created_at)
    if from_creator:
        recipients = _thread_staff(thread)
        url = _staff_url(thread)
    else:
        recipients = _thread_creators(thread)
        url = _creator_url(thread)
    kind = (
        NotificationKind.ANNOUNCEMENT
        if thread.kind == Thread.Kind.ANNOUNCEMENT
        else NotificationKind.NEW_MESSAGE
    )
    notifications.notify_many(
        recipients=[r for r in recipients if r.pk != author.pk],
        organization=thread.organization,
        kind=kind,
        event_key=f"message:{message.pk}",
        title=gettext("%(display_name)s wrote in “%(title)s”")
        % {"display_name": author.display_name, "title": thread.title},
        body=text[:500],
        url=url,
    )
    if resolve and not from_creator:
        for task in Task.objects.filter(
            organization_id=thread.organization_id,
            source_request__thread=thread,
            state__in=ACTIVE_TASK_STATES,
        ):
            task_complete(task=task, actor=author, resolution=text)
    return message


def thread_mark_read(*, thread: Thread, user: Any) -> None:
    ThreadRead.objects.update_or_create(
        organization_id=thread.organization_id,
        thread=thread,
        user=user,
        defaults={"last_read_at": timezone.now()},
    )
