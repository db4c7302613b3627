"""The demo's people: two orgs, their brands, a user in every role and the creators (with and
without a portal login). Idempotent: everything is looked up first, by e-mail or slug."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from influencers import services as creators
from influencers.models import CreatorProfile
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

# Creators with a portal login: (org slug, e-mail, display name, categories, instagram audience)
CREATOR_PROFILES = [
    ("northwind", "creator@demo.test", "Cara Creator", ["beauty", "wellness"], 42000),
    ("northwind", "maya@demo.test", "Maya Moves", ["fitness", "outdoor"], 88000),
    ("acme-foods", "creator@demo.test", "Cara Creator", ["food"], 42000),
    ("acme-foods", "leo@demo.test", "Leo Eats", ["food", "travel"], 61000),
]
# Creators the org knows but who have no login yet (for matching and rosters).
ROSTER_ONLY = [
    ("Nora Glow", "nora@creators.test", ["beauty"], 120000),
    ("Omar Outdoors", "omar@creators.test", ["outdoor", "travel"], 35000),
    ("Priya Skin", "priya@creators.test", ["beauty", "fashion"], 54000),
    ("Quinn Trails", "quinn@creators.test", ["outdoor", "fitness"], 23000),
    ("Rosa Routine", "rosa@creators.test", ["beauty", "wellness"], 76000),
    ("Sven Summit", "sven@creators.test", ["outdoor"], 150000),
]


@dataclass
class Cast:
    """Who the history needs at hand."""

    orgs: dict[str, Organization]
    brands: dict[tuple[str, str], Brand]
    users: dict[str, Any]
    memberships: dict[tuple[str, str], Membership]
    profiles: dict[tuple[str, str], CreatorProfile] = field(default_factory=dict)

    def profile(self, slug: str, email: str) -> CreatorProfile:
        return self.profiles[(slug, email)]


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


def _profile(
    cast: Cast, slug: str, email: str, name: str, categories: list[str], audience: int
) -> CreatorProfile:
    org = cast.orgs[slug]
    profile = CreatorProfile.objects.filter(organization=org, email=email).first()
    if profile is None:
        login = cast.users.get(email)
        profile = creators.creator_create(
            organization=org,
            actor=cast.users["admin@demo.test" if login else "ism@demo.test"],
            display_name=name,
            email=email,
            categories=categories,
            location="Lisbon" if login else "Porto",
            handles=[
                {
                    "platform": "instagram",
                    "handle": email.split("@")[0] if login else name.split()[0].lower(),
                    "audience_size": audience,
                    "engagement_rate": "3.5" if login else "2.8",
                }
            ],
        )
        if login is not None:
            profile.user = login
            profile.save(update_fields=["user"])
    return profile


def seed_people() -> Cast:
    """Orgs, brands, staff with their roles, creator logins and profiles."""
    cast = Cast(orgs={}, brands={}, users={}, memberships={})
    for slug, name, brand_names in ORGS:
        org, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": name})
        cast.orgs[slug] = org
        for brand_name in brand_names:
            brand, _ = Brand.objects.get_or_create(
                organization=org,
                slug=brand_name.lower().replace(" ", "-"),
                defaults={"name": brand_name},
            )
            cast.brands[(slug, brand_name)] = brand
    for email, name, slug, role, brand_names in STAFF:
        user = cast.users[email] = _user(email, name)
        membership, _ = Membership.objects.get_or_create(
            organization=cast.orgs[slug], user=user, defaults={"role": role}
        )
        cast.memberships[(slug, email)] = membership
        for brand_name in brand_names:
            MembershipBrand.objects.get_or_create(
                organization=cast.orgs[slug],
                membership=membership,
                brand=cast.brands[(slug, brand_name)],
            )
    for email, name in CREATORS:
        cast.users[email] = _user(email, name, is_creator=True)
    cast.users[PLATFORM_STAFF[0]] = _user(*PLATFORM_STAFF, is_staff=True, is_superuser=True)
    for slug, email, name, categories, audience in CREATOR_PROFILES:
        cast.profiles[(slug, email)] = _profile(cast, slug, email, name, categories, audience)
    for name, email, categories, audience in ROSTER_ONLY:
        cast.profiles[("northwind", email)] = _profile(
            cast, "northwind", email, name, categories, audience
        )
    return cast
