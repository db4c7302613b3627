"""Org web app pages: the wall (outsiders get 404), roles (403), and each use-case."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from influencer_ops.models import AuditEvent
from organizations.models import Brand, Membership, StaffInvitation
from organizations.roles import Role
from tests.conftest import Cast, login_client
from tests.factories import UserFactory
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

# Every org-scoped page, and the roles that may open it.
ALL_ROLES = set(Role.values)
PAGES = {
    "org_home": ALL_ROLES,
    "org_desk": {Role.ADMIN, Role.ISM, Role.BSM},
    "org_members": {Role.ADMIN, Role.ISM, Role.BSM},
    "org_brands": ALL_ROLES,
    "org_settings": {Role.ADMIN},
    "org_audit": {Role.ADMIN},
}


def _url(name: str, slug: str = "northwind", **kwargs: object) -> str:
    return reverse(name, kwargs={"org_slug": slug, **kwargs})


@pytest.mark.parametrize("page", sorted(PAGES))
def test_outsider_gets_404(cast: Cast, page: str) -> None:
    client = login_client(cast.outsider.user)
    response = client.get(_url(page))
    assert response.status_code == 404
    # The same answer as for an org that does not exist.
    assert client.get(_url(page, slug="no-such-org")).status_code == 404


@pytest.mark.parametrize("page", sorted(PAGES))
def test_anonymous_is_sent_to_sign_in(page: str, cast: Cast) -> None:
    response = Client().get(_url(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("role", sorted(Role.values))
def test_it_requires_the_right_role(cast: Cast, page: str, role: str) -> None:
    response = cast.client_for(role).get(_url(page))
    expected = 200 if role in PAGES[page] else 403
    assert response.status_code == expected


@pytest.mark.parametrize("name", ["org_member_edit", "org_brand_edit"])
def test_objects_of_another_org_answer_404_like_missing_ones(cast: Cast, name: str) -> None:
    client = cast.client_for(Role.ADMIN)
    foreign = (
        cast.outsider.pk
        if name == "org_member_edit"
        else Brand.objects.filter(organization=cast.outsider_org).first().pk
    )
    assert client.get(_url(name, pk=foreign)).status_code == 404
    assert client.get(_url(name, pk=999999)).status_code == 404


def test_admin_without_totp_is_sent_to_set_it_up(cast: Cast) -> None:
    user = UserFactory()
    Membership.objects.create(organization=cast.org, user=user, role=Role.ADMIN)
    response = login_client(user).get(_url("org_home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_mfa_is_not_forced_when_the_org_turns_it_off(cast: Cast) -> None:
    cast.org.mfa_required = False
    cast.org.save()
    user = UserFactory()
    Membership.objects.create(organization=cast.org, user=user, role=Role.ISM)
    assert login_client(user).get(_url("org_home")).status_code == 200


def test_brand_scoped_roles_are_not_forced_to_use_mfa(cast: Cast) -> None:
    user = UserFactory()
    Membership.objects.create(organization=cast.org, user=user, role=Role.ANALYST)
    assert login_client(user).get(_url("org_home")).status_code == 200


def test_org_home_lists_only_this_orgs_brands(cast: Cast) -> None:
    response = cast.client_for(Role.ANALYST).get(_url("org_home"))
    assert b"Lumen" in response.content
    assert b"Acme Snacks" not in response.content


def test_org_switcher_lists_every_org_of_the_user(cast: Cast) -> None:
    Membership.objects.create(
        organization=cast.outsider_org, user=cast.members[Role.ADMIN].user, role=Role.ANALYST
    )
    response = cast.client_for(Role.ADMIN).get(reverse("org_switcher"))
    assert b"Northwind" in response.content
    assert b"Acme" in response.content
    # The outsider sees only their own org.
    response = login_client(cast.outsider.user).get(reverse("org_switcher"))
    assert b"Northwind" not in response.content


def test_admin_invites_a_member_who_accepts_with_a_new_account(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    client = cast.client_for(Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("org_members"),
            {
                "email": "New.Person@Example.test",
                "role": Role.APPROVER,
                "brands": [cast.brand.pk],
            },
        )
    assert response.status_code == 302
    invitation = StaffInvitation.objects.get(organization=cast.org)
    assert invitation.email == "new.person@example.test"
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/invitations/" in line)
    path = "/" + link.split("/", 3)[3]
    anonymous = Client()
    assert anonymous.get(path).status_code == 200
    response = anonymous.post(path, {"name": "New Person", "password": "a-long-unusual-pass-42"})
    assert response.status_code == 302
    membership = Membership.objects.get(
        organization=cast.org, user__email="new.person@example.test"
    )
    assert membership.role == Role.APPROVER
    assert [b.pk for b in membership.brands.all()] == [cast.brand.pk]
    assert AuditEvent.objects.filter(organization=cast.org, verb="invitation.accepted").exists()
    # The link works once.
    assert (
        anonymous.post(path, {"name": "x", "password": "another-long-pass-43"}).status_code == 410
    )


def test_an_existing_user_accepts_while_signed_in(cast: Cast) -> None:
    from organizations.services import invitation_create

    invitee = UserFactory(email="already@example.test")
    _, token = invitation_create(
        organization=cast.org,
        actor=cast.members[Role.ADMIN].user,
        email=invitee.email,
        role=Role.ANALYST,
        brands=[cast.brand],
    )
    client = login_client(invitee)
    assert client.post(reverse("invitation_accept", kwargs={"token": token})).status_code == 302
    assert Membership.objects.filter(organization=cast.org, user=invitee).exists()


def test_an_invitation_cannot_be_accepted_by_someone_else(cast: Cast) -> None:
    from organizations.services import invitation_create

    _, token = invitation_create(
        organization=cast.org,
        actor=cast.members[Role.ADMIN].user,
        email="invitee@example.test",
        role=Role.ISM,
    )
    response = login_client(cast.outsider.user).post(
        reverse("invitation_accept", kwargs={"token": token})
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(organization=cast.org, user=cast.outsider.user).exists()


def test_an_expired_invitation_is_refused(cast: Cast) -> None:
    import time_machine

    from organizations.services import invitation_create

    _, token = invitation_create(
        organization=cast.org,
        actor=cast.members[Role.ADMIN].user,
        email="late@example.test",
        role=Role.ISM,
    )
    with time_machine.travel("2099-01-01"):
        response = Client().post(
            reverse("invitation_accept", kwargs={"token": token}),
            {"name": "Late", "password": "a-long-unusual-pass-42"},
        )
    assert response.status_code == 410
    assert not Membership.objects.filter(user__email="late@example.test").exists()


def test_an_unknown_invitation_token_is_404() -> None:
    assert Client().get("/invitations/not-a-real-token/").status_code == 404


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"email": "not-an-email", "role": Role.ISM}, b"valid email"),
        ({"email": "x@example.test", "role": Role.APPROVER}, b"at least one brand"),
        ({"email": "x@example.test", "role": "owner"}, b"Select a valid choice"),
        ({"email": "ism@northwind.test", "role": Role.ISM}, b"already a member"),
    ],
)
def test_bad_invitations_are_refused_and_change_nothing(
    cast: Cast, payload: dict, message: bytes
) -> None:
    response = cast.client_for(Role.ADMIN).post(_url("org_members"), payload)
    assert response.status_code == 400
    assert message in response.content
    assert not StaffInvitation.objects.exists()
    assert not mail.outbox


def test_a_second_open_invitation_to_the_same_address_is_refused(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    client.post(_url("org_members"), {"email": "dup@example.test", "role": Role.ISM})
    response = client.post(_url("org_members"), {"email": "DUP@example.test", "role": Role.BSM})
    assert response.status_code == 400
    assert StaffInvitation.objects.count() == 1


def test_only_admins_may_invite(cast: Cast) -> None:
    response = cast.client_for(Role.ISM).post(
        _url("org_members"), {"email": "a@b.test", "role": Role.ISM}
    )
    assert response.status_code == 403
    assert not StaffInvitation.objects.exists()


def test_admin_revokes_an_invitation(cast: Cast) -> None:
    from organizations.services import invitation_create

    invitation, token = invitation_create(
        organization=cast.org,
        actor=cast.members[Role.ADMIN].user,
        email="gone@example.test",
        role=Role.ISM,
    )
    cast.client_for(Role.ADMIN).post(_url("org_invitation_revoke", pk=invitation.pk))
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
    assert Client().get(reverse("invitation_accept", kwargs={"token": token})).status_code == 410


def test_outsider_cannot_revoke_an_invitation(cast: Cast) -> None:
    from organizations.services import invitation_create

    invitation, _ = invitation_create(
        organization=cast.org,
        actor=cast.members[Role.ADMIN].user,
        email="keep@example.test",
        role=Role.ISM,
    )
    response = login_client(cast.outsider.user).post(
        _url("org_invitation_revoke", slug="acme", pk=invitation.pk)
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == "pending"


def test_admin_changes_a_role_and_it_is_audited(cast: Cast) -> None:
    target = cast.members[Role.ANALYST]
    response = cast.client_for(Role.ADMIN).post(
        _url("org_member_edit", pk=target.pk), {"role": Role.BSM, "action": "role"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.BSM
    assert list(target.brands.all()) == []  # org-wide roles name no brands
    event = AuditEvent.objects.get(verb="membership.role_changed")
    assert event.before["role"] == Role.ANALYST
    assert event.after["role"] == Role.BSM


def test_the_last_admin_cannot_be_demoted_or_removed(cast: Cast) -> None:
    admin = cast.members[Role.ADMIN]
    client = cast.client_for(Role.ADMIN)
    response = client.post(
        _url("org_member_edit", pk=admin.pk), {"role": Role.ISM, "action": "role"}
    )
    assert response.status_code == 400
    assert b"at least one admin" in response.content
    client.post(_url("org_member_edit", pk=admin.pk), {"action": "remove"})
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_admin_removes_a_member(cast: Cast) -> None:
    target = cast.members[Role.APPROVER]
    cast.client_for(Role.ADMIN).post(_url("org_member_edit", pk=target.pk), {"action": "remove"})
    assert not Membership.objects.filter(pk=target.pk).exists()
    assert AuditEvent.objects.filter(verb="membership.removed").exists()


def test_admin_creates_and_renames_brands_and_duplicates_are_refused(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    assert client.post(_url("org_brands"), {"name": "Nova"}).status_code == 302
    brand = Brand.objects.get(organization=cast.org, name="Nova")
    response = client.post(_url("org_brands"), {"name": "nova"})
    assert response.status_code == 400
    assert Brand.objects.filter(organization=cast.org, name__iexact="nova").count() == 1
    assert (
        client.post(_url("org_brand_edit", pk=brand.pk), {"name": "Nova Labs"}).status_code == 302
    )
    brand.refresh_from_db()
    assert brand.name == "Nova Labs"


def test_a_brand_name_may_repeat_in_another_org(cast: Cast) -> None:
    response = login_client(cast.outsider.user).post(
        _url("org_brands", slug="acme"), {"name": "Lumen"}
    )
    assert response.status_code == 302


def test_non_admins_cannot_create_brands(cast: Cast) -> None:
    response = cast.client_for(Role.BRAND_MANAGER).post(_url("org_brands"), {"name": "Nope"})
    assert response.status_code == 403
    assert not Brand.objects.filter(name="Nope").exists()


def test_admin_changes_settings(cast: Cast) -> None:
    response = cast.client_for(Role.ADMIN).post(
        _url("org_settings"),
        {
            "name": "Northwind Agency",
            "time_zone": "Europe/Berlin",
            "default_currency": "eur",
        },
    )
    assert response.status_code == 302
    cast.org.refresh_from_db()
    assert (cast.org.name, cast.org.default_currency, cast.org.mfa_required) == (
        "Northwind Agency",
        "EUR",
        False,
    )


def test_bad_settings_are_refused(cast: Cast) -> None:
    response = cast.client_for(Role.ADMIN).post(
        _url("org_settings"),
        {
            "name": "",
            "time_zone": "Mars/Olympus",
            "default_currency": "EURO",
        },
    )
    assert response.status_code == 400
    cast.org.refresh_from_db()
    assert cast.org.name == "Northwind"


def test_members_page_has_a_constant_number_of_queries(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)

    def grow() -> None:
        for _n in range(20):
            user = UserFactory()
            Membership.objects.create(organization=cast.org, user=user, role=Role.ISM)

    assert_constant_queries(lambda: client.get(_url("org_members")), grow=grow)
