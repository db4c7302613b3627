"""The viewer's time zone: the preference form, its default (the org's; a creator's first org's)
and the middleware that activates it for each request."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import viewer_time_zone
from organizations.models import Organization
from organizations.roles import Role
from tests.conftest import Cast, World, login_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PREFERENCES = "/accounts/preferences/"


def set_org_zone(org: Organization, zone: str) -> None:
    Organization.objects.filter(pk=org.pk).update(time_zone=zone)


def test_the_preferences_page_is_linked_from_every_signed_in_page(cast: Cast) -> None:
    response = cast.client_for(Role.ANALYST).get(reverse("org_home", args=[cast.org.slug]))
    assert f'href="{PREFERENCES}"'.encode() in response.content
    assert reverse("account_preferences") == PREFERENCES


def test_it_requires_signing_in() -> None:
    response = Client().get(PREFERENCES)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_user_sets_their_own_zone(cast: Cast) -> None:
    user = cast.members[Role.ANALYST].user
    client = login_client(user)
    response = client.post(PREFERENCES, {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.time_zone == "Asia/Tokyo"
    page = client.get(PREFERENCES)
    assert b"Asia/Tokyo" in page.content
    assert b"JST" in page.content or b"GMT+9" in page.content


def test_an_unknown_zone_is_a_400_and_changes_nothing(cast: Cast) -> None:
    user = cast.members[Role.ANALYST].user
    user.time_zone = "Europe/Paris"
    user.save()
    response = login_client(user).post(PREFERENCES, {"time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    user.refresh_from_db()
    assert user.time_zone == "Europe/Paris"


def test_an_empty_choice_goes_back_to_the_orgs_zone(cast: Cast) -> None:
    set_org_zone(cast.org, "America/Chicago")
    user = cast.members[Role.ANALYST].user
    user.time_zone = "Asia/Tokyo"
    user.save()
    client = login_client(user)
    assert client.post(PREFERENCES, {"time_zone": ""}).status_code == 302
    user.refresh_from_db()
    assert user.time_zone == ""
    assert b"America/Chicago" in client.get(PREFERENCES).content


def test_the_default_is_the_org_in_the_url(cast: Cast) -> None:
    set_org_zone(cast.org, "America/New_York")
    set_org_zone(cast.outsider_org, "Asia/Kolkata")
    user = cast.members[Role.ADMIN].user
    assert viewer_time_zone(user=user, org_slug=cast.org.slug) == "America/New_York"
    # Another org's slug (not a member): never its zone.
    assert viewer_time_zone(user=user, org_slug=cast.outsider_org.slug) == "America/New_York"
    assert viewer_time_zone(user=cast.outsider.user, org_slug=None) == "Asia/Kolkata"


def test_a_creator_defaults_to_their_first_orgs_zone(world: World) -> None:
    set_org_zone(world.cast.org, "Australia/Sydney")
    assert viewer_time_zone(user=world.creator.user) == "Australia/Sydney"
    page = world.creator_client().get(PREFERENCES)
    assert b"Australia/Sydney" in page.content


def test_a_user_with_no_org_reads_utc() -> None:
    assert viewer_time_zone(user=UserFactory()) == "UTC"


def test_an_unknown_stored_zone_falls_back(cast: Cast) -> None:
    set_org_zone(cast.org, "Europe/Madrid")
    user = cast.members[Role.ANALYST].user
    user.time_zone = "Nowhere/Special"
    assert viewer_time_zone(user=user, org_slug=cast.org.slug) == "Europe/Madrid"


def test_the_middleware_activates_the_zone_for_the_request_only(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from organizations import views

    set_org_zone(cast.org, "Europe/Berlin")
    seen: list[str] = []
    original = views.AuditView.get

    def get(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(timezone.get_current_timezone_name())
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(views.AuditView, "get", get)
    response = cast.client_for(Role.ADMIN).get(reverse("org_audit", args=[cast.org.slug]))
    assert response.status_code == 200
    assert seen == ["Europe/Berlin"]
    assert timezone.get_current_timezone_name() == "UTC"


def test_a_page_shows_times_in_the_orgs_zone_not_utc(db: None) -> None:
    from tests.conftest import build_cast

    with time_machine.travel(datetime(2026, 1, 15, 15, 0, tzinfo=UTC), tick=False):
        cast = build_cast()
        set_org_zone(cast.org, "America/New_York")
        response = cast.client_for(Role.ADMIN).post(
            reverse("org_brands", args=[cast.org.slug]), {"name": "Evergreen"}
        )
        assert response.status_code in (200, 302)
        page = cast.client_for(Role.ADMIN).get(reverse("org_audit", args=[cast.org.slug]))
    text = page.content.decode()
    assert "Jan\xa015,\xa02026, 10:00" in text
    assert "EST" in text
    assert "UTC" not in text
    assert "15:00" not in text
