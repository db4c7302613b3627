"""The success desk (tasks, threads, announcements) and the creator portal's requests/threads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from influencer_ops.errors import DomainError
from influencers.access import activate_creator_scope
from messaging import selectors
from messaging.forms import (
    AnnouncementForm,
    CreatorRequestForm,
    MessageForm,
    ReassignForm,
    ResolutionForm,
    StaffReplyForm,
    TaskFilterForm,
    TaskSLAForm,
)
from messaging.kinds import DEFAULT_SLA
from messaging.models import Task, TaskSLA, Thread
from messaging.services import queue, threads
from messaging.services.requests import request_create
from organizations import permissions
from organizations.access import OrgViewMixin, get_for_org
from payments.payouts.selectors import creator_payout, creator_payouts
from programs.models import Enrollment, Program


def _programs(organization: Any) -> list[tuple[int, str]]:
    return list(
        Program.objects.filter(organization=organization).order_by("name").values_list("pk", "name")
    )


class DeskMixin(OrgViewMixin):
    capability = permissions.can_use_desk

    def task(self, pk: int) -> Task:
        task = get_for_org(
            selectors.task_detail(organization=self.organization), self.organization, pk
        )
        if task.owner_role not in selectors.desk_roles(self.membership):
            raise Http404("Not found.")
        return task

    def back_to_desk(self) -> HttpResponse:
        return redirect(reverse("org_desk", kwargs={"org_slug": self.organization.slug}))


class DeskView(DeskMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TaskFilterForm(request.GET or None, programs=_programs(self.organization))
        filters = form.to_filters()
        context = {
            "filter_form": form,
            "mine": selectors.task_list_mine(membership=self.membership, filters=filters)[:100],
            "queue": selectors.task_list_queue(membership=self.membership, filters=filters)[:100],
            "counts": selectors.task_counts(membership=self.membership),
            "roles": selectors.desk_roles(self.membership),
        }
        return render(request, "messaging/desk.html", context)


class TaskDetailView(DeskMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        task = self.task(kwargs["pk"])
        return self.render_task(request, task)

    def render_task(
        self,
        request: HttpRequest,
        task: Task,
        status: int = 200,
        reassign_form: ReassignForm | None = None,
        resolution_form: ResolutionForm | None = None,
    ) -> HttpResponse:
        people = [
            (m.user_id, f"{m.user.display_name} ({m.get_role_display()})")
            for m in selectors.assignable_members(task=task)
        ]
        context = {
            "task": task,
            "history": selectors.task_history(task=task),
            "reassign_form": reassign_form or ReassignForm(people=people),
            "resolution_form": resolution_form or ResolutionForm(),
        }
        return render(request, "messaging/task_detail.html", context, status=status)


class TaskActionView(DeskMixin, View):
    def respond(self, request: HttpRequest, task: Task) -> HttpResponse:
        if getattr(request, "htmx", False):
            task = self.task(task.pk)
            return render(
                request,
                "messaging/_task_row.html",
                {"task": task, "organization": self.organization},
            )
        return redirect(
            reverse("desk_task", kwargs={"org_slug": self.organization.slug, "pk": task.pk})
        )

    def fail(self, request: HttpRequest, task: Task, exc: DomainError) -> HttpResponse:
        if getattr(request, "htmx", False):
            return render(
                request,
                "messaging/_task_row.html",
                {"task": task, "organization": self.organization, "error": str(exc)},
                status=exc.status_code,
            )
        messages.error(request, str(exc))
        return redirect(
            reverse("desk_task", kwargs={"org_slug": self.organization.slug, "pk": task.pk})
        )


class TaskClaimView(TaskActionView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        task = self.task(kwargs["pk"])
        try:
            task = queue.task_claim(task=task, membership=self.membership)
        except DomainError as exc:
            return self.fail(request, task, exc)
        return self.respond(request, task)


class TaskCompleteView(TaskActionView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        task = self.task(kwargs["pk"])
        form = ResolutionForm(request.POST)
        if not form.is_valid():
            return self.fail(request, task, DomainError("Say how the task was resolved."))
        try:
            task = queue.task_complete(
                task=task,
                actor=request.user,
                membership=self.membership,
                resolution=form.cleaned_data["resolution"],
            )
        except DomainError as exc:
            return self.fail(request, task, exc)
        messages.success(request, "Task completed.")
        return self.respond(request, task)


class TaskReassignView(TaskActionView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        task = self.task(kwargs["pk"])
        people = [(m.user_id, m.user.email) for m in selectors.assignable_members(task=task)]
        form = ReassignForm(request.POST, people=people)
        if not form.is_valid():
            return self.fail(request, task, DomainError("Choose a member of the team."))
        assignee_id = form.cleaned_data["assignee"]
        assignee = get_user_model().objects.get(pk=assignee_id) if assignee_id else None
        try:
            queue.task_reassign(
                task=task,
                membership=self.membership,
                assignee=assignee,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            return self.fail(request, task, exc)
        messages.success(request, "Task reassigned.")
        return self.respond(request, task)


class StaffThreadListView(DeskMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        thread_list = selectors.thread_list_for_staff(
            organization=self.organization, user=request.user
        )[:200]
        return render(request, "messaging/staff_threads.html", {"threads": thread_list})


class StaffThreadView(DeskMixin, View):
    def _thread(self, pk: int) -> Thread:
        return get_for_org(
            Thread.objects.select_related("enrollment__creator", "program"), self.organization, pk
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        thread = self._thread(kwargs["pk"])
        threads.thread_mark_read(thread=thread, user=request.user)
        return self._render(request, thread, StaffReplyForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        thread = self._thread(kwargs["pk"])
        form = StaffReplyForm(request.POST)
        if form.is_valid():
            try:
                threads.message_post(
                    thread=thread,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    from_creator=False,
                    resolve=form.cleaned_data["resolve"],
                )
            except DomainError as exc:
                form.add_error("text", str(exc))
            else:
                messages.success(request, "Reply sent.")
                return redirect(request.path)
        return self._render(request, thread, form, status=400)

    def _render(
        self, request: HttpRequest, thread: Thread, form: StaffReplyForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "thread": thread,
            "thread_messages": selectors.thread_messages(thread=thread),
            "open_tasks": selectors.thread_open_requests(thread=thread),
            "form": form,
        }
        return render(request, "messaging/staff_thread.html", context, status=status)


class AnnouncementCreateView(DeskMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = AnnouncementForm(programs=_programs(self.organization))
        return render(request, "messaging/announcement_new.html", {"form": form})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = AnnouncementForm(request.POST, programs=_programs(self.organization))
        if form.is_valid():
            program = get_for_org(
                Program.objects.all(), self.organization, form.cleaned_data["program"]
            )
            try:
                thread = threads.announcement_create(
                    program=program,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    replies_allowed=form.cleaned_data["replies_allowed"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Announcement sent.")
                return redirect(
                    reverse(
                        "desk_thread", kwargs={"org_slug": self.organization.slug, "pk": thread.pk}
                    )
                )
        return render(request, "messaging/announcement_new.html", {"form": form}, status=400)


class TaskSLAView(OrgViewMixin, View):
    """Admins set how long each kind of task may wait before it is overdue."""

    capability = permissions.can_manage_settings

    def _defaults(self) -> dict[str, int]:
        return {kind: int(delta.total_seconds() // 3600) for kind, delta in DEFAULT_SLA.items()}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        initial = {s.kind: s.hours for s in TaskSLA.objects.filter(organization=self.organization)}
        form = TaskSLAForm(initial=initial, defaults=self._defaults())
        return render(request, "messaging/task_sla.html", {"form": form})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TaskSLAForm(request.POST, defaults=self._defaults())
        if form.is_valid():
            try:
                queue.task_sla_set(
                    organization=self.organization,
                    actor=request.user,
                    hours_by_kind=dict(form.cleaned_data),
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Due times saved.")
                return redirect(request.path)
        return render(request, "messaging/task_sla.html", {"form": form}, status=400)


# --- the creator portal ---


class PortalRequestCreateView(View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        self.profiles = activate_creator_scope(request)
        if not self.profiles:
            messages.info(request, "You can ask questions once an organization works with you.")
            return redirect("portal_home")
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data: Any = None, initial: Any = None) -> CreatorRequestForm:
        enrollments = [
            (e.pk, f"{e.program.name} ({e.organization.name})")
            for e in selectors.creator_enrollments(user=self.request.user)
        ]
        organizations = [(p.organization.slug, p.organization.name) for p in self.profiles]
        payouts = [
            (
                p.pk,
                f"{p.amount} {p.currency} · {p.enrollment.program.name} · {p.get_state_display()}",
            )
            for p in creator_payouts(user=self.request.user)[:100]
        ]
        return CreatorRequestForm(
            data,
            initial=initial,
            enrollments=enrollments,
            organizations=organizations,
            payouts=payouts,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {
            "enrollment": request.GET.get("enrollment"),
            "topic": request.GET.get("topic"),
            "payout": request.GET.get("payout"),
        }
        return render(request, "portal/request_new.html", {"form": self._form(initial=initial)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            enrollment = None
            if form.cleaned_data["enrollment"]:
                enrollment = (
                    Enrollment.objects.select_related("program", "creator")
                    .filter(pk=form.cleaned_data["enrollment"], creator__user_id=_user_id(request))
                    .first()
                )
                if enrollment is None:
                    raise Http404("Not found.")
                creator = enrollment.creator
            else:
                slug = form.cleaned_data.get("organization") or self.profiles[0].organization.slug
                creator = next(p for p in self.profiles if p.organization.slug == slug)
            payout = None
            if form.cleaned_data.get("payout") is not None:
                payout = creator_payout(user=request.user, pk=form.cleaned_data["payout"])
                if payout is None:
                    raise Http404("Not found.")
                creator = payout.creator
            try:
                created = request_create(
                    creator=creator,
                    user=request.user,
                    topic=form.cleaned_data["topic"],
                    text=form.cleaned_data["text"],
                    enrollment=enrollment,
                    payout=payout,
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Your question is with " + _owner_label(created) + ".")
                if created.thread_id:
                    return redirect(reverse("portal_thread", kwargs={"pk": created.thread_id}))
                return redirect("portal_home")
        return render(request, "portal/request_new.html", {"form": form}, status=400)


def _user_id(request: HttpRequest) -> Any:
    return request.user.pk


def _owner_label(request_obj: Any) -> str:
    task = getattr(request_obj, "task", None)
    if task is not None and task.assignee is not None:
        return task.assignee.display_name
    return "the ISM team" if request_obj.routed_role == "ism" else "the BSM team"


class PortalThreadView(View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        activate_creator_scope(request)
        return super().dispatch(request, *args, **kwargs)

    def _thread(self, pk: int) -> Thread:
        thread = selectors.creator_thread(user=self.request.user, thread_id=pk)
        if thread is None:
            raise Http404("Not found.")
        return thread

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        thread = self._thread(pk)
        threads.thread_mark_read(thread=thread, user=request.user)
        return self._render(request, thread, MessageForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        thread = self._thread(pk)
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                threads.message_post(
                    thread=thread,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    from_creator=True,
                )
            except DomainError as exc:
                if exc.status_code == 403:
                    raise PermissionDenied(str(exc)) from exc
                form.add_error("text", str(exc))
            else:
                return redirect(request.path)
        return self._render(request, thread, form, status=400)

    def _render(
        self, request: HttpRequest, thread: Thread, form: MessageForm, status: int = 200
    ) -> HttpResponse:
        open_requests = [
            r
            for r in selectors.creator_requests(user=request.user).filter(thread=thread)
            if getattr(r, "task", None) is not None and r.task.state in ("open", "in_progress")
        ]
        context = {
            "thread": thread,
            "thread_messages": selectors.thread_messages(thread=thread),
            "form": form,
            "open_requests": open_requests,
            "can_reply": thread.kind == Thread.Kind.ENROLLMENT or thread.replies_allowed,
        }
        return render(request, "portal/thread.html", context, status=status)
