"""Load the demo idempotently: two orgs, brands, a user in every role, creators, and four
months of history made by the product's own services over simulated time (see demo.history)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demo.history import HalfPlayed, seed_history
from demo.integrations import seed_integrations
from demo.people import CREATORS, DEMO_PASSWORD, PLATFORM_STAFF, STAFF, seed_people
from demo.values import seed_values
from demo.webhooks import seed_webhooks
from influencer_ops.tenancy import dangerously_unscoped
from organizations.roles import Role


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        with dangerously_unscoped():
            cast = seed_people()
            try:
                played = seed_history(cast)
            except HalfPlayed as exc:
                raise CommandError(str(exc)) from exc
            seed_webhooks(cast)
            seed_values(cast)
            if played:
                seed_integrations(cast)
        self.stdout.write(
            self.style.SUCCESS("Demo data ready." if played else "Demo data already there.")
        )
        self.stdout.write(f"  password for every demo login: {DEMO_PASSWORD}")
        seen = set()
        for email, _name, _slug, role, _b in STAFF:
            if email not in seen:
                seen.add(email)
                self.stdout.write(f"  {email:<24} {Role(role).label}")
        for email, _name in CREATORS:
            self.stdout.write(f"  {email:<24} Creator (portal)")
        self.stdout.write(f"  {PLATFORM_STAFF[0]:<24} Platform staff (/admin/)")
