"""Org web app pages: thin; each calls one service or selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from influencer_ops.csv_export import csv_download, csv_text
from influencer_ops.errors import DomainError, form_add_domain_error, refuse_back
from influencer_ops.history import describe_events
from influencer_ops.history.export import CHUNK, CSV_HEADERS, csv_rows
from organizations import permissions, selectors, services
from organizations.access import OrgViewMixin, get_for_org
from organizations.forms import (
    AcceptInvitationForm,
    AuditFilterForm,
    BrandForm,
    InvitationForm,
    MembershipRoleForm,
    OrganizationSettingsForm,
)
from organizations.home import staff_home
from organizations.models import Brand, Membership, StaffInvitation
from organizations.roles import SUCCESS_ROLES, Role
from tracking.reports.charts import week_clicks_chart


def _org_url(name: str, organization: Any, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


class OrgHomeView(OrgViewMixin, TemplateView):
    template_name = "organizations/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        home = staff_home(membership=self.membership)
        context["home"] = home
        context["chart"] = week_clicks_chart(home.clicks) if home.clicks is not None else None
        context["brands"] = selectors.brand_list(organization=self.organization)
        context["member_count"] = selectors.member_list(organization=self.organization).count()
        context["is_success_role"] = self.membership.role in SUCCESS_ROLES
        return context


class MemberListView(OrgViewMixin, View):
    capability = permissions.can_view_members

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render(request, InvitationForm(organization=self.organization))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_manage_members(self.membership):
            return render(request, "403.html", status=403)
        form = InvitationForm(request.POST, organization=self.organization)
        if form.is_valid():
            try:
                services.invitation_create(
                    organization=self.organization,
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    brands=form.cleaned_data["brands"],
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)  # re-rendered with 400, as always
            else:
                messages.success(
                    request,
                    gettext("Invitation sent to %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect(_org_url("org_members", self.organization))
        return self._render(request, form, status=400)

    def _render(
        self, request: HttpRequest, form: InvitationForm, status: int = 200
    ) -> HttpResponse:
        can_manage = permissions.can_manage_members(self.membership)
        context = {
            "organization": self.organization,
            "membership": self.membership,
            "members": selectors.member_list(organization=self.organization),
            "invitations": selectors.invitation_list(organization=self.organization)
            if can_manage
            else [],
            "form": form,
            "can_manage": can_manage,
        }
        return render(request, "organizations/members.html", context, status=status)


class MemberEditView(OrgViewMixin, View):
    capability = permissions.can_manage_members

    def _membership(self, pk: int) -> Membership:
        return get_for_org(
            selectors.member_list(organization=self.organization), self.organization, pk
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = self._membership(kwargs["pk"])
        form = MembershipRoleForm(
            organization=self.organization,
            initial={"role": member.role, "brands": list(member.brands.all())},
        )
        return self._render(request, member, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member = self._membership(kwargs["pk"])
        if request.POST.get("action") == "remove":
            try:
                services.membership_remove(membership=member, actor=request.user)
            except DomainError as exc:
                back = _org_url("org_member_edit", self.organization, pk=member.pk)
                return refuse_back(request, exc, back)
            messages.success(
                request, gettext("%(email)s was removed.") % {"email": member.user.email}
            )
            return redirect(_org_url("org_members", self.organization))
        form = MembershipRoleForm(request.POST, organization=self.organization)
        if form.is_valid():
            try:
                services.membership_set_role(
                    membership=member,
                    actor=request.user,
                    role=form.cleaned_data["role"],
                    brands=form.cleaned_data["brands"],
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)  # re-rendered with 400, as always
            else:
                messages.success(
                    request,
                    gettext("%(email)s is now %(label)s.")
                    % {"email": member.user.email, "label": Role(form.cleaned_data["role"]).label},
                )
                return redirect(_org_url("org_members", self.organization))
        return self._render(request, member, form, status=400)

    def _render(
        self, request: HttpRequest, member: Membership, form: MembershipRoleForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "organization": self.organization,
            "membership": self.membership,
            "member": member,
            "form": form,
        }
        return render(request, "organizations/member_edit.html", context, status=status)


class InvitationRevokeView(OrgViewMixin, View):
    capability = permissions.can_manage_members

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = get_for_org(StaffInvitation.objects.all(), self.organization, kwargs["pk"])
        members_url = _org_url("org_members", self.organization)
        try:
            services.invitation_revoke(invitation=invitation, actor=request.user)
        except DomainError as exc:
            return refuse_back(request, exc, members_url)
        messages.success(
            request,
            gettext("The invitation for %(email)s was revoked.") % {"email": invitation.email},
        )
        return redirect(members_url)


class BrandListView(OrgViewMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render(request, BrandForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_manage_brands(self.membership):
            return render(request, "403.html", status=403)
        form = BrandForm(request.POST)
        if form.is_valid():
            try:
                brand = services.brand_create(
                    organization=self.organization,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)  # on the name field; re-rendered with 400
            else:
                messages.success(
                    request, gettext("Brand “%(name)s” created.") % {"name": brand.name}
                )
                return redirect(_org_url("org_brands", self.organization))
        return self._render(request, form, status=400)

    def _render(self, request: HttpRequest, form: BrandForm, status: int = 200) -> HttpResponse:
        context = {
            "organization": self.organization,
            "membership": self.membership,
            "brands": selectors.brand_list(organization=self.organization),
            "form": form,
            "can_manage": permissions.can_manage_brands(self.membership),
        }
        return render(request, "organizations/brands.html", context, status=status)


class BrandEditView(OrgViewMixin, View):
    capability = permissions.can_manage_brands

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        brand = get_for_org(Brand.objects.all(), self.organization, kwargs["pk"])
        return self._render(request, brand, BrandForm(initial={"name": brand.name}))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        brand = get_for_org(Brand.objects.all(), self.organization, kwargs["pk"])
        form = BrandForm(request.POST)
        if form.is_valid():
            try:
                services.brand_rename(
                    brand=brand, actor=request.user, name=form.cleaned_data["name"]
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)  # on the name field; re-rendered with 400
            else:
                messages.success(request, gettext("Brand renamed."))
                return redirect(_org_url("org_brands", self.organization))
        return self._render(request, brand, form, status=400)

    def _render(
        self, request: HttpRequest, brand: Brand, form: BrandForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "organization": self.organization,
            "membership": self.membership,
            "brand": brand,
            "form": form,
        }
        return render(request, "organizations/brand_edit.html", context, status=status)


class SettingsView(OrgViewMixin, View):
    capability = permissions.can_manage_settings

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        org = self.organization
        form = OrganizationSettingsForm(
            initial={
                "name": org.name,
                "time_zone": org.time_zone,
                "default_currency": org.default_currency,
                "mfa_required": org.mfa_required,
            }
        )
        return self._render(request, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = OrganizationSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.organization_update_settings(
                    organization=self.organization, actor=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)  # re-rendered with 400, as always
            else:
                messages.success(request, gettext("Settings saved."))
                return redirect(_org_url("org_settings", self.organization))
        return self._render(request, form, status=400)

    def _render(
        self, request: HttpRequest, form: OrganizationSettingsForm, status: int = 200
    ) -> HttpResponse:
        context = {"organization": self.organization, "membership": self.membership, "form": form}
        return render(request, "organizations/settings.html", context, status=status)


AUDIT_PAGE_SIZE = 50


class AuditView(OrgViewMixin, View):
    """The audit trail in sentences, 50 a page, filtered by who, what and when. An htmx
    request (a filter changed) gets the results only; a filter that does not hold (a bad date,
    someone not in the org) is refused with 400 and the form says why."""

    capability = permissions.can_view_audit

    def filtered(self) -> tuple[AuditFilterForm, selectors.AuditFilters | None]:
        members = selectors.member_list(organization=self.organization)
        form = AuditFilterForm(
            self.request.GET or None, members=members, system=selectors.SYSTEM_ACTOR
        )
        return form, form.filters()

    def refuse(self, form: AuditFilterForm) -> HttpResponse:
        context = self.context(form, refused=True)
        response = render(self.request, "organizations/audit.html", context, status=400)
        if self.request.htmx:  # type: ignore[attr-defined]
            response["HX-Redirect"] = self.request.get_full_path()  # show the errors in full
        return response

    def context(self, form: AuditFilterForm, **extra: Any) -> dict[str, Any]:
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            "organization": self.organization,
            "membership": self.membership,
            "form": form,
            "query": query.urlencode(),
            **extra,
        }

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, filters = self.filtered()
        if filters is None:
            return self.refuse(form)
        events = selectors.audit_events(organization=self.organization, filters=filters)
        page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
        lines = describe_events(page)
        context = self.context(form, page=page, lines=lines, applied=form.applied())
        htmx = request.htmx  # type: ignore[attr-defined]
        template = "organizations/_audit_results.html" if htmx else "organizations/audit.html"
        return render(request, template, context)


class AuditExportView(AuditView):
    """The filtered trail as CSV (``influencer_ops.history.export``)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, filters = self.filtered()
        if filters is None:
            return self.refuse(form)
        events = selectors.audit_events(organization=self.organization, filters=filters)
        text = csv_text(CSV_HEADERS, csv_rows(events.iterator(chunk_size=CHUNK)))
        return csv_download(text, f"audit-{self.organization.slug}.csv")


