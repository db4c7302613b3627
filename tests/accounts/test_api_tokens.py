"""API tokens: the bearer door of the REST API and its refusals, each tested."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import services
from accounts.tokens.selectors import token_hash
from influencer_ops.audit import AuditVerb
from influencer_ops.errors import FieldError, Forbidden, NotFound
from influencer_ops.models import AuditEvent
from organizations.models import Brand, Membership
from organizations.roles import Role
from tests.conftest import Cast, World

pytestmark = pytest.mark.django_db

BRANDS = "/api/v1/orgs/northwind/brands/"


def _token(user: Any, org: Any, scope: str = "write", days: int = 30) -> str:
    return services.token_create(
        user=user, organization=org, name="Sync", scope=scope, expires_in_days=days
    ).secret


def _bearer(secret: str, **kwargs: Any) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", **kwargs}


def _get(path: str, secret: str) -> Any:
    return Client().get(path, **_bearer(secret))


def _post(path: str, secret: str, data: dict[str, Any], client: Client | None = None) -> Any:
    return (client or Client()).post(path, data, content_type="application/json", **_bearer(secret))


def test_a_token_reads_its_org_as_its_user_and_only_its_hash_is_kept(cast: Cast) -> None:
    admin = cast.members[Role.ADMIN].user
    new = services.token_create(
        user=admin, organization=cast.org, name="Sync", scope="read", expires_in_days=30
    )
    assert new.secret.startswith(f"io_{new.token.prefix}_")
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert stored.secret_hash == token_hash(new.secret)
    assert new.secret not in {stored.secret_hash, stored.prefix, stored.name}
    response = _get(BRANDS, new.secret)
    assert response.status_code == 200, response.content
    assert {b["name"] for b in response.json()["results"]} == {"Lumen", "Trailhead"}
    stored.refresh_from_db()
    assert stored.last_used_at is not None


@pytest.mark.parametrize(
    "spoil",
    ["expired", "revoked", "unknown", "wrong_secret", "malformed", "user_inactive"],
)
def test_a_dead_or_false_token_gets_401(cast: Cast, spoil: str) -> None:
    admin = cast.members[Role.ADMIN].user
    secret = _token(admin, cast.org)
    token = ApiToken.objects.get(user=admin)
    if spoil == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
    elif spoil == "revoked":
        services.token_revoke(token=token, actor=admin)
    elif spoil == "unknown":
        secret = "io_0123456789ab_" + "x" * 43
    elif spoil == "wrong_secret":
        secret = secret[:-4] + "abcd"
    elif spoil == "malformed":
        secret = "not-a-token"
    elif spoil == "user_inactive":
        type(admin).objects.filter(pk=admin.pk).update(is_active=False)
    response = _get(BRANDS, secret)
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert _post(BRANDS, secret, {"name": "Nova"}).status_code == 401
    assert not Brand.objects.filter(name="Nova").exists()


def test_a_token_for_another_org_gets_401(cast: Cast) -> None:
    """The admin of Acme is not a member of Northwind; nor does a Northwind token reach Acme."""
    acme = _token(cast.outsider.user, cast.outsider_org)
    assert _get(BRANDS, acme).status_code == 401
    northwind = _token(cast.members[Role.ADMIN].user, cast.org)
    assert _get("/api/v1/orgs/acme/brands/", northwind).status_code == 401
    assert _get("/api/v1/me/memberships/", northwind).status_code == 401


def test_a_member_of_two_orgs_reaches_only_the_tokens_org(cast: Cast) -> None:
    admin = cast.members[Role.ADMIN].user
    Membership.objects.create(organization=cast.outsider_org, user=admin, role=Role.ADMIN)
    secret = _token(admin, cast.org)
    assert _get(BRANDS, secret).status_code == 200
    assert _get("/api/v1/orgs/acme/brands/", secret).status_code == 401


def test_a_read_only_token_writing_gets_403_and_writes_nothing(cast: Cast) -> None:
    secret = _token(cast.members[Role.ADMIN].user, cast.org, scope="read")
    response = _post(BRANDS, secret, {"name": "Nova"})
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert not Brand.objects.filter(name="Nova").exists()


def test_a_write_token_writes_without_a_csrf_token(cast: Cast) -> None:
    secret = _token(cast.members[Role.ADMIN].user, cast.org)
    client = Client(enforce_csrf_checks=True)
    response = _post(BRANDS, secret, {"name": "Nova"}, client=client)
    assert response.status_code == 201, response.content
    assert Brand.objects.filter(organization=cast.org, name="Nova").exists()


def test_the_session_still_needs_its_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.members[Role.ADMIN].user)
    response = client.post(BRANDS, {"name": "Nova"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Brand.objects.filter(name="Nova").exists()


def test_a_token_grants_no_more_than_the_role(cast: Cast) -> None:
    secret = _token(cast.members[Role.BRAND_MANAGER].user, cast.org)
    assert _post(BRANDS, secret, {"name": "Nova"}).status_code == 403
    assert _get("/api/v1/orgs/northwind/audit-events/", secret).status_code == 403
    assert not Brand.objects.filter(name="Nova").exists()


def test_the_role_of_today_counts_not_the_one_at_creation(cast: Cast) -> None:
    membership = cast.members[Role.ADMIN]
    Membership.objects.create(organization=cast.org, user=_second_admin(cast), role=Role.ADMIN)
    secret = _token(membership.user, cast.org)
    Membership.objects.filter(pk=membership.pk).update(role=Role.ANALYST)
    assert _post(BRANDS, secret, {"name": "Nova"}).status_code == 403
    Membership.objects.filter(pk=membership.pk).delete()
    assert _get(BRANDS, secret).status_code == 401
    assert not Brand.objects.filter(name="Nova").exists()


def _second_admin(cast: Cast) -> Any:
    from tests.factories import UserFactory

    return UserFactory(email="second-admin@northwind.test")


def test_the_two_factor_rule_applies_to_using_a_token(cast: Cast) -> None:
    admin = cast.members[Role.ADMIN].user
    secret = _token(admin, cast.org)
    Authenticator.objects.filter(user=admin).delete()
    assert _get(BRANDS, secret).status_code == 403


def test_the_two_factor_rule_applies_to_creating_a_token(cast: Cast) -> None:
    ism = cast.members[Role.ISM].user
    Authenticator.objects.filter(user=ism).delete()
    with pytest.raises(Forbidden):
        _token(ism, cast.org)
    cast.org.mfa_required = False
    cast.org.save()
    assert _token(ism, cast.org).startswith("io_")
    # A role outside the rule (an analyst) needs no second factor even where the org asks it.
    cast.org.mfa_required = True
    cast.org.save()
    assert _token(cast.members[Role.ANALYST].user, cast.org).startswith("io_")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("name", {"name": ""}),
        ("name", {"name": "x" * 101}),
        ("scope", {"scope": "admin"}),
        ("expires_in_days", {"expires_in_days": 0}),
        ("expires_in_days", {"expires_in_days": 366}),
    ],
)
def test_bad_token_input_is_refused_on_its_field(
    cast: Cast, field: str, kwargs: dict[str, Any]
) -> None:
    values = {"name": "Sync", "scope": "read", "expires_in_days": 30, **kwargs}
    with pytest.raises(FieldError) as refused:
        services.token_create(user=cast.members[Role.ADMIN].user, organization=cast.org, **values)
    assert refused.value.field == field
    assert not ApiToken.objects.exists()


def test_no_token_for_an_org_one_is_not_a_member_of(cast: Cast) -> None:
    with pytest.raises(NotFound):
        _token(cast.members[Role.ADMIN].user, cast.outsider_org)
    with pytest.raises(Forbidden):  # staff without a creator profile have no portal data
        _token(cast.members[Role.ADMIN].user, None)
    assert not ApiToken.objects.exists()


def test_creation_and_revocation_are_audited(cast: Cast) -> None:
    admin = cast.members[Role.ADMIN].user
    _token(admin, cast.org)
    token = ApiToken.objects.get(user=admin)
    services.token_revoke(token=token, actor=admin)
    verbs = list(
        AuditEvent.objects.filter(organization=cast.org, target_id=str(token.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [AuditVerb.API_TOKEN_CREATED, AuditVerb.API_TOKEN_REVOKED]


def test_last_use_is_written_at_most_once_a_minute(cast: Cast) -> None:
    secret = _token(cast.members[Role.ADMIN].user, cast.org)
    token = ApiToken.objects.get()
    recent = timezone.now() - timedelta(seconds=10)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    assert _get(BRANDS, secret).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == recent
    stale = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=stale)
    assert _get(BRANDS, secret).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > stale


def test_a_creator_token_reaches_only_their_own_data(world: World) -> None:
    user = world.creator.user
    secret = _token(user, None, scope="read")
    response = _get("/api/v1/me/profile/", secret)
    assert response.status_code == 200, response.content
    assert [p["display_name"] for p in response.json()] == ["Cara Creator"]
    assert _get(BRANDS, secret).status_code == 401
    assert _get("/api/v1/orgs/northwind/programs/", secret).status_code == 401
    other = _get("/api/v1/me/profile/", _token(world.other_creator.user, None, scope="read"))
    assert [p["display_name"] for p in other.json()] == ["Olli Other"]


def test_a_read_only_creator_token_cannot_write(world: World) -> None:
    secret = _token(world.creator.user, None, scope="read")
    response = Client().patch(
        "/api/v1/me/profile/", {"bio": "x"}, content_type="application/json", **_bearer(secret)
    )
    assert response.status_code == 403


def test_the_schema_declares_the_bearer_scheme(cast: Cast) -> None:
    response = cast.client_for(Role.ADMIN).get("/api/schema/?format=json")
    schemes = response.json()["components"]["securitySchemes"]
    assert schemes["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "io_<id>_<secret>",
        "description": schemes["apiToken"]["description"],
    }


def test_a_creator_token_stops_when_the_user_is_no_longer_a_creator(world: World) -> None:
    user = world.creator.user
    secret = _token(user, None, scope="read")
    type(user).objects.filter(pk=user.pk).update(is_creator=False)
    assert _get("/api/v1/me/profile/", secret).status_code == 401
