"""A desk task's page with its context, and the actions that finish the work in place.

The page shows the conversation, the subject (creator, program, enrollment, terms, payout) and,
per kind, the action forms; each form posts to ``desk_task_work`` with its action name, which
calls one use-case of ``messaging.services.task_work``. An invalid form or a refusal re-renders
the page with the form and its errors (4xx); a role refusal is the 403 page; nothing is written.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.calendar import org_today
from influencer_ops.errors import DomainError, form_add_domain_error
from messaging import selectors
from messaging.forms import (
    CoachingNoteForm,
    DueDateMoveForm,
    MilestoneCorrectionForm,
    PayAmendForm,
    PayoutHoldForm,
    PayoutReleaseForm,
    ReassignForm,
    ResolutionForm,
    TaskConfirmForm,
    TaskReplyForm,
)
from messaging.kinds import TaskKind
from messaging.models import Task
from messaging.services import task_work
from messaging.task_context import TaskContext, task_context
from messaging.views.desk import DeskMixin
from programs.deadlines.services import deliverable_label

# Each action: the form it posts, and the remedy a message records on an underperformer.
ACTIONS: tuple[str, ...] = ("reply", "material", "goals", "confirm", "milestone", "due", "amend")
ACTIONS += ("coach", "hold", "release")
MESSAGE_REMEDIES = {"reply": "message", "material": "material", "goals": "goals"}
MESSAGE_LABELS = {
    "reply": "Message",
    "material": "Material for the creator (facts, links to images, talking points)",
    "goals": "The goals, restated",
}


def _initial(action: str, ctx: TaskContext) -> dict[str, Any]:
    enrollment, task = ctx.enrollment, ctx.task
    if action == "goals" and enrollment is not None:
        goals = enrollment.program.goals or "what the program sets out to do"
        return {
            "text": (
                gettext("A reminder of what %(name)s is about: %(goals)s")
                % {"name": enrollment.program.name, "goals": goals}
            )
        }
    if action == "milestone" and task.creator is not None:
        return {"new": ctx.requested_milestone or task.creator.click_milestone}
    if action == "due":
        today = org_today(task.organization)
        chosen = [ctx.deliverable.pk] if ctx.deliverable is not None else []
        return {"deliverables": chosen, "new_due_on": today + timedelta(days=7)}
    if action == "amend" and ctx.terms is not None:
        return {"per_click_rate": ctx.terms.snapshot.get("per_click_rate")}
    if action in ("hold", "release") and ctx.payout is not None:
        return {"payout": ctx.payout.pk}
    return {}


def _form(action: str, ctx: TaskContext, data: Any = None) -> forms.Form:
    kwargs: dict[str, Any] = {"prefix": action, "initial": _initial(action, ctx)}
    if action in MESSAGE_REMEDIES:
        form = TaskReplyForm(data, **kwargs)
        form.fields["text"].label = MESSAGE_LABELS[action]
        return form
    if action == "due":
        choices = [
            (d.pk, f"{deliverable_label(d)}, due {d.due_on:%Y-%m-%d}")
            for d in ctx.open_deliverables
        ]
        return DueDateMoveForm(data, deliverables=choices, **kwargs)
    form_class: type[forms.Form] = {
        "confirm": TaskConfirmForm,
        "milestone": MilestoneCorrectionForm,
        "amend": PayAmendForm,
        "coach": CoachingNoteForm,
        "hold": PayoutHoldForm,
        "release": PayoutReleaseForm,
    }[action]
    return form_class(data, **kwargs)


class TaskPageMixin(DeskMixin):
    request: HttpRequest

    def render_task(
        self,
        request: HttpRequest,
        task: Task,
        status: int = 200,
        bound: dict[str, forms.Form] | None = None,
    ) -> HttpResponse:
        ctx = task_context(task=task, membership=self.membership)
        people = [
            (m.user_id, f"{m.user.display_name} ({m.get_role_display()})")
            for m in selectors.assignable_members(task=task)
        ]
        work_forms = {action: _form(action, ctx) for action in ACTIONS} | (bound or {})
        context = {
            "task": task,
            "ctx": ctx,
            "enrollment": ctx.enrollment,
            "terms": ctx.terms,
            "forms": work_forms,
            "history": selectors.task_history(task=task),
            "reassign_form": ReassignForm(people=people),
            "resolution_form": ResolutionForm(),
        }
        return render(request, "messaging/task_detail.html", context, status=status)


class TaskDetailView(TaskPageMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            task = self.task(kwargs["pk"])
        except Http404:
            moved = selectors.task_moved_away(membership=self.membership, pk=kwargs["pk"])
            if moved is None:
                raise
            # Read-only: where the task went, so an old notification is not a dead end.
            context = {"task": moved[0], "moved": moved[1]}
            return render(request, "messaging/task_moved.html", context)
        return self.render_task(request, task)


class TaskWorkView(TaskPageMixin, View):
    """POST one in-place action on a task (``action`` names it)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = kwargs["action"]
        if action not in ACTIONS:
            raise Http404(gettext("Not found."))
        task = self.task(kwargs["pk"])
        ctx = task_context(task=task, membership=self.membership)
        form = _form(action, ctx, request.POST)
        if not form.is_valid():
            return self.render_task(request, task, status=400, bound={action: form})
        try:
            done = self.perform(action, task, form.cleaned_data)
        except DomainError as exc:
            if exc.status_code == 403:
                raise  # the 403 page with the reason
            status = form_add_domain_error(form, exc)
            return self.render_task(
                request, self.task(task.pk), status=status, bound={action: form}
            )
        messages.success(request, done)
        return redirect(
            reverse("desk_task", kwargs={"org_slug": self.organization.slug, "pk": task.pk})
        )

    def perform(self, action: str, task: Task, data: dict[str, Any]) -> str:
        who = self.membership
        if action in MESSAGE_REMEDIES:
            remedy = MESSAGE_REMEDIES[action] if task.kind == TaskKind.UNDERPERFORMING else ""
            task_work.task_reply(
                task=task, membership=who, text=data["text"], remedy=remedy, resolve=data["resolve"]
            )
            return gettext("Message sent to the creator.")
        if action == "confirm":
            enrollment = task_work.task_confirm_creator(task=task, membership=who)
            return gettext("%(display_name)s is confirmed.") % {
                "display_name": enrollment.creator.display_name
            }
        if action == "milestone":
            amendments = task_work.task_milestone_correct(
                task=task, membership=who, new=data["new"], reason=data["reason"]
            )
            return gettext(
                "Milestone corrected; %(len)s amendment(s) sent to the creator to "
                "accept. Confirmation waits for their acceptance."
            ) % {"len": len(amendments)}
        if action == "due":
            moved = task_work.task_due_dates_move(
                task=task,
                membership=who,
                deliverable_ids=data["deliverables"],
                new_due_on=data["new_due_on"],
                remedy=task.kind == TaskKind.UNDERPERFORMING,
            )
            return gettext("%(moved)s due date(s) moved; the creator has been told.") % {
                "moved": moved
            }
        if action == "amend":
            version = task_work.task_pay_amend(
                task=task,
                membership=who,
                per_click_rate=data["per_click_rate"],
                reason=data["reason"],
            )
            return gettext("Terms version %(number)s sent to the creator to accept.") % {
                "number": version.number
            }
        if action == "coach":
            task_work.task_remedy_record(
                task=task, membership=who, remedy="coaching", note=data["note"]
            )
            return gettext("Coaching note recorded on the task.")
        if action == "hold":
            task_work.task_payout_hold(
                task=task, membership=who, payout_id=data["payout"], reason=data["reason"]
            )
            return gettext("Payout put on hold; the creator has been told why.")
        task_work.task_payout_release(task=task, membership=who, payout_id=data["payout"])
        return gettext("Payout released: the next run will pick it up.")
