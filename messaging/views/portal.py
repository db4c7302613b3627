"""The creator portal's messaging pages: raise a question, read and answer a thread. Each page
goes through the creator door (``CreatorViewMixin``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.errors import DomainError
from influencers.access import CreatorViewMixin
from messaging import selectors
from messaging.forms import (
    CreatorRequestForm,
    MessageForm,
)
from messaging.models import Thread
from messaging.services import threads
from messaging.services.requests import request_create
from payments.payouts.selectors import creator_payout, creator_payouts


class _WorksWithAnOrg(View):
    """After the door: a creator no organization works with yet has no one to ask."""

    creator_profiles: list[Any]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not self.creator_profiles:
            messages.info(
                request, gettext("You can ask questions once an organization works with you.")
            )
            return redirect("portal_home")
        return super().dispatch(request, *args, **kwargs)


class PortalRequestCreateView(CreatorViewMixin, _WorksWithAnOrg):
    """The creator raises a question; it is routed to whoever owns its topic."""

    def _form(self, data: Any = None, initial: Any = None) -> CreatorRequestForm:
        enrollments = [
            (e.pk, f"{e.program.name} ({e.organization.name})")
            for e in selectors.creator_enrollments(user=self.request.user)
        ]
        organizations = [(p.organization.slug, p.organization.name) for p in self.creator_profiles]
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
                enrollment = selectors.creator_enrollment(
                    user=request.user, enrollment_id=form.cleaned_data["enrollment"]
                )
                if enrollment is None:
                    raise Http404(gettext("Not found."))
                creator = enrollment.creator
            else:
                slug = (
                    form.cleaned_data.get("organization")
                    or self.creator_profiles[0].organization.slug
                )
                creator = next(p for p in self.creator_profiles if p.organization.slug == slug)
            payout = None
            if form.cleaned_data.get("payout") is not None:
                payout = creator_payout(user=request.user, pk=form.cleaned_data["payout"])
                if payout is None:
                    raise Http404(gettext("Not found."))
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


def _owner_label(request_obj: Any) -> str:
    task = getattr(request_obj, "task", None)
    if task is not None and task.assignee is not None:
        return task.assignee.display_name
    return gettext("the ISM team") if request_obj.routed_role == "ism" else gettext("the BSM team")


class PortalThreadView(CreatorViewMixin, View):
    """One of the creator's threads: read it, reply when replies are allowed."""

    def _thread(self, pk: int) -> Thread:
        thread = selectors.creator_thread(user=self.request.user, thread_id=pk)
        if thread is None:
            raise Http404(gettext("Not found."))
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
                if exc.status_code == 403:  # replies are off: the 403 page with the reason
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
