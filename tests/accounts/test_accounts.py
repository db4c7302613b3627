"""Accounts: e-mail login, creator sign-up, where each kind of user lands, MFA sign-in."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from organizations.roles import Role
from tests.conftest import Cast, login_client
from tests.factories import PASSWORD, TOTP_SECRET, UserFactory, totp_code
from tests.factories.organizations import with_totp

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_emails_are_unique_regardless_of_case() -> None:
    from django.db import IntegrityError, transaction

    UserFactory(email="Same@Example.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="same@example.TEST")


def test_public_signup_creates_a_creator_account_that_must_verify_its_email() -> None:
    response = Client().post(
        reverse("account_signup"),
        {
            "email": "new.creator@example.test",
            "password1": "a-long-unusual-pass-42",
            "password2": "a-long-unusual-pass-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.creator@example.test")
    assert user.is_creator
    assert not EmailAddress.objects.get(user=user).verified


def test_anonymous_home_is_the_landing_page() -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.ADMIN, "org_home"),
        (Role.ISM, "org_desk"),
        (Role.BSM, "org_desk"),
        (Role.BRAND_MANAGER, "org_home"),
        (Role.APPROVER, "org_home"),
        (Role.ANALYST, "org_home"),
    ],
)
def test_each_role_lands_in_the_right_place(cast: Cast, role: str, landing: str) -> None:
    response = cast.client_for(role).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse(landing, kwargs={"org_slug": "northwind"})


def test_a_creator_lands_in_the_portal() -> None:
    creator = UserFactory(is_creator=True)
    client = login_client(creator)
    response = client.get("/")
    assert response["Location"] == reverse("portal_home")
    assert client.get(reverse("portal_home")).status_code == 200


def test_staff_without_creator_access_cannot_open_the_portal(cast: Cast) -> None:
    assert cast.client_for(Role.ADMIN).get(reverse("portal_home")).status_code == 403


def test_anonymous_portal_is_sent_to_sign_in() -> None:
    response = Client().get(reverse("portal_home"))
    assert response.status_code == 302


def test_a_user_without_org_or_portal_sees_what_to_do() -> None:
    response = login_client(UserFactory()).get("/")
    assert response.status_code == 200
    assert b"No workspace yet" in response.content


def test_signing_in_with_totp_asks_for_the_code(cast: Cast) -> None:
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": "admin@northwind.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200  # wrong code: the form again
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(TOTP_SECRET)})
    assert response.status_code == 302
    assert client.get(reverse("org_home", kwargs={"org_slug": "northwind"})).status_code == 200


def test_a_wrong_password_is_refused() -> None:
    UserFactory(email="who@example.test")
    response = Client().post(
        reverse("account_login"), {"login": "who@example.test", "password": "nope"}
    )
    assert response.status_code == 200
    assert b"not correct" in response.content


def test_healthz_reports_database_and_broker() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] is True
    assert response.json()["broker"] is True


def staff_client(**user: object) -> Client:
    """A platform staff member signed in through allauth with password and TOTP."""
    staff = with_totp(UserFactory(is_staff=True, is_superuser=True, **user))
    client = Client()
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(TOTP_SECRET)})
    assert response.status_code == 302
    return client


def test_platform_staff_use_the_admin_across_orgs(cast: Cast) -> None:
    client = staff_client()
    for url in (
        "/admin/",
        "/admin/organizations/brand/",
        "/admin/messaging/task/",
        "/admin/programs/program/",
        "/admin/influencer_ops/auditevent/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get("/admin/organizations/brand/").content
    assert b"Lumen" in page
    assert b"Acme Snacks" in page


def test_org_admins_are_not_platform_staff(cast: Cast) -> None:
    response = cast.client_for(Role.ADMIN).get("/admin/organizations/brand/")
    assert response.status_code == 302


@pytest.mark.parametrize("superuser", [False, True])
def test_staff_with_a_password_alone_are_sent_to_set_up_totp(superuser: bool) -> None:
    staff = UserFactory(is_staff=True, is_superuser=superuser)
    client = Client()
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302  # signed in: no authenticator yet, so no second step
    for url in ("/admin/", "/admin/organizations/brand/"):
        response = client.get(url, follow=True)
        # To the admin's login, which sends them to set up TOTP (after allauth's own check).
        chain = [location for location, _ in response.redirect_chain]
        assert chain[0].startswith("/admin/login/"), url
        assert chain[1].startswith(reverse("mfa_activate_totp")), url
        assert b"Acme" not in response.content
    assert client.get("/admin/login/?next=/admin/")["Location"].startswith(
        reverse("mfa_activate_totp")
    )


def test_staff_with_totp_who_skipped_it_this_session_must_pass_it() -> None:
    staff = with_totp(UserFactory(is_staff=True))
    client = login_client(staff)  # a session without the second factor
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('mfa_reauthenticate')}?next=%2Fadmin%2F"
    assert response.status_code == 200  # the code form
    response = client.post(
        f"{reverse('mfa_reauthenticate')}?next=/admin/", {"code": totp_code(TOTP_SECRET)}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admins_password_only_login_form_is_gone() -> None:
    staff = with_totp(UserFactory(is_staff=True, is_superuser=True))
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"
    response = client.get("/admin/")
    assert response.status_code == 302  # still not signed in
    # An open redirect through ?next= is refused.
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_staff_who_passed_totp_reach_the_admin() -> None:
    assert staff_client().get("/admin/").status_code == 200
