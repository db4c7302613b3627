"""Tasks, requests, threads and messages, notifications."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from messaging.kinds import NotificationKind, OwnerRole, TaskKind, Topic
from messaging.models import (
    Message,
    Notification,
    NotificationPreference,
    Request,
    Task,
    TaskEvent,
    TaskSLA,
    TaskTotal,
    Thread,
    ThreadRead,
)
from tests.factories.base import TenantFactory, same_org
from tests.factories.influencers import CreatorProfileFactory
from tests.factories.organizations import OrganizationFactory, UserFactory
from tests.factories.programs import EnrollmentFactory


class TaskSLAFactory(TenantFactory[TaskSLA]):
    class Meta:
        model = TaskSLA

    organization = factory.SubFactory(OrganizationFactory)
    kind = TaskKind.CREATOR_REQUEST
    hours = 24


class ThreadFactory(TenantFactory[Thread]):
    """An enrollment's thread."""

    class Meta:
        model = Thread

    organization = factory.SubFactory(OrganizationFactory)
    kind = Thread.Kind.ENROLLMENT
    enrollment = same_org(EnrollmentFactory)
    title = factory.SelfAttribute("enrollment.program.name")


class RequestFactory(TenantFactory[Request]):
    class Meta:
        model = Request

    organization = factory.SubFactory(OrganizationFactory)
    creator = same_org(CreatorProfileFactory)
    topic = Topic.PROGRAM_REQUEST
    text = "Any skincare programs this spring?"
    routed_role = OwnerRole.ISM
    routing_reason = "Programs I want go to the creator's ISM."
    created_by = factory.LazyAttribute(lambda o: o.creator.user or UserFactory())


class TaskTotalFactory(TenantFactory[TaskTotal]):
    """A totals row as the database's triggers keep it (the app never writes one)."""

    class Meta:
        model = TaskTotal

    organization = factory.SubFactory(OrganizationFactory)
    owner_role = OwnerRole.ISM
    state = "done"


class TaskFactory(TenantFactory[Task]):
    """An open task for the ISMs, due in a day."""

    class Meta:
        model = Task

    organization = factory.SubFactory(OrganizationFactory)
    kind = TaskKind.CREATOR_REQUEST
    title = factory.Sequence(lambda n: f"Task {n}")
    owner_role = OwnerRole.ISM
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))


class TaskEventFactory(TenantFactory[TaskEvent]):
    class Meta:
        model = TaskEvent

    organization = factory.SubFactory(OrganizationFactory)
    task = same_org(TaskFactory)
    verb = "created"


class MessageFactory(TenantFactory[Message]):
    class Meta:
        model = Message

    organization = factory.SubFactory(OrganizationFactory)
    thread = same_org(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    text = "Hello!"


class ThreadReadFactory(TenantFactory[ThreadRead]):
    class Meta:
        model = ThreadRead

    organization = factory.SubFactory(OrganizationFactory)
    thread = same_org(ThreadFactory)
    user = factory.SubFactory(UserFactory)
    last_read_at = factory.LazyFunction(timezone.now)


class NotificationFactory(TenantFactory[Notification]):
    class Meta:
        model = Notification

    organization = factory.SubFactory(OrganizationFactory)
    recipient = factory.SubFactory(UserFactory)
    kind = NotificationKind.TASK_ASSIGNED
    event_key = factory.Sequence(lambda n: f"event:{n}")
    title = "A task lands in your queue"


class NotificationPreferenceFactory(factory.django.DjangoModelFactory[NotificationPreference]):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    kind = NotificationKind.TASK_ASSIGNED
