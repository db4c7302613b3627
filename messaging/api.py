"""REST endpoints of the messaging app: thin; the same services and selectors as the pages.

Staff endpoints live under /api/v1/orgs/<slug>/ (``OrgScopedViewSet``: membership, MFA, role).
Creator endpoints live under /api/v1/me/ (``CreatorScopedViewSet``: the creator's own orgs).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions as api_exceptions
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request as ApiRequest
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from influencer_ops.pagination import cursor_pagination
from influencers.access import CreatorScopedViewSet
from influencers.models import CreatorProfile
from messaging import selectors
from messaging.models import Request, Task, Thread
from messaging.selectors import TaskFilters
from messaging.serializers import (
    CreatorRequestCreateSerializer,
    CreatorRequestSerializer,
    CreatorThreadSerializer,
    MessageCreateSerializer,
    MessageSerializer,
    StaffMessageCreateSerializer,
    TaskBulkResultSerializer,
    TaskBulkSerializer,
    TaskCompleteSerializer,
    TaskDetailSerializer,
    TaskFilterSerializer,
    TaskReassignSerializer,
    TaskSerializer,
    ThreadSerializer,
)
from messaging.services import bulk, queue, requests, threads
from organizations import permissions
from organizations.access import OrgScopedViewSet
from payments.payouts.selectors import creator_payout


def _validated(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    payload = serializer_class(data=data)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


# A thread's messages, oldest first, by cursor (a thread may hold thousands).
MESSAGE_PAGINATION = cursor_pagination("created_at", "id")


def _message_list(view: GenericViewSet, thread: Thread) -> Response:
    page = view.paginate_queryset(selectors.thread_messages(thread=thread))
    return view.get_paginated_response(MessageSerializer(page, many=True).data)


# --- staff: the task queue and threads (desk roles only) ---


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """The desk's tasks: of the member's own desk roles only (admins see ISM and BSM work)."""

    serializer_class = TaskSerializer
    queryset = Task.objects.none()
    capabilities = {"*": permissions.can_use_desk}
    pagination_class = cursor_pagination("due_at", "id")

    def get_org_queryset(self) -> QuerySet[Task]:
        if self.action == "list":
            params = _validated(TaskFilterSerializer, self.request.query_params)
            filters = TaskFilters(
                kind=params.get("kind", ""),
                state=params.get("state", ""),
                program_id=params.get("program"),
                overdue=params["overdue"],
            )
            return selectors.task_list_for_api(
                membership=self.membership, filters=filters, scope=params.get("scope", "")
            )
        return selectors.task_detail_for_desk(membership=self.membership)

    def get_serializer_class(self) -> type[TaskSerializer]:
        return TaskSerializer if self.action == "list" else TaskDetailSerializer

    def _detail(self) -> Response:
        task = self.get_object()
        history = selectors.task_history(task=task)
        return Response(TaskDetailSerializer(task, context={"history": history}).data)

    @extend_schema(parameters=[TaskFilterSerializer])
    def list(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        return self._detail()

    @extend_schema(request=None, responses=TaskDetailSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        queue.task_claim(task=self.get_object(), membership=self.membership)
        return self._detail()

    @extend_schema(request=TaskCompleteSerializer, responses=TaskDetailSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        payload = _validated(TaskCompleteSerializer, request.data)
        queue.task_complete(
            task=self.get_object(),
            actor=request.user,
            resolution=payload["resolution"],
            membership=self.membership,
        )
        return self._detail()

    @extend_schema(request=TaskReassignSerializer, responses=TaskDetailSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        payload = _validated(TaskReassignSerializer, request.data)
        task = self.get_object()
        queue.task_reassign(
            task=task,
            membership=self.membership,
            assignee=self._assignee(task, payload["assignee"]),
            note=payload["note"],
        )
        return self._detail()

    @extend_schema(request=TaskBulkSerializer, responses=TaskBulkResultSerializer)
    @action(detail=False, methods=["post"])
    def bulk(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        """Claim or assign several tasks at once, all or none (the desk's bulk bar). Another
        org's or a missing task: 404. A task of another team than the assignee's: 400, and
        one someone else works on (claim): 409, each with ``refusals`` naming the tasks.
        Closed tasks are skipped and listed in ``skipped_closed``."""
        payload = _validated(TaskBulkSerializer, request.data)
        try:
            result = bulk.tasks_bulk(
                membership=self.membership,
                action=payload["action"],
                task_ids=payload["ids"],
                assignee_id=payload["assignee"],
            )
        except bulk.TasksRefused as exc:
            body = {"detail": str(exc), "refusals": exc.refusals}
            return Response(body, status=exc.status_code)
        return Response(
            {
                "action": result.action,
                "changed": [t.pk for t in result.changed],
                "unchanged": [t.pk for t in result.unchanged],
                "skipped_closed": [t.pk for t in result.closed],
                "message": result.message(),
            }
        )

    def _assignee(self, task: Task, user_id: int | None) -> Any | None:
        if user_id is None:
            return None
        found = selectors.assignable_members(task=task).filter(user_id=user_id).first()
        if found is None:
            team = task.get_owner_role_display()
            raise api_exceptions.ValidationError(
                {"assignee": [f"The task can only go to a member of the {team} team."]}
            )
        return found.user


class ThreadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """The org's threads with the caller's unread counts, and their messages."""

    serializer_class = ThreadSerializer
    queryset = Thread.objects.none()
    capabilities = {"*": permissions.can_use_desk}

    def get_org_queryset(self) -> QuerySet[Thread]:
        return selectors.thread_list_for_staff(
            organization=self.organization, user=self.request.user
        )

    @extend_schema(methods=["GET"], responses=MessageSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=StaffMessageCreateSerializer,
        responses={201: MessageSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="messages",
        pagination_class=MESSAGE_PAGINATION,
    )
    def messages(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        thread = self.get_object()
        if request.method != "POST":
            return _message_list(self, thread)
        payload = _validated(StaffMessageCreateSerializer, request.data)
        message = threads.message_post(
            thread=thread,
            author=request.user,
            text=payload["text"],
            from_creator=False,
            resolve=payload["resolve"],
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


# --- creators: their own requests and threads, across the orgs they work with ---


class CreatorRequestViewSet(mixins.ListModelMixin, CreatorScopedViewSet):
    """The creator's requests: who has each one and why; raising a new one routes it."""

    serializer_class = CreatorRequestSerializer
    queryset = Request.objects.none()

    def get_creator_queryset(self) -> QuerySet[Request]:
        return selectors.creator_requests(user=self.request.user)

    @extend_schema(
        request=CreatorRequestCreateSerializer, responses={201: CreatorRequestSerializer}
    )
    def create(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        payload = _validated(CreatorRequestCreateSerializer, request.data)
        payout = None
        enrollment: Any | None
        creator: Any
        if payload["payout"] is not None:
            payout = creator_payout(user=request.user, pk=payload["payout"])
            if payout is None:
                raise api_exceptions.NotFound(gettext("No such payout."))
            enrollment, creator = payout.enrollment, payout.creator
        else:
            enrollment, creator = self._subject(payload["enrollment"], payload["organization"])
        created = requests.request_create(
            creator=creator,
            user=request.user,
            topic=payload["topic"],
            text=payload["text"],
            enrollment=enrollment,
            payout=payout,
        )
        fresh = self.get_queryset().get(pk=created.pk)
        return Response(CreatorRequestSerializer(fresh).data, status=status.HTTP_201_CREATED)

    def _subject(self, enrollment_id: int | None, slug: str) -> tuple[Any | None, CreatorProfile]:
        """(enrollment, creator profile) the request is about; 404 for someone else's
        enrollment, 400 when the organization is ambiguous or not one of the creator's."""
        if enrollment_id is not None:
            enrollment = selectors.creator_enrollment(
                user=self.request.user, enrollment_id=enrollment_id
            )
            if enrollment is None:
                raise api_exceptions.NotFound(gettext("No such enrollment."))
            if slug and slug != enrollment.organization.slug:
                raise api_exceptions.ValidationError(
                    {"organization": ["The enrollment belongs to another organization."]}
                )
            return enrollment, enrollment.creator
        profiles = [p for p in self.creator_profiles if not slug or p.organization.slug == slug]
        if slug and not profiles:
            raise api_exceptions.ValidationError(
                {"organization": ["You do not work with this organization."]}
            )
        if not profiles:
            raise api_exceptions.ValidationError(
                {"organization": ["You can ask questions once an organization works with you."]}
            )
        if len(profiles) > 1:
            raise api_exceptions.ValidationError(
                {"organization": ["You work with several organizations: say which one."]}
            )
        return None, profiles[0]


class CreatorThreadViewSet(mixins.ListModelMixin, CreatorScopedViewSet):
    """The creator's enrollment threads and the announcements of their programs."""

    serializer_class = CreatorThreadSerializer
    queryset = Thread.objects.none()

    def get_creator_queryset(self) -> QuerySet[Thread]:
        return selectors.creator_threads(user=self.request.user)

    def get_object(self) -> Thread:
        thread = selectors.creator_thread(
            user=self.request.user, thread_id=int(self.kwargs[self.lookup_field])
        )
        if thread is None:  # missing and not-yours alike
            raise api_exceptions.NotFound(gettext("Not found."))
        return thread

    @extend_schema(methods=["GET"], responses=MessageSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=MessageCreateSerializer, responses={201: MessageSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="messages",
        pagination_class=MESSAGE_PAGINATION,
    )
    def messages(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        thread = self.get_object()
        if request.method != "POST":
            return _message_list(self, thread)
        payload = _validated(MessageCreateSerializer, request.data)
        message = threads.message_post(
            thread=thread, author=request.user, text=payload["text"], from_creator=True
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
