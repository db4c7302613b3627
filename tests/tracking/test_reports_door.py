"""The creator-side door of the performance page and endpoint (CreatorViewMixin and
CreatorScopedViewSet): signed out, not a creator, another creator's enrollment."""

from __future__ import annotations

from urllib.parse import quote

from django.test import Client
from django.urls import reverse

from organizations.roles import Role
from tests.conftest import World


def test_signed_out_the_performance_page_sends_to_the_login_page(world: World) -> None:
    url = reverse("portal_performance", kwargs={"pk": world.enrollment.pk})
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={quote(url)}"


def test_signed_out_the_performance_endpoint_refuses(world: World) -> None:
    response = Client().get(f"/api/v1/me/enrollments/{world.enrollment.pk}/performance/")
    assert response.status_code in (401, 403)


def test_a_staff_member_is_refused_with_the_creators_only_message(world: World) -> None:
    client = world.cast.client_for(Role.ADMIN)
    response = client.get(f"/api/v1/me/enrollments/{world.enrollment.pk}/performance/")
    assert response.status_code == 403
    assert response.json()["detail"] == "These endpoints are for creators."


def test_a_missing_enrollment_is_404_on_the_page_and_the_endpoint(world: World) -> None:
    client = world.creator_client()
    missing = world.enrollment.pk + 10_000
    assert client.get(reverse("portal_performance", kwargs={"pk": missing})).status_code == 404
    response = client.get(f"/api/v1/me/enrollments/{missing}/performance/")
    assert response.status_code == 404
