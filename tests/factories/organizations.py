"""Users, organizations, brands, memberships and staff invitations. Tenant rows are created
inside an all-orgs scope (see conftest)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.utils import timezone

from accounts.models import ApiToken, User
from organizations.models import (
    Brand,
    InvitationBrand,
    Membership,
    MembershipBrand,
    Organization,
    StaffInvitation,
)
from organizations.roles import Role
from tests.factories.base import TenantFactory, same_org

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    name = factory.Faker("name")

    @factory.post_generation
    def password(obj: Any, create: bool, extracted: str | None, **kwargs: Any) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class BrandFactory(TenantFactory[Brand]):
    class Meta:
        model = Brand

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class MembershipFactory(TenantFactory[Membership]):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ADMIN


class MembershipBrandFactory(TenantFactory[MembershipBrand]):
    class Meta:
        model = MembershipBrand

    organization = factory.SubFactory(OrganizationFactory)
    membership = same_org(MembershipFactory)
    brand = same_org(BrandFactory)


class StaffInvitationFactory(TenantFactory[StaffInvitation]):
    class Meta:
        model = StaffInvitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = Role.ISM
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class InvitationBrandFactory(TenantFactory[InvitationBrand]):
    class Meta:
        model = InvitationBrand

    organization = factory.SubFactory(OrganizationFactory)
    invitation = same_org(StaffInvitationFactory)
    brand = same_org(BrandFactory)


def with_totp(user: Any, secret: str = TOTP_SECRET) -> Any:
    TOTP.activate(user, secret)
    return user


def member(
    organization: Organization, role: str, *, brands: Iterable[Brand] = (), **user: Any
) -> Any:
    """A member with ``role``; roles that need MFA get a TOTP authenticator."""
    membership = MembershipFactory(
        organization=organization, role=role, **{f"user__{k}": v for k, v in user.items()}
    )
    for brand in brands:
        MembershipBrandFactory(membership=membership, brand=brand)
    if role in (Role.ADMIN, Role.ISM, Role.BSM):
        with_totp(membership.user)
    return membership


def totp_code(secret: str = TOTP_SECRET, margin: float = 5.0) -> str:
    """The current code. allauth accepts only the current 30-second window (no tolerance), so
    a code made in the window's last seconds can expire before a slow browser submits it:
    wait for the next window then (a sign-in timing out under load was this)."""
    period = 30
    left = period - time.time() % period
    if left < margin:
        time.sleep(left + 0.05)
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


class ApiTokenFactory(TenantFactory[ApiToken]):
    """A read-only staff token for one org (the secret itself is not kept: only its hash)."""

    class Meta:
        model = ApiToken

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Script {n}")
    prefix = factory.Sequence(lambda n: f"{n:012x}")
    secret_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
