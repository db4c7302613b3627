"""The API token pages: the user's own, the creator's in the portal, the org admins' list."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from accounts.models import ApiToken
from accounts.tokens import services
from influencer_ops.audit import AuditVerb
from influencer_ops.models import AuditEvent
from organizations.roles import Role
from tests.conftest import Cast, World, login_client
from tests.factories import member
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

MINE = "/accounts/preferences/api-tokens/"
PORTAL = "/portal/api-tokens/"
ORG = "/orgs/northwind/api-tokens/"


def _make(user: Any, org: Any, name: str = "Sync") -> ApiToken:
    return services.token_create(
        user=user, organization=org, name=name, scope="read", expires_in_days=30
    ).token


def _create(client: Client, url: str, **extra: str) -> Any:
    data = {"action": "create", "name": "Sheet", "scope": "write", "expires_in_days": "90"}
    return client.post(url, {**data, **extra})


def test_a_member_creates_a_token_and_sees_it_once(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    assert client.get("/accounts/preferences/").content.count(MINE.encode()) == 1
    response = _create(client, MINE, organization="northwind")
    assert response.status_code == 200
    token = ApiToken.objects.get()
    body = response.content.decode()
    secret = body.split('id="new-token-value" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith(f"io_{token.prefix}_")
    assert (token.organization, token.scope, token.name) == (cast.org, "write", "Sheet")
    again = client.get(MINE).content.decode()
    assert secret not in again and f"io_{token.prefix}_" in again
    # The secret works at once, for that org.
    api = Client().get("/api/v1/orgs/northwind/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 200


def test_the_form_offers_only_the_members_orgs(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    assert b'value="acme"' not in client.get(MINE).content
    response = _create(client, MINE, organization="acme")
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("bad", [{"name": ""}, {"scope": "root"}, {"expires_in_days": "999"}])
def test_bad_input_is_a_400_and_creates_nothing(cast: Cast, bad: dict[str, str]) -> None:
    response = _create(cast.client_for(Role.ADMIN), MINE, organization="northwind", **bad)
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_orgs_two_factor_rule_sends_the_member_to_set_it_up(cast: Cast) -> None:
    ism = cast.members[Role.ISM].user
    Authenticator.objects.filter(user=ism).delete()
    response = _create(login_client(ism), MINE, organization="northwind")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_their_token_and_nobody_elses(cast: Cast) -> None:
    mine = _make(cast.members[Role.ADMIN].user, cast.org)
    theirs = _make(cast.members[Role.ISM].user, cast.org)
    client = cast.client_for(Role.ADMIN)
    response = client.post(MINE, {"action": "revoke", "token": theirs.pk})
    assert response.status_code == 404
    assert client.post(MINE, {"action": "revoke", "token": "x"}).status_code == 404
    assert client.post(MINE, {"action": "revoke", "token": mine.pk}).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert mine.revoked_by == cast.members[Role.ADMIN].user


def test_the_org_admins_list_shows_the_orgs_tokens_only(cast: Cast) -> None:
    _make(cast.members[Role.ISM].user, cast.org, name="Ivy's sync")
    _make(cast.outsider.user, cast.outsider_org, name="Acme secret sync")
    client = cast.client_for(Role.ADMIN)
    body = client.get(ORG).content.decode()
    assert "Ivy&#x27;s sync" in body and "ism@northwind.test" in body
    assert "Acme secret sync" not in body
    assert ORG in client.get("/orgs/northwind/").content.decode()  # the sidebar


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_admins_open_the_org_list(cast: Cast, role: str) -> None:
    client = cast.client_for(role)
    assert client.get(ORG).status_code == 403
    assert ORG not in client.get("/orgs/northwind/").content.decode()


def test_an_outsider_gets_404(cast: Cast) -> None:
    assert login_client(cast.outsider.user).get(ORG).status_code == 404


def test_an_admin_revokes_a_members_token_but_not_another_orgs(cast: Cast) -> None:
    ivy = _make(cast.members[Role.ISM].user, cast.org)
    acme = _make(cast.outsider.user, cast.outsider_org)
    client = cast.client_for(Role.ADMIN)
    assert client.post(ORG, {"token": acme.pk}).status_code == 404
    assert client.post(ORG, {"token": ivy.pk}).status_code == 302
    again = client.post(ORG, {"token": ivy.pk}, follow=True)
    assert "already revoked" in again.content.decode()
    ivy.refresh_from_db()
    acme.refresh_from_db()
    assert ivy.revoked_at is not None and acme.revoked_at is None


def test_a_non_admin_cannot_revoke_through_the_org_list(cast: Cast) -> None:
    token = _make(cast.members[Role.ADMIN].user, cast.org)
    assert cast.client_for(Role.ISM).post(ORG, {"token": token.pk}).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_org_list_issues_a_constant_number_of_queries(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    users = [member(cast.org, Role.ANALYST, brands=[cast.brand]).user for _ in range(6)]

    def grow(count: int) -> None:
        for n in range(count):
            token = _make(users[n % len(users)], cast.org, name=f"t{n}")
            if n % 2:
                services.token_revoke(token=token, actor=cast.members[Role.ADMIN].user)

    grow(3)
    response = assert_constant_queries(lambda: client.get(ORG), grow=lambda: grow(12))
    assert response.status_code == 200


def test_a_creator_makes_and_revokes_tokens_in_the_portal(world: World) -> None:
    client = world.creator_client()
    assert PORTAL in client.get("/portal/").content.decode()
    response = _create(client, PORTAL)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.organization is None and token.user == world.creator.user
    assert f"io_{token.prefix}_" in response.content.decode()
    other = _make(world.other_creator.user, None)
    assert client.post(PORTAL, {"action": "revoke", "token": other.pk}).status_code == 404
    assert client.post(PORTAL, {"action": "revoke", "token": token.pk}).status_code == 302
    token.refresh_from_db()
    other.refresh_from_db()
    assert token.revoked_at is not None and other.revoked_at is None
    verbs = AuditEvent.objects.filter(organization=world.cast.org, target_id=str(token.pk))
    assert sorted(verbs.values_list("verb", flat=True)) == [
        AuditVerb.API_TOKEN_CREATED,
        AuditVerb.API_TOKEN_REVOKED,
    ]


def test_staff_without_a_creator_profile_get_403_in_the_portal(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    assert client.get(PORTAL).status_code == 403
    assert _create(client, PORTAL).status_code == 403
    assert not ApiToken.objects.exists()
