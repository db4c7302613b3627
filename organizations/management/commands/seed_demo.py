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


# (org slug, creator e-mail, display name)
CREATOR_PROFILES = [
    ("northwind", "creator@demo.test", "Cara Creator"),
    ("northwind", "maya@demo.test", "Maya Moves"),
    ("acme-foods", "creator@demo.test", "Cara Creator"),
    ("acme-foods", "leo@demo.test", "Leo Eats"),
]


def _seed_programs_and_requests(orgs: dict[str, Organization], brands: dict[Any, Brand]) -> None:
    """Programs, creator profiles, enrollments and a few routed questions (idempotent)."""
    from influencers.models import CreatorProfile
    from messaging.kinds import Topic
    from messaging.models import Request
    from messaging.services.requests import request_create
    from programs import services as programs
    from programs.models import Enrollment, Program

    User = get_user_model()
    admin = User.objects.get(email="admin@demo.test")
    ism = User.objects.get(email="ism@demo.test")
    bsm = User.objects.get(email="bsm@demo.test")
    profiles = {}
    for slug, email, name in CREATOR_PROFILES:
        profiles[(slug, email)], _ = CreatorProfile.objects.get_or_create(
            organization=orgs[slug],
            email=email,
            defaults={"display_name": name, "user": User.objects.get(email=email)},
        )
    north = orgs["northwind"]
    spring = Program.objects.filter(organization=north, name="Spring Glow").first()
    if spring is None:
        spring = programs.program_create(
            organization=north,
            brand=brands[("northwind", "Lumen Skincare")],
            name="Spring Glow",
            actor=admin,
            assigned_ism=ism,
            assigned_bsm=bsm,
        )
        programs.program_open_recruiting(program=spring, actor=admin)
        programs.enrollment_invite(
            program=spring, creator=profiles[("northwind", "creator@demo.test")], actor=admin
        )
    summit = Program.objects.filter(organization=north, name="Summit Trail").first()
    if summit is None:
        summit = programs.program_create(
            organization=north,
            brand=brands[("northwind", "Trailhead Outdoor")],
            name="Summit Trail",
            actor=admin,
            assigned_ism=ism,
            assigned_bsm=bsm,
        )
        programs.program_open_recruiting(program=summit, actor=admin)
        maya = programs.enrollment_invite(
            program=summit, creator=profiles[("northwind", "maya@demo.test")], actor=admin
        )
        for state in ("accepted", "confirmed"):
            programs.enrollment_move(enrollment=maya, target=state, actor=admin)
        programs.program_launch(program=summit, actor=admin)
    acme = orgs["acme-foods"]
    crunch = Program.objects.filter(organization=acme, name="Crunch Week").first()
    if crunch is None:
        acme_admin = admin
        crunch = programs.program_create(
            organization=acme,
            brand=brands[("acme-foods", "Acme Snacks")],
            name="Crunch Week",
            actor=acme_admin,
        )
        programs.program_open_recruiting(program=crunch, actor=acme_admin)
        programs.enrollment_invite(
            program=crunch, creator=profiles[("acme-foods", "leo@demo.test")], actor=acme_admin
        )
    if Request.objects.exists():
        return
    questions = [
        (
            ("northwind", "creator@demo.test"),
            spring,
            Topic.REQUIREMENTS,
            "Does the launch video need to be vertical, and how long may it be?",
        ),
        (
            ("northwind", "maya@demo.test"),
            summit,
            Topic.COMPENSATION,
            "When will the flat fee for the Summit Trail posts be paid?",
        ),
        (
            ("northwind", "maya@demo.test"),
            None,
            Topic.AVAILABILITY,
            "I am travelling from 1 to 15 March and cannot post then.",
        ),
        (
            ("acme-foods", "leo@demo.test"),
            crunch,
            Topic.PROGRAM_DETAILS,
            "Is it “Acme Snacks” or “ACME snacks” in captions?",
        ),
    ]
    for key, program, topic, text in questions:
        profile = profiles[key]
        enrollment = (
            Enrollment.objects.get(program=program, creator=profile)
            if program is not None
            else None
        )
        request_create(
            creator=profile, user=profile.user, topic=topic, text=text, enrollment=enrollment
        )


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
            _seed_programs_and_requests(orgs, brands)
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
