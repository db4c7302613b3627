"""What a creator won't promote, in the demo, through the real services: Cara excludes
alcohol; Northwind's after-hike beer program (Summit Brewing) leaves her out of its matches with the
reason, and the ISM's override invitation, with its reason, waits in her portal for her to
acknowledge the conflict (left pending so a demo user can accept or decline it).

Idempotent: done once, when Northwind has no "After-Hike Lager" yet."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from demo import programs as demo_programs
from demo.people import Cast
from influencers.models import ExclusionKind
from influencers.values import selectors as values_selectors
from influencers.values import services as values
from organizations.models import Brand
from organizations.services import brand_create
from programs.models import Program
from programs.recruiting import services as recruiting

ORG = "northwind"
BRAND = "Summit Brewing"
PROGRAM = "After-Hike Lager"
CREATOR = "creator@demo.test"
OVERRIDE_REASON = (
    "The program has an alcohol-free lager: we would ask you to feature only that one."
)


def seed_values(cast: Cast) -> bool:
    """False when already done."""
    org = cast.orgs[ORG]
    if Program.objects.filter(organization=org, name=PROGRAM).exists():
        return False
    cara = cast.users[CREATOR]
    if not values_selectors.own_exclusions(user=cara).filter(match_key="alcohol").exists():
        values.exclusion_add_own(user=cara, kind=ExclusionKind.TOPIC, value="alcohol")
        values.exclusion_add_own(user=cara, kind=ExclusionKind.CATEGORY, value="finance")
        values.values_update_own(
            user=cara,
            statement="I promote what I use myself, and nothing that pushes drinking or debt.",
        )
    admin = cast.users["admin@demo.test"]
    brand = Brand.objects.filter(organization=org, name=BRAND).first()
    if brand is None:
        brand = brand_create(organization=org, actor=admin, name=BRAND)
    cast.brands[(ORG, BRAND)] = brand
    fields = demo_programs.brief(
        launch_on=timezone.localdate() + timedelta(days=28),
        length=30,
        categories=["outdoor", "wellness"],
    )
    fields["goals"] = (
        "Our new craft lager, for the end of a long hike. Alcohol content and the drinking "
        "age must be stated; audiences of legal drinking age only."
    )
    program = demo_programs.create(cast, ORG, BRAND, PROGRAM, **fields)
    program = demo_programs.open_recruiting(cast, program)
    # Matching now leaves Cara out ("excludes alcohol"); the team invites her anyway, saying why.
    recruiting.enrollment_invite(
        program=program,
        creators=[cast.profile(ORG, CREATOR)],
        actor=cast.users["ism@demo.test"],
        override_reason=OVERRIDE_REASON,
    )
    return True
