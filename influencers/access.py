"""The portal's wall, the creator-side door: a creator sees only their own profiles' orgs, and
within them only what the selectors give for their own user.

Every portal page subclasses ``CreatorViewMixin`` and every ``/api/v1/me/`` endpoint
``CreatorScopedViewSet`` (or calls ``activate_creator_scope`` first, for a function view). A
signed-in user who is not a creator gets 403; an object of another creator is a 404, the same
answer as a missing one, because the selectors filter by the user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from rest_framework import exceptions as api_exceptions
from rest_framework.request import Request
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from influencer_ops.tenancy import activate_orgs, db_scope
from influencers.models import CreatorProfile


def activate_creator_scope(request: HttpRequest | Any) -> list[CreatorProfile]:
    """Narrow the request's RLS scope to the orgs where the user has a creator profile."""
    user: Any = request.user
    if not user.is_authenticated or not getattr(user, "is_creator", False):
        raise PermissionDenied(gettext("The portal is for creators."))
    return _narrow_to_own_orgs(user)


def _narrow_to_own_orgs(user: Any) -> list[CreatorProfile]:
    # The scope lets the user read their own profiles in every org (the profile table's
    # ``rls_extra_using``); their orgs then become the scope.
    profiles = list(CreatorProfile.objects.filter(user=user).select_related("organization"))
    activate_orgs([p.organization_id for p in profiles], user_id=user.pk)
    return profiles


@contextmanager
def creator_job_scope(user: Any) -> Iterator[list[CreatorProfile]]:
    """The portal's door for a job about one creator's own data (their data export): the
    block sees the orgs where the user has a creator profile, as their portal pages do."""
    with db_scope(user_id=user.pk):
        yield _narrow_to_own_orgs(user)


class CreatorViewMixin:
    """Base for every /portal/ page: signed in (else to the login page), a creator (else 403),
    and the RLS scope narrowed to the creator's orgs before the view runs any query."""

    creator_profiles: list[CreatorProfile]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={quote(request.get_full_path())}")
        self.creator_profiles = activate_creator_scope(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class _CreatorAPIDoor:
    """The API side of the door: not a creator → 403, scope narrowed before the handler runs."""

    creator_profiles: list[CreatorProfile]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        try:
            self.creator_profiles = activate_creator_scope(request)
        except PermissionDenied as exc:
            raise api_exceptions.PermissionDenied(
                gettext("These endpoints are for creators.")
            ) from exc


class CreatorScopedViewSet(_CreatorAPIDoor, GenericViewSet):
    """Base for every /api/v1/me/ resource: a creator's own data across their orgs.

    Subclasses give ``get_creator_queryset`` (from a selector that filters by the user); the
    scope is narrowed before it runs. Not a creator → 403; another creator's id → 404."""

    lookup_value_regex = r"[0-9]+"

    def get_creator_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return self.queryset.none() if self.queryset is not None else QuerySet().none()
        return self.get_creator_queryset()


class CreatorAPIView(_CreatorAPIDoor, APIView):
    """Base for a /api/v1/me/ endpoint that is not a set of rows (the creator's profile, one
    deliverable's extension requests): the same door as ``CreatorScopedViewSet``."""
