"""The success desk's pages: the task queue, threads and announcements, and the org's due
times per task kind."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.errors import DomainError
from messaging import selectors
from messaging.forms import (
    AnnouncementForm,
    ReassignForm,
    ResolutionForm,
    StaffReplyForm,
    TaskBulkForm,
    TaskFilterForm,
    TaskSLAForm,
)
from messaging.kinds import DEFAULT_SLA
from messaging.models import Task, Thread
from messaging.services import bulk, queue, threads
from messaging.views.desk_table import DESK_LISTS, desk_csv, sort_headers
from organizations import permissions
from organizations.access import OrgViewMixin, get_for_org
from programs.models import Program


def _programs(organization: Any) -> list[tuple[int, str]]:
    return selectors.program_choices(organization=organization)


class DeskMixin(OrgViewMixin):
    capability = permissions.can_use_desk

    def task(self, pk: int) -> Task:
        task = get_for_org(
            selectors.task_detail(organization=self.organization), self.organization, pk
        )
        if task.owner_role not in selectors.desk_roles(self.membership):
            raise Http404(gettext("Not found."))
        return task

    def back_to_desk(self) -> HttpResponse:
        return redirect(reverse("org_desk", kwargs={"org_slug": self.organization.slug}))


DESK_PAGE_SIZE = 50


def _page(request: HttpRequest, rows: Any, param: str) -> Page:
    """One page of a desk list (``?mine=2``, ``?queue=3``); a bad number is the first page,
    one past the end the last."""
    return Paginator(rows, DESK_PAGE_SIZE).get_page(request.GET.get(param))


class DeskView(DeskMixin, View):
    """The member's tasks and the team queue, a page of each, sortable by column, with bulk
    claim and assign; ``?format=csv&list=mine|queue`` downloads one list as filtered."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("format") == "csv":
            which = request.GET.get("list", "mine")
            if which not in DESK_LISTS:
                return HttpResponseBadRequest(gettext("Choose the list: mine or queue."))
            return desk_csv(self.desk_rows(request)[which], which)
        return render(request, "messaging/desk.html", self.desk_context(request))

    def desk_rows(self, request: HttpRequest) -> dict[str, Any]:
        form = TaskFilterForm(request.GET or None, programs=_programs(self.organization))
        filters = form.to_filters()
        sort = selectors.task_sort_key(request.GET.get("sort"))
        mine = selectors.task_list_mine(membership=self.membership, filters=filters)
        team = selectors.task_list_queue(membership=self.membership, filters=filters)
        return {
            "filter_form": form,
            "sort": sort,
            "mine": selectors.task_sorted(mine, sort),
            "queue": selectors.task_sorted(team, sort),
        }

    def bulk_form(self, data: Any = None) -> TaskBulkForm:
        people = selectors.desk_assignees(membership=self.membership)
        return TaskBulkForm(data, people=people, auto_id="bulk_%s")

    def desk_context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        rows = self.desk_rows(request)
        return {
            "filter_form": rows["filter_form"],
            "sort": rows["sort"],
            "headers": sort_headers(rows["sort"]),
            "mine": _page(request, rows["mine"], "mine"),
            "queue": _page(request, rows["queue"], "queue"),
            "counts": selectors.task_counts(membership=self.membership),
            "roles": selectors.desk_roles(self.membership),
            "bulk_form": self.bulk_form(),
            **extra,
        }


class DeskBulkView(DeskView):
    """POST only: claim or assign the ticked tasks in one go. With htmx the answer is the
    desk's lists (what ``#desk-lists`` swaps) and, out of band, the counters; without, a
    redirect to the desk as it was (its query string rides along)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseNotAllowed(["POST"])

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.bulk_form(request.POST)
        if not form.is_valid():
            return self._again(request, form, status=400)
        data = form.cleaned_data
        try:
            result = bulk.tasks_bulk(
                membership=self.membership,
                action=data["action"],
                task_ids=data["task"],
                assignee_id=data["assignee"],
            )
        except DomainError as exc:
            if exc.status_code == 404 and not getattr(request, "htmx", False):
                raise Http404(str(exc)) from exc
            # With htmx a 404 (a task moved to another team meanwhile) refreshes the lists.
            form.add_error(None, str(exc))
            refusals = getattr(exc, "refusals", [])
            return self._again(request, form, status=exc.status_code, refusals=refusals)
        if getattr(request, "htmx", False):
            context = self.desk_context(request, done=result.message())
            return render(request, "messaging/_desk_lists.html", {**context, "oob": True})
        messages.success(request, result.message())
        url = reverse("org_desk", kwargs={"org_slug": self.organization.slug})
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)

    def _again(
        self,
        request: HttpRequest,
        form: TaskBulkForm,
        *,
        status: int,
        refusals: list[str] | None = None,
    ) -> HttpResponse:
        ticked = set(request.POST.getlist("task"))  # the ticks stay, to try again
        context = self.desk_context(request, bulk_form=form, refusals=refusals or [], ticked=ticked)
        if getattr(request, "htmx", False):
            context["oob"] = True
            return render(request, "messaging/_desk_lists.html", context, status=status)
        return render(request, "messaging/desk.html", context, status=status)


class TaskActionView(DeskMixin, View):
    def respond(self, request: HttpRequest, task: Task) -> HttpResponse:
        if getattr(request, "htmx", False):
            task = self.task(task.pk)
            # The row, and the desk's counters swapped out of band (they change with it).
            counts = selectors.task_counts(membership=self.membership)
            return render(
                request,
                "messaging/_task_row.html",
                {"task": task, "organization": self.organization, "oob_counts": counts},
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
            return self.fail(request, task, DomainError(gettext("Say how the task was resolved.")))
        try:
            task = queue.task_complete(
                task=task,
                actor=request.user,
                membership=self.membership,
                resolution=form.cleaned_data["resolution"],
            )
        except DomainError as exc:
            return self.fail(request, task, exc)
        messages.success(request, gettext("Task completed."))
        return self.respond(request, task)


class TaskReassignView(TaskActionView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        task = self.task(kwargs["pk"])
        people = [(m.user_id, m.user.email) for m in selectors.assignable_members(task=task)]
        form = ReassignForm(request.POST, people=people)
        if not form.is_valid():
            return self.fail(request, task, DomainError(gettext("Choose a member of the team.")))
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
        messages.success(request, gettext("Task reassigned."))
        return self.respond(request, task)


class StaffThreadListView(DeskMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        thread_list = selectors.thread_list_for_staff(
            organization=self.organization, user=request.user
        )
        page = _page(request, thread_list, "page")
        return render(request, "messaging/staff_threads.html", {"threads": page, "page": page})


class StaffThreadView(DeskMixin, View):
    def _thread(self, pk: int) -> Thread:
        return get_for_org(
            selectors.staff_threads(organization=self.organization), self.organization, pk
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
                messages.success(request, gettext("Reply sent."))
                return redirect(request.path)
        return self._render(request, thread, form, status=400)

    def _render(
        self, request: HttpRequest, thread: Thread, form: StaffReplyForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "thread": thread,
            "thread_messages": selectors.thread_messages(thread=thread),
            "open_tasks": selectors.thread_open_requests(thread=thread),
            "desk_roles": selectors.desk_roles(self.membership),  # whose tasks link to their page
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
                messages.success(request, gettext("Announcement sent."))
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
        initial = selectors.task_sla_hours(organization=self.organization)
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
                messages.success(request, gettext("Due times saved."))
                return redirect(request.path)
        return render(request, "messaging/task_sla.html", {"form": form}, status=400)
