"""Every write in the organizations app. Keyword-only, atomic, audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError, FieldError
from influencer_ops.site import absolute_url
from influencer_ops.tenancy import dangerously_unscoped, db_scope
from messaging.services.notifications import email_address_after_commit
from organizations.models import (
    Brand,
    InvitationBrand,
    Membership,
    MembershipBrand,
    Organization,
    StaffInvitation,
)
from organizations.roles import BRAND_SCOPED_ROLES, Role

User = get_user_model()


class BrandNameTaken(Conflict):
    """Another brand of the org has the name: a conflict (409) shown on the name field."""

    def __init__(self, name: str) -> None:
        super().__init__(gettext("A brand called “%(name)s” already exists.") % {"name": name})

    def field_errors(self) -> dict[str | None, list[str]]:
        return {"name": [str(self)]}


def _clean_role_and_brands(
    *, organization: Organization, role: str, brands: Iterable[Brand]
) -> list[Brand]:
    if role not in Role.values:
        raise DomainError(gettext("Unknown role “%(role)s”.") % {"role": role})
    brand_list = list(brands)
    if any(b.organization_id != organization.pk for b in brand_list):
        raise DomainError(gettext("A brand does not belong to this organization."))
    if role in BRAND_SCOPED_ROLES and not brand_list:
        raise DomainError(gettext("This role covers named brands: choose at least one brand."))
    if role not in BRAND_SCOPED_ROLES:
        return []
    return brand_list


@transaction.atomic
def organization_create(*, name: str, slug: str = "", admin: Any) -> Organization:
    """Create a tenant and make ``admin`` its first org admin. Platform-level (seed, staff)."""
    slug = slugify(slug or name)[:60]
    if not name.strip() or not slug:
        raise DomainError(gettext("An organization needs a name."))
    if Organization.objects.filter(slug=slug).exists():
        raise Conflict(gettext("The address “%(slug)s” is taken.") % {"slug": slug})
    organization = Organization.objects.create(name=name.strip(), slug=slug)
    with db_scope(org_ids=[organization.pk]):
        Membership.objects.create(organization=organization, user=admin, role=Role.ADMIN)
        audit_record(
            organization=organization,
            actor=admin,
            verb=AuditVerb.ORGANIZATION_CREATED,
            target=organization,
            after={"name": organization.name, "slug": slug},
        )
    return organization


@transaction.atomic
def organization_update_settings(
    *,
    organization: Organization,
    actor: Any,
    name: str,
    time_zone: str,
    default_currency: str,
    mfa_required: bool,
) -> Organization:
    fields = ["name", "time_zone", "default_currency", "mfa_required"]
    before = {f: getattr(organization, f) for f in fields}
    if not name.strip():
        raise DomainError(gettext("The organization needs a name."))
    if len(default_currency) != 3 or not default_currency.isalpha():
        raise DomainError(gettext("The currency must be a three-letter ISO 4217 code."))
    organization.name = name.strip()
    organization.time_zone = time_zone
    organization.default_currency = default_currency.upper()
    organization.mfa_required = mfa_required
    organization.save(update_fields=fields)
    after = {f: getattr(organization, f) for f in fields}
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.ORGANIZATION_SETTINGS_CHANGED,
        target=organization,
        before=before,
        after=after,
    )
    return organization


@transaction.atomic
def brand_create(*, organization: Organization, actor: Any, name: str) -> Brand:
    name = name.strip()
    slug = slugify(name)[:60]
    if not name or not slug:
        raise FieldError("name", gettext("A brand needs a name with at least one letter or digit."))
    taken = Brand.objects.filter(organization=organization)
    if taken.filter(slug=slug).exists() or taken.filter(name__iexact=name).exists():
        raise BrandNameTaken(name)
    brand = Brand.objects.create(organization=organization, name=name, slug=slug)
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.BRAND_CREATED,
        target=brand,
        after={"name": name},
    )
    return brand


@transaction.atomic
def brand_rename(*, brand: Brand, actor: Any, name: str) -> Brand:
    name = name.strip()
    if not name:
        raise FieldError("name", gettext("A brand needs a name."))
    clash = Brand.objects.filter(organization_id=brand.organization_id, name__iexact=name)
    if clash.exclude(pk=brand.pk).exists():
        raise BrandNameTaken(name)
    before = {"name": brand.name}
    brand.name = name
    brand.save(update_fields=["name"])
    audit_record(
        organization=brand.organization,
        actor=actor,
        verb=AuditVerb.BRAND_RENAMED,
        target=brand,
        before=before,
        after={"name": name},
    )
    return brand


def _admin_count(organization: Organization) -> int:
    return Membership.objects.filter(organization=organization, role=Role.ADMIN).count()


@transaction.atomic
def membership_set_role(
    *, membership: Membership, actor: Any, role: str, brands: Iterable[Brand] = ()
) -> Membership:
    organization = membership.organization
    brand_list = _clean_role_and_brands(organization=organization, role=role, brands=brands)
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.role == Role.ADMIN and role != Role.ADMIN and _admin_count(organization) <= 1:
        raise Conflict(gettext("An organization keeps at least one admin."))
    before = {"role": locked.role, "brands": sorted(b.pk for b in locked.brands.all())}
    locked.role = role
    locked.save(update_fields=["role"])
    MembershipBrand.objects.filter(membership=locked).delete()
    MembershipBrand.objects.bulk_create(
        MembershipBrand(organization=organization, membership=locked, brand=b) for b in brand_list
    )
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.MEMBERSHIP_ROLE_CHANGED,
        target=locked,
        before=before,
        after={"role": role, "brands": sorted(b.pk for b in brand_list)},
    )
    return locked


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Any) -> None:
    organization = membership.organization
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.role == Role.ADMIN and _admin_count(organization) <= 1:
        raise Conflict(gettext("An organization keeps at least one admin."))
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.MEMBERSHIP_REMOVED,
        target=locked,
        before={"user": locked.user.email, "role": locked.role},
    )
    locked.delete()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return reverse("invitation_accept", kwargs={"token": token})


@transaction.atomic
def invitation_create(
    *,
    organization: Organization,
    actor: Any,
    email: str,
    role: str,
    brands: Iterable[Brand] = (),
) -> tuple[StaffInvitation, str]:
    """Invite ``email`` with ``role``. Returns the invitation and its one-time token (mailed)."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError(gettext("Enter a valid e-mail address.")) from exc
    brand_list = _clean_role_and_brands(organization=organization, role=role, brands=brands)
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise Conflict(gettext("%(email)s is already a member.") % {"email": email})
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            invitation = StaffInvitation.objects.create(
                organization=organization,
                email=email,
                role=role,
                token_hash=_token_hash(token),
                invited_by=actor,
                expires_at=timezone.now() + timedelta(days=settings.STAFF_INVITATION_DAYS),
            )
    except IntegrityError as exc:
        raise Conflict(
            gettext("%(email)s already has an open invitation; revoke it first.") % {"email": email}
        ) from exc
    InvitationBrand.objects.bulk_create(
        InvitationBrand(organization=organization, invitation=invitation, brand=b)
        for b in brand_list
    )
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.INVITATION_CREATED,
        target=invitation,
        after={"email": email, "role": role},
    )
    link = absolute_url(invitation_url(token))
    subject = gettext("You are invited to %(name)s on Influencer Ops") % {"name": organization.name}
    body = gettext(
        "%(display_name)s invited you to join %(name)s as %(label)s.\n\nAccept: "
        "%(link)s\n\nThe link expires on %(expires_at)s UTC."
    ) % {
        "display_name": actor.display_name,
        "name": organization.name,
        "label": Role(role).label,
        "link": link,
        "expires_at": format(invitation.expires_at, "%Y-%m-%d %H:%M"),
    }
    email_address_after_commit(organization=organization, address=email, subject=subject, body=body)
    return invitation, token


