"""Recruiting pages: the creator's invitation (portal) and the ISM's roster and invitations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from commerce.permissions import can_manage_orders
from commerce.selectors import discount_codes_of
from influencer_ops.calendar import org_today
from influencer_ops.errors import DomainError
from influencers.access import CreatorViewMixin
from influencers.models import CreatorProfile
from organizations import permissions
from organizations.access import OrgViewMixin, get_for_org
from organizations.models import Membership
from payments.record.selectors import payment_record
from programs.cases.services import may_act_on_cases
from programs.hours.selectors import enrollment_hours
from programs.hours.services import HOURS_PAGE_STATES
from programs.matching.exclusions import exclusion_reason
from programs.matching.views import candidates_page
from programs.models import Enrollment, Program
from programs.recruiting import selectors
from programs.recruiting import services as recruiting
from programs.recruiting.forms import AcceptForm, AmendForm, DeclineForm, WithdrawForm
from programs.states import PLACE_HOLDING_STATES, EnrollmentState
from tracking.pace.services import enrollment_pace


def _terms_context(enrollment: Enrollment) -> dict[str, Any]:
    versions = selectors.terms_versions(enrollment)
    return {"versions": versions, "latest": versions[0] if versions else None}


# --- the creator's side ---


class PortalInvitationView(CreatorViewMixin, View):
    def _enrollment(self, pk: int) -> Enrollment:
        enrollment = selectors.creator_enrollment(user=self.request.user, pk=pk)
        if enrollment is None:
            raise Http404(gettext("Not found."))
        return enrollment

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        enrollment = self._enrollment(pk)
        return self._render(request, enrollment)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        enrollment = self._enrollment(pk)
        action = request.POST.get("action")
        latest = recruiting.latest_terms(enrollment)
        nda = bool(latest and latest.snapshot.get("nda_required"))
        accept_form = AcceptForm(
            request.POST if action == "accept" else None,
            nda_required=nda,
            conflict=bool(enrollment.exclusion_conflicts),
        )
        decline_form = DeclineForm(request.POST if action == "decline" else None)
        try:
            if action == "accept" and accept_form.is_valid():
                data = accept_form.cleaned_data
                if enrollment.state == EnrollmentState.INVITED:
                    recruiting.invitation_accept(
                        enrollment=enrollment,
                        user=request.user,
                        terms_version=data["terms_version"],
                        accept_nda=data.get("accept_nda", False),
                        acknowledge_conflict=data.get("acknowledge_conflict", False),
                    )
                    messages.success(
                        request, gettext("You accepted. The team will confirm your place.")
                    )
                else:
                    recruiting.terms_accept(
                        enrollment=enrollment,
                        user=request.user,
                        terms_version=data["terms_version"],
                    )
                    messages.success(request, gettext("You accepted the new terms."))
                return redirect(request.path)
            if action == "decline" and decline_form.is_valid():
                recruiting.invitation_decline(
                    enrollment=enrollment,
                    user=request.user,
                    reason=decline_form.cleaned_data["reason"],
                )
                messages.success(request, gettext("You declined. Thank you for letting us know."))
                return redirect(request.path)
        except DomainError as exc:
            messages.error(request, str(exc))
            return self._render(request, self._enrollment(pk), status=exc.status_code)
        return self._render(request, enrollment, accept_form, decline_form, status=400)

    def _render(
        self,
        request: HttpRequest,
        enrollment: Enrollment,
        accept_form: AcceptForm | None = None,
        decline_form: DeclineForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        context = _terms_context(enrollment)
        latest = context["latest"]
        nda = bool(latest and latest.snapshot.get("nda_required"))
        awaiting = latest is not None and latest.accepted_at is None and latest.declined_at is None
        context.update(
            {
                "enrollment": enrollment,
                "can_answer": enrollment.state == EnrollmentState.INVITED,
                "hours_states": sorted(HOURS_PAGE_STATES),
                "amendment_pending": awaiting and enrollment.state != EnrollmentState.INVITED,
                "accept_form": accept_form
                or AcceptForm(
                    nda_required=nda,
                    conflict=bool(enrollment.exclusion_conflicts),
                    initial={"terms_version": latest.number if latest else 1},
                ),
                "conflicts": exclusion_reason(enrollment.exclusion_conflicts)
                if enrollment.exclusion_conflicts
                else "",
                "decline_form": decline_form or DeclineForm(),
                "record": payment_record(organization=enrollment.organization),
            }
        )
        return render(request, "programs/recruiting_portal_invitation.html", context, status=status)


# --- the ISM's side ---


class RecruitingMixin(OrgViewMixin):
    capability = permissions.can_work_prelaunch

    def program(self, pk: int) -> Program:
        return get_for_org(Program.objects.select_related("brand"), self.organization, pk)


class RosterView(RecruitingMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.program(kwargs["pk"])
        enrollments = selectors.program_roster(organization=self.organization, program=program)
        groups = [
            (label, [e for e in enrollments if e.state == value])
            for value, label in EnrollmentState.choices
        ]
        return render(
            request,
            "programs/recruiting_roster.html",
            {
                "program": program,
                "groups": [(label, rows) for label, rows in groups if rows],
                "places_taken": sum(1 for e in enrollments if e.state in PLACE_HOLDING_STATES),
                "withdraw_form": WithdrawForm(),
            },
        )


class InviteView(RecruitingMixin, View):
    """Bulk invitation from the candidate list: POST creator ids and an optional override."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.program(kwargs["pk"])
        ids = [int(v) for v in request.POST.getlist("creator") if v.isdigit()]
        creators = list(CreatorProfile.objects.filter(organization=self.organization, pk__in=ids))
        if len(creators) != len(set(ids)):
            raise Http404(gettext("Not found."))
        try:
            created = recruiting.enrollment_invite(
                program=program,
                creators=creators,
                actor=request.user,
                override_reason=request.POST.get("override_reason", ""),
            )
        except DomainError as exc:
            # The candidate list again, with the refusal and the ISM's picks (400, 409).
            return candidates_page(
                request, self.organization, program, error=str(exc), status=exc.status_code
            )
        invited = sum(1 for e in created if e.state == EnrollmentState.INVITED)
        waitlisted = len(created) - invited
        note = f"{invited} invited" + (
            f", {waitlisted} on the waitlist (program full)" if waitlisted else ""
        )
        messages.success(request, note + ".")
        return redirect(
            reverse(
                "desk_program_roster", kwargs={"org_slug": self.organization.slug, "pk": program.pk}
            )
        )


