"""Load demo data idempotently: two orgs, brands, a user in every role, a few creators."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from influencer_ops.tenancy import dangerously_unscoped
from organizations.models import Brand, Membership, MembershipBrand, Organization
from organizations.roles import Role

DEMO_PASSWORD = "demo-pass-2026"

ORGS = [
    ("northwind", "Northwind Agency", ["Lumen Skincare", "Trailhead Outdoor"]),
    ("acme-foods", "Acme Foods", ["Acme Snacks"]),
]
# (e-mail, name, org slug, role, brand names)
STAFF = [
    ("admin@demo.test", "Ada Admin", "northwind", Role.ADMIN, []),
    ("admin@demo.test", "Ada Admin", "acme-foods", Role.ADMIN, []),
    ("ism@demo.test", "Ivy ISM", "northwind", Role.ISM, []),
    ("bsm@demo.test", "Ben BSM", "northwind", Role.BSM, []),
    ("brand@demo.test", "Bea Brand-Manager", "northwind", Role.BRAND_MANAGER, ["Lumen Skincare"]),
    ("approver@demo.test", "Al Approver", "northwind", Role.APPROVER, ["Lumen Skincare"]),
    ("analyst@demo.test", "Ana Analyst", "northwind", Role.ANALYST, ["Trailhead Outdoor"]),
    ("acme-brand@demo.test", "Cy Brand-Manager", "acme-foods", Role.BRAND_MANAGER, ["Acme Snacks"]),
]
CREATORS = [
    ("creator@demo.test", "Cara Creator"),
    ("maya@demo.test", "Maya Moves"),
    ("leo@demo.test", "Leo Eats"),
]
PLATFORM_STAFF = ("staff@demo.test", "Pat Platform")


def _user(email: str, name: str, **flags: Any) -> Any:
    User = get_user_model()
    user, created = User.objects.get_or_create(email=email, defaults={"name": name, **flags})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        with dangerously_unscoped():
            orgs: dict[str, Organization] = {}
            brands: dict[tuple[str, str], Brand] = {}
            for slug, name, brand_names in ORGS:
                org, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": name})
                orgs[slug] = org
                for brand_name in brand_names:
                    brand, _ = Brand.objects.get_or_create(
                        organization=org,
                        slug=brand_name.lower().replace(" ", "-"),
                        defaults={"name": brand_name},
                    )
                    brands[(slug, brand_name)] = brand
            for email, name, slug, role, brand_names in STAFF:
                user = _user(email, name)
                membership, _ = Membership.objects.get_or_create(
                    organization=orgs[slug], user=user, defaults={"role": role}
                )
                for brand_name in brand_names:
                    MembershipBrand.objects.get_or_create(
                        organization=orgs[slug],
                        membership=membership,
                        brand=brands[(slug, brand_name)],
                    )
            for email, name in CREATORS:
                _user(email, name, is_creator=True)
            _user(*PLATFORM_STAFF, is_staff=True, is_superuser=True)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  password for every demo login: {DEMO_PASSWORD}")
        seen = set()
        for email, _name, _slug, role, _b in STAFF:
            if email not in seen:
                seen.add(email)
                self.stdout.write(f"  {email:<24} {Role(role).label}")
        for email, _name in CREATORS:
            self.stdout.write(f"  {email:<24} Creator (portal)")
        self.stdout.write(f"  {PLATFORM_STAFF[0]:<24} Platform staff (/admin/)")
