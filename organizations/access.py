"""The application wall: the only door from a URL's org slug to an org's data.

``resolve_membership`` finds the org, checks membership, narrows the transaction's RLS scope to
that org, and answers 404 for a missing org and for someone else's alike. ``OrgViewMixin`` (pages)
and ``OrgScopedViewSet`` (API) are built on it; both scope querysets to the org, and a subclass
extends ``get_org_queryset`` instead of overriding ``get_queryset``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext
from rest_framework import exceptions as api_exceptions
from rest_framework.request import Request
from rest_framework.viewsets import GenericViewSet

from accounts.selectors import user_has_totp
from influencer_ops.tenancy import activate_orgs
from organizations.models import Membership, Organization
from organizations.permissions import requires_mfa
from organizations.selectors import membership_for, organization_by_slug

M = TypeVar("M", bound=Model)
Capability = Callable[[Membership], bool]


class MfaRequired(Exception):
    pass


def resolve_membership(request: HttpRequest, slug: str) -> tuple[Organization, Membership]:
    organization = organization_by_slug(slug)
    if organization is None:
        raise Http404(gettext("No such organization."))
    membership = membership_for(user=request.user, organization=organization)
    if membership is None:
        raise Http404(gettext("No such organization."))
    activate_orgs([organization.pk], user_id=request.user.pk)
    prefetch_related_objects([membership], "brands")
    if requires_mfa(membership) and not user_has_totp(user=request.user):
        raise MfaRequired
    return organization, membership


def get_for_org(queryset: QuerySet[M], organization: Organization, pk: Any) -> M:
    """Fetch by id *and* org; 404 for missing and not-yours alike."""
    try:
        return queryset.get(organization=organization, pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404(gettext("Not found.")) from exc


class OrgViewMixin(LoginRequiredMixin):
    """Base for every /orgs/<slug>/ page: membership, MFA and one capability, checked once."""

    capability: ClassVar[Capability | None] = None
    organization: Organization
    membership: Membership

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.organization, self.membership = resolve_membership(request, kwargs["org_slug"])
        except MfaRequired:
            messages.warning(
                request,
                gettext(
                    "Your organization requires two-factor sign-in for your role. "
                    "Set up an authenticator app to continue."
                ),
            )
            return redirect(f"/accounts/2fa/totp/activate/?next={request.path}")
        capability = type(self).capability
        if capability is not None and not capability(self.membership):
            raise PermissionDenied(gettext("Your role does not allow this."))
        request.session["current_org"] = self.organization.slug
        request.membership = self.membership  # type: ignore[attr-defined]
        return super().dispatch(request, *args, **kwargs)


class OrgScopedViewSet(GenericViewSet):
    """Base for every /api/v1/orgs/<slug>/ endpoint.

    ``capabilities`` maps an action name (or "*") to the predicate it needs.
    """

    capabilities: ClassVar[dict[str, Capability]] = {}
    organization: Organization
    membership: Membership
    lookup_value_regex = r"[0-9]+"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        try:
            self.organization, self.membership = resolve_membership(request, kwargs["org_slug"])
        except Http404 as exc:
            raise api_exceptions.NotFound(gettext("Not found.")) from exc
        except MfaRequired as exc:
            raise api_exceptions.PermissionDenied(
                gettext("Your organization requires two-factor sign-in for your role.")
            ) from exc
        capability = self.capabilities.get(self.action or "", self.capabilities.get("*"))
        if capability is not None and not capability(self.membership):
            raise api_exceptions.PermissionDenied(gettext("Your role does not allow this."))

    def get_org_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no org
            return self.queryset.none() if self.queryset is not None else QuerySet().none()
        return self.get_org_queryset().filter(organization=self.organization)
