"""Load demo data idempotently: two orgs, brands, a user in every role, a few creators."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from influencer_ops.tenancy import dangerously_unscoped
from influencers import services as creators
from influencers.models import CreatorProfile, SocialHandle
from messaging.kinds import Topic
from messaging.models import Request
from messaging.services.requests import request_create
from organizations.models import Brand, Membership, MembershipBrand, Organization
from organizations.roles import Role
from programs import services as programs
from programs.models import Enrollment, Program
from programs.recruiting import services as recruiting

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


def _brief(today: Any, *, launch_in: int, length: int, categories: list[str]) -> dict[str, Any]:

    launch = today + timedelta(days=launch_in)
    return {
        "goals": "Reach new customers with honest, well-disclosed reviews.",
        "audience_demographics": "Adults 22-40",
        "platforms": ["instagram"],
        "categories": categories,
        "min_audience": 10000,
        "guidelines": "Show the product in daily use. No competitor brands in frame.",
        "recruit_by": launch - timedelta(days=7) if launch_in > 7 else None,
        "launch_on": launch,
        "end_on": launch + timedelta(days=length),
        "capacity": 5,
        "budget_amount": Decimal("10000.00"),
        "flat_fee": Decimal("400.00"),
        "per_click_rate": Decimal("0.1500"),
        "milestone_bonus": Decimal("150.00"),
    }


def _seed_programs_and_requests(orgs: dict[str, Organization], brands: dict[Any, Brand]) -> None:
    """Creators, programs in every state with rosters, and routed questions (idempotent: it
    only adds what is missing, by name)."""

    User = get_user_model()
    admin = User.objects.get(email="admin@demo.test")
    ism = User.objects.get(email="ism@demo.test")
    bsm = User.objects.get(email="bsm@demo.test")
    today = timezone.localdate()
    profiles: dict[tuple[str, str], Any] = {}
    for slug, email, name, categories, audience in CREATOR_PROFILES:
        profile = CreatorProfile.objects.filter(organization=orgs[slug], email=email).first()
        if profile is None:
            profile = creators.creator_create(
                organization=orgs[slug],
                actor=admin,
                display_name=name,
                email=email,
                categories=categories,
                location="Lisbon",
                handles=[
                    {
                        "platform": "instagram",
                        "handle": email.split("@")[0],
                        "audience_size": audience,
                        "engagement_rate": "3.5",
                    }
                ],
            )
            profile.user = User.objects.get(email=email)
            profile.save(update_fields=["user"])
        profiles[(slug, email)] = profile
    north, acme = orgs["northwind"], orgs["acme-foods"]
    for name, email, categories, audience in ROSTER_ONLY:
        profile = CreatorProfile.objects.filter(organization=north, email=email).first()
        if profile is None:
            profile = creators.creator_create(
                organization=north,
                actor=ism,
                display_name=name,
                email=email,
                categories=categories,
                location="Porto",
                handles=[
                    {
                        "platform": "instagram",
                        "handle": name.split()[0].lower(),
                        "audience_size": audience,
                        "engagement_rate": "2.8",
                    }
                ],
            )
        profiles[("northwind", email)] = profile
    assert SocialHandle.objects.filter(organization=north).exists()

    def program(org: Organization, brand: str, name: str, **brief: Any) -> tuple[Program, bool]:
        existing = Program.objects.filter(organization=org, name=name).first()
        if existing is not None:
            return existing, False
        created = programs.program_create(
            organization=org,
            brand=brands[(org.slug, brand)],
            name=name,
            actor=admin,
            assigned_ism=ism if org == north else None,
            assigned_bsm=bsm if org == north else None,
            **brief,
        )
        if brief:
            programs.deliverable_spec_add(
                program=created,
                actor=admin,
                kind="post",
                platform="instagram",
                count=2,
                due_offset_days=10,
            )
        return created, True

    def invite(prog: Program, *keys: tuple[str, str]) -> list[Any]:
        return recruiting.enrollment_invite(
            program=prog,
            creators=[profiles[k] for k in keys],
            actor=ism if prog.organization == north else admin,
        )

    def confirm(enrollment: Any) -> None:
        for state in ("accepted", "confirmed"):
            recruiting.enrollment_move(enrollment=enrollment, target=state, actor=ism)

    # Draft: a brief in progress.
    program(north, "Lumen Skincare", "Autumn Serum", goals="Launch the new serum.")
    # Recruiting: invitations out, one accepted, one declined.
    spring, new = program(
        north,
        "Lumen Skincare",
        "Spring Glow",
        **_brief(today, launch_in=30, length=45, categories=["beauty"]),
    )
    if new:
        programs.program_open_recruiting(program=spring, actor=admin)
        _cara, nora, priya = invite(
            spring,
            ("northwind", "creator@demo.test"),
            ("northwind", "nora@creators.test"),
            ("northwind", "priya@creators.test"),
        )
        recruiting.enrollment_move(enrollment=nora, target="accepted", actor=ism)
        recruiting.enrollment_move(enrollment=priya, target="declined", actor=ism)
    # Launched: an active roster.
    summit, new = program(
        north,
        "Trailhead Outdoor",
        "Summit Trail",
        **_brief(today, launch_in=-10, length=60, categories=["outdoor"]),
    )
    if new:
        programs.program_open_recruiting(program=summit, actor=admin)
        for enrollment in invite(
            summit,
            ("northwind", "maya@demo.test"),
            ("northwind", "omar@creators.test"),
            ("northwind", "sven@creators.test"),
        ):
            confirm(enrollment)
        programs.program_launch(program=summit, actor=admin)
    # Completed and closed programs from earlier seasons; one cancelled.
    for name, close in (("Winter Warmers", False), ("Holiday Gifts", True)):
        past, new = program(
            north,
            "Trailhead Outdoor",
            name,
            **_brief(today, launch_in=0, length=1, categories=["outdoor"]),
        )
        if new:
            programs.program_open_recruiting(program=past, actor=admin)
            confirm(invite(past, ("northwind", "quinn@creators.test"))[0])
            programs.program_launch(program=past, actor=admin)
            programs.program_complete(program=past, actor=admin)
            if close:
                programs.program_close(program=past, actor=admin)
    popup, new = program(
        north,
        "Lumen Skincare",
        "Pop-up Tour",
        **_brief(today, launch_in=20, length=10, categories=["beauty"]),
    )
    if new:
        programs.program_open_recruiting(program=popup, actor=admin)
        programs.program_cancel(program=popup, actor=admin, reason="The venue fell through.")
    crunch, new = program(
        acme,
        "Acme Snacks",
        "Crunch Week",
        **_brief(today, launch_in=21, length=14, categories=["food"]),
    )
    if new:
        programs.program_open_recruiting(program=crunch, actor=admin)
        invite(crunch, ("acme-foods", "leo@demo.test"), ("acme-foods", "creator@demo.test"))
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
    for key, prog, topic, text in questions:
        profile = profiles[key]
        enrollment = (
            Enrollment.objects.get(program=prog, creator=profile) if prog is not None else None
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
            from demo.tracking import seed_tracking_demo

            seed_tracking_demo()
            from demo.payments import seed_payments_demo

            seed_payments_demo()
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
