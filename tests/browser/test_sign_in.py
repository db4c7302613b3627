"""A person signs in: an org admin with TOTP switches org; a creator lands in the portal."""

from __future__ import annotations

from typing import Any

import pytest

from influencer_ops.tenancy import dangerously_unscoped
from organizations.models import Membership
from organizations.roles import Role
from tests.factories import (
    PASSWORD,
    BrandFactory,
    OrganizationFactory,
    UserFactory,
    totp_code,
    with_totp,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_org_admin_signs_in_with_totp_and_switches_org(live_server: Any, page: Any) -> None:
    with dangerously_unscoped():
        north = OrganizationFactory(name="Northwind Agency", slug="northwind")
        acme = OrganizationFactory(name="Acme Foods", slug="acme-foods")
        BrandFactory(organization=north, name="Lumen Skincare")
        BrandFactory(organization=acme, name="Acme Snacks")
        admin = with_totp(UserFactory(email="admin@demo.test"))
        Membership.objects.create(organization=north, user=admin, role=Role.ADMIN)
        Membership.objects.create(organization=acme, user=admin, role=Role.ADMIN)

    _sign_in(page, live_server.url, "admin@demo.test")
    page.get_by_label("Code").fill(totp_code())
    page.get_by_role("button", name="Sign In").click()

    page.wait_for_url("**/orgs/*/")
    assert page.get_by_role("heading", level=1).inner_text() in ("Northwind Agency", "Acme Foods")
    page.locator("summary", has_text="switch organization").click()
    page.get_by_role("link", name="Acme Foods").click()
    page.wait_for_url("**/orgs/acme-foods/")
    assert page.get_by_role("heading", level=1).inner_text() == "Acme Foods"
    assert page.get_by_text("Acme Snacks").is_visible()
    assert page.get_by_text("Lumen Skincare").count() == 0
    page.locator("summary", has_text="switch organization").click()
    page.get_by_role("link", name="Northwind Agency").click()
    page.wait_for_url("**/orgs/northwind/")
    assert page.get_by_text("Lumen Skincare").is_visible()


def test_creator_signs_in_and_lands_in_the_portal(live_server: Any, page: Any) -> None:
    with dangerously_unscoped():
        UserFactory(email="creator@demo.test", name="Cara Creator", is_creator=True)
    _sign_in(page, live_server.url, "creator@demo.test")
    page.wait_for_url("**/portal/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Cara Creator"
    assert page.get_by_role("link", name="Creator portal").is_visible()


def test_admin_without_an_authenticator_is_asked_to_set_one_up(live_server: Any, page: Any) -> None:
    with dangerously_unscoped():
        org = OrganizationFactory(name="Northwind Agency", slug="northwind")
        admin = UserFactory(email="fresh-admin@demo.test")
        Membership.objects.create(organization=org, user=admin, role=Role.ADMIN)
    _sign_in(page, live_server.url, "fresh-admin@demo.test")
    # allauth asks for the password again before an authenticator can be added.
    page.wait_for_url("**/accounts/reauthenticate/**")
    assert page.get_by_text("requires two-factor sign-in").is_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    # They land where they were going (their org's home), not on the recovery codes; the
    # message says where the codes are and takes the focus.
    page.wait_for_url(f"{live_server.url}/orgs/northwind/")
    assert page.get_by_role("heading", level=1).inner_text() == "Northwind Agency"
    assert page.get_by_role("link", name="recovery codes").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('messages')")