class InvitationAcceptView(View):
    """Public: the token in the link is the credential."""

    def _invitation(self, token: str) -> StaffInvitation:
        invitation = services.invitation_by_token(token)
        if invitation is None:
            raise Http404(gettext("This invitation link is not valid."))
        return invitation

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = self._invitation(token)
        return self._render(request, invitation, AcceptInvitationForm())

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = self._invitation(token)
        if invitation.state != "pending":
            return self._render(request, invitation, AcceptInvitationForm(), status=410)
        try:
            if request.user.is_authenticated:
                services.invitation_accept(invitation=invitation, user=request.user)
            else:
                form = AcceptInvitationForm(request.POST)
                if not form.is_valid():
                    return self._render(request, invitation, form, status=400)
                user = services.invitation_accept_with_new_account(
                    invitation=invitation,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        except DomainError as exc:
            messages.error(request, str(exc))
            return self._render(request, invitation, AcceptInvitationForm(), status=exc.status_code)
        messages.success(
            request, gettext("Welcome to %(name)s.") % {"name": invitation.organization.name}
        )
        return redirect(reverse("org_home", kwargs={"org_slug": invitation.organization.slug}))

    def _render(
        self,
        request: HttpRequest,
        invitation: StaffInvitation,
        form: AcceptInvitationForm,
        status: int = 200,
    ) -> HttpResponse:
        has_account = get_user_model().objects.filter(email__iexact=invitation.email).exists()
        context = {
            "invitation": invitation,
            "form": form,
            "has_account": has_account,
            "role_label": Role(invitation.role).label,
        }
        if invitation.state != "pending" and status == 200:
            status = 410
        return render(request, "organizations/invitation_accept.html", context, status=status)