# --- the enrollment hub (every role covering the brand reads it; actions need their role) ---

WITHDRAWABLE = frozenset(
    {
        EnrollmentState.WAITLISTED,
        EnrollmentState.INVITED,
        EnrollmentState.ACCEPTED,
        EnrollmentState.CONFIRMED,
    }
)
AMENDABLE_STATES = PLACE_HOLDING_STATES - {EnrollmentState.WAITLISTED}
CASE_STATES = frozenset(
    {EnrollmentState.ACCEPTED, EnrollmentState.CONFIRMED, EnrollmentState.ACTIVE}
)
# Who may post each action of the hub: the same predicates as the API's actions.
HUB_ACTIONS: dict[str, Callable[[Membership], bool]] = {
    "confirm": permissions.can_work_prelaunch,
    "withdraw": permissions.can_work_prelaunch,
    "amend": permissions.can_amend_terms,
}


def amend_prefill(request: HttpRequest) -> dict[str, str]:
    """Initial amendment values from the link that led here (``?per_click_rate=0.15&reason=…``,
    as a task's remedy offers): only shown in the form, never written without a POST."""
    if request.method != "GET":
        return {}
    return {name: request.GET[name] for name in AmendForm.base_fields if name in request.GET}


class EnrollmentView(OrgViewMixin, View):
    """One creator in one program: state and its actions, terms versions with what changed,
    deliverables, clicks, payouts, thread, tasks, cases and history.

    Any role covering the program's brand reads it (another brand's or org's is a 404); an
    action without its role is a 403 and writes nothing.
    """

    def enrollment(self, pk: Any) -> Enrollment:
        rows = selectors.hub_enrollments(organization=self.organization, membership=self.membership)
        return get_for_org(rows, self.organization, pk)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render(request, self.enrollment(kwargs["pk"]))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        enrollment = self.enrollment(kwargs["pk"])
        action = request.POST.get("action", "")
        allowed = HUB_ACTIONS.get(action)
        if allowed is None:
            messages.error(request, gettext("Choose an action."))
            return self._render(request, enrollment, status=400)
        if not allowed(self.membership):
            raise PermissionDenied(gettext("Your role does not allow this."))
        amend_form = AmendForm(request.POST if action == "amend" else None)
        withdraw_form = WithdrawForm(request.POST if action == "withdraw" else None)
        try:
            if action == "confirm":
                recruiting.enrollment_confirm(enrollment=enrollment, actor=request.user)
                messages.success(
                    request,
                    gettext("%(display_name)s is confirmed.")
                    % {"display_name": enrollment.creator.display_name},
                )
                return redirect(request.path)
            if action == "withdraw" and withdraw_form.is_valid():
                recruiting.enrollment_withdraw(
                    enrollment=enrollment,
                    actor=request.user,
                    reason=withdraw_form.cleaned_data["reason"],
                )
                messages.success(request, gettext("The place was withdrawn."))
                return redirect(request.path)
            if action == "amend" and amend_form.is_valid():
                version = recruiting.terms_amend(
                    enrollment=enrollment,
                    actor=request.user,
                    reason=amend_form.cleaned_data["reason"],
                    changes=amend_form.changes(),
                )
                messages.success(
                    request,
                    gettext("Terms version %(number)s sent to the creator.")
                    % {"number": version.number},
                )
                return redirect(request.path)
        except DomainError as exc:
            messages.error(request, str(exc))
            return self._render(request, self.enrollment(kwargs["pk"]), status=exc.status_code)
        return self._render(request, enrollment, amend_form, withdraw_form, status=400)

    def _render(
        self,
        request: HttpRequest,
        enrollment: Enrollment,
        amend_form: AmendForm | None = None,
        withdraw_form: WithdrawForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        member = self.membership
        hub = selectors.enrollment_hub(
            enrollment=enrollment,
            with_money=permissions.can_view_payouts(member),
            with_desk=permissions.can_use_desk(member),
        )
        hours = enrollment_hours(enrollment=enrollment, with_money=hub.payouts is not None)
        state = enrollment.state
        can_confirm = permissions.can_work_prelaunch(member) and state == EnrollmentState.ACCEPTED
        cases_allowed = may_act_on_cases(member, enrollment.program.brand)
        context = {
            "organization": self.organization,
            "membership": member,
            "enrollment": enrollment,
            "hub": hub,
            "hours": hours,
            "latest": hub.terms[0].version if hub.terms else None,
            "pace": enrollment_pace(
                enrollment, org_today(self.organization), valid_clicks=hub.valid_clicks
            ),
            "can_confirm": can_confirm,
            "milestone_blocked": can_confirm
            and recruiting.open_milestone_correction(enrollment=enrollment),
            "can_amend": permissions.can_amend_terms(member) and state in AMENDABLE_STATES,
            "can_withdraw": permissions.can_work_prelaunch(member) and state in WITHDRAWABLE,
            "can_open_case": cases_allowed and state in CASE_STATES and hub.open_case is None,
            "can_end": cases_allowed and hub.open_case is not None,
            "amend_form": amend_form or AmendForm(initial=amend_prefill(request)),
            "withdraw_form": withdraw_form or WithdrawForm(),
            # Orders are attributed by the tracked link or these codes (commerce).
            "discount_codes": discount_codes_of(enrollment=enrollment)
            if hub.payouts is not None
            else None,
            "can_manage_codes": can_manage_orders(member),
        }
        return render(request, "programs/recruiting_enrollment.html", context, status=status)


class EnrollmentMovedView(OrgViewMixin, View):
    """The hub's old desk address: a permanent redirect for the enrollments the member may
    read, the hub's own 404 for any other (so the redirect tells nothing about foreign ids)."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rows = selectors.hub_enrollments(organization=self.organization, membership=self.membership)
        enrollment = get_for_org(rows.select_related(None), self.organization, kwargs["pk"])
        slug_pk = {"org_slug": self.organization.slug, "pk": enrollment.pk}
        return HttpResponsePermanentRedirect(reverse("enrollment_detail", kwargs=slug_pk))