@transaction.atomic
def invitation_revoke(*, invitation: StaffInvitation, actor: Any) -> StaffInvitation:
    locked = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.state != "pending":
        raise Conflict(
            gettext("This invitation is %(state)s; only pending ones can be revoked.")
            % {"state": locked.state}
        )
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.INVITATION_REVOKED,
        target=locked,
    )
    return locked


def invitation_by_token(token: str) -> StaffInvitation | None:
    """Find an invitation by its secret token, whatever the org: the token is the credential."""
    with dangerously_unscoped():
        return (
            StaffInvitation.objects.select_related("organization")
            .filter(token_hash=_token_hash(token))
            .first()
        )


@transaction.atomic
def invitation_accept(*, invitation: StaffInvitation, user: Any) -> Membership:
    """Turn a pending invitation into a membership for ``user`` (whose e-mail it names)."""
    organization = invitation.organization
    with db_scope(org_ids=[organization.pk], user_id=user.pk):
        locked = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.state != "pending":
            raise Conflict(gettext("This invitation is %(state)s.") % {"state": locked.state})
        if user.email.lower() != locked.email.lower():
            raise DomainError(
                gettext("This invitation is for %(email)s; sign in with that address.")
                % {"email": locked.email}
            )
        if Membership.objects.filter(organization=organization, user=user).exists():
            raise Conflict(
                gettext("You are already a member of %(name)s.") % {"name": organization.name}
            )
        membership = Membership.objects.create(
            organization=organization, user=user, role=locked.role
        )
        MembershipBrand.objects.bulk_create(
            MembershipBrand(organization=organization, membership=membership, brand=b)
            for b in locked.brands.all()
        )
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            organization=organization,
            actor=user,
            verb=AuditVerb.INVITATION_ACCEPTED,
            target=locked,
            after={"role": locked.role},
        )
        return membership


@transaction.atomic
def invitation_accept_with_new_account(
    *, invitation: StaffInvitation, name: str, password: str
) -> Any:
    """Create the invited person's account (the link proves the address) and accept."""

    if User.objects.filter(email__iexact=invitation.email).exists():
        raise Conflict(gettext("An account with this address exists: sign in to accept."))
    user = User(email=invitation.email, name=name.strip())
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    invitation_accept(invitation=invitation, user=user)
    return user
