"""`manage.py audit_figures [--org SLUG]`: list every figure that breaks an invariant.

Exits 1 when there is a violation, 0 when every figure adds up."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from influencer_ops.tenancy import db_scope
from organizations.models import Organization
from payments.figures.checks import figures_violations


class Command(BaseCommand):
    help = "Check that payouts, the ledger, reports, the portal and milestones agree."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="Only this organization (its slug).")

    def handle(self, *args: Any, org: str | None = None, **options: Any) -> None:
        with db_scope(all_orgs=True):
            orgs = Organization.objects.order_by("slug")
            if org:
                orgs = orgs.filter(slug=org)
            targets = list(orgs.values_list("pk", "slug"))
        if org and not targets:
            raise CommandError(f"No organization with the slug {org!r}.")
        total = 0
        for org_id, slug in targets:
            with db_scope(org_ids=[org_id]):
                violations = figures_violations(organization=Organization.objects.get(pk=org_id))
            for violation in violations:
                self.stdout.write(f"{slug}: {violation.message}  [{violation.key}]")
            total += len(violations)
        self.stdout.write(f"{total} violation{'s' if total != 1 else ''} in {len(targets)} org(s).")
        if total:
            raise SystemExit(1)
