"""Calendar pages: "Add to calendar" in the portal and the program's Calendar tab show the feed's
secret address (and make or replace it); the feed itself answers a calendar app, without a login,
at that address."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.http import require_GET

from influencer_ops.calendar import org_today
from influencer_ops.tenancy import activate_orgs
from influencers.access import CreatorViewMixin
from organizations.permissions import can_manage_programs, can_use_desk
from programs.calendar import selectors, services
from programs.calendar.ical import FeedEvent, ical
from programs.models import CreatorCalendarFeed, Deliverable, Program, ProgramCalendarFeed
from programs.views.base import ProgramViewMixin


def _feed_urls(request: HttpRequest, token: str | None) -> dict[str, str]:
    if token is None:
        return {}
    https = request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": token}))
    return {"feed_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


def _what(deliverable: Deliverable) -> str:
    parts = {
        "kind": deliverable.kind.capitalize(),
        "number": deliverable.number,
        "platform": deliverable.get_platform_display(),
    }
    if deliverable.number > 1:
        return gettext("%(kind)s #%(number)s on %(platform)s") % parts
    return gettext("%(kind)s on %(platform)s") % parts


class CreatorCalendarView(CreatorViewMixin, View):
    """Add to calendar: the creator's feed address, made (and replaced) with one button."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        feed = selectors.creator_feed_of(user=request.user)
        context = {"feed": feed, **_feed_urls(request, feed.token if feed else None)}
        return render(request, "programs/calendar_portal.html", context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        existed = selectors.creator_feed_of(user=request.user) is not None
        services.creator_feed_rotate(user=request.user)
        messages.success(
            request,
            gettext("Your calendar has a new address: the old one no longer works.")
            if existed
            else gettext("Your calendar address is ready."),
        )
        return redirect("portal_calendar")


class ProgramCalendarView(ProgramViewMixin, View):
    """The program's Calendar tab: its feed address for the team; the desk and the program's
    managers make or replace it."""

    def _may_rotate(self, program: Program) -> bool:
        return bool(can_use_desk(self.membership)) or can_manage_programs(
            self.membership, program.brand
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.program(kwargs["pk"])
        feed = selectors.program_feed_of(program=program)
        context = {
            "program": program,
            "feed": feed,
            "may_rotate": self._may_rotate(program),
            **_feed_urls(request, feed.token if feed else None),
        }
        return self.render_page("calendar_program.html", context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.program(kwargs["pk"])
        if not self._may_rotate(program):
            raise PermissionDenied(
                gettext("Your role does not allow changing the calendar address.")
            )
        existed = selectors.program_feed_of(program=program) is not None
        services.program_feed_rotate(program=program, actor=request.user)
        messages.success(
            request,
            gettext("The program's calendar has a new address: the old one no longer works.")
            if existed
            else gettext("The program's calendar address is ready."),
        )
        return redirect(self.url("program_calendar", pk=program.pk))


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed at its secret address: no login (calendar apps cannot sign in); a wrong or
    replaced token is a 404."""
    feed = selectors.feed_by_token(token)
    if isinstance(feed, CreatorCalendarFeed):
        body = _creator_feed(request, feed)
    elif isinstance(feed, ProgramCalendarFeed):
        body = _program_feed(request, feed)
    else:
        raise Http404(gettext("No such calendar."))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="due-dates.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _creator_feed(request: HttpRequest, feed: CreatorCalendarFeed) -> bytes:
    user = feed.user
    if not user.is_active or not user.is_creator:
        raise Http404(gettext("No such calendar."))
    activate_orgs((), user_id=user.pk)  # the creator's own profiles first, then their orgs
    activate_orgs(selectors.creator_org_ids(user=user), user_id=user.pk)
    today = timezone.localdate()
    events = [
        FeedEvent(
            uid=f"deliverable-{d.pk}",
            day=d.due_on,
            summary=gettext("%(what)s due · %(program)s")
            % {"what": _what(d), "program": d.program.name},
            description=gettext("%(program)s with %(organization)s. Due %(day)s (%(state)s).")
            % {
                "program": d.program.name,
                "organization": d.organization.name,
                "day": d.due_on.isoformat(),
                "state": d.get_state_display(),
            },
            url=request.build_absolute_uri(reverse("portal_deliverable", args=[d.pk])),
        )
        for d in selectors.creator_due_dates(user=user, today=today)
    ]
    return ical(name=gettext("Influencer Ops: your due dates"), events=events, stamp=timezone.now())


def _program_feed(request: HttpRequest, feed: ProgramCalendarFeed) -> bytes:
    program, organization = feed.program, feed.organization
    activate_orgs([organization.pk])
    slug = organization.slug

    def link(name: str, pk: int) -> str:
        return request.build_absolute_uri(reverse(name, kwargs={"org_slug": slug, "pk": pk}))

    overview = link("program_detail", program.pk)
    events = [
        FeedEvent(
            f"program-{program.pk}-{key}",
            day,
            gettext("%(program)s: %(date)s") % {"program": program.name, "date": label},
            label,
            overview,
        )
        for key, label, day in (
            ("launch", gettext("launch"), program.launch_on),
            ("content-due", gettext("content due"), program.content_due_on),
            ("end", gettext("end"), program.end_on),
        )
        if day is not None
    ]
    events += [
        FeedEvent(
            uid=f"program-deliverable-{d.pk}",
            day=d.due_on,
            summary=gettext("%(creator)s: %(what)s due")
            % {"creator": d.enrollment.creator.display_name, "what": _what(d)},
            description=gettext("%(program)s. Due %(day)s (%(state)s).")
            % {
                "program": program.name,
                "day": d.due_on.isoformat(),
                "state": d.get_state_display(),
            },
            url=link("enrollment_detail", d.enrollment_id),
        )
        for d in selectors.program_due_dates(program=program, today=org_today(organization))
    ]
    return ical(name=f"{program.name} · {organization.name}", events=events, stamp=timezone.now())
