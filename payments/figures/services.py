"""Running the figures audit and telling an org's admins about what it finds, once each."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from messaging.kinds import NotificationKind
from messaging.services.notifications import notify_many
from organizations.models import Organization
from organizations.selectors import admin_users
from payments.figures.checks import Violation, figures_violations


def figures_audit_and_tell(*, organization: Organization) -> list[Violation]:
    """Audit the org (its RLS scope is the caller's) and notify its admins of each violation
    once: the notification's event key is the violation's key, so a violation still there
    tomorrow is not announced again. Returns every violation found."""
    violations = figures_violations(organization=organization)
    if not violations:
        return []
    admins = admin_users(organization_id=organization.pk)
    url = reverse("payout_list", kwargs={"org_slug": organization.slug})
    for violation in violations:
        notify_many(
            recipients=admins,
            organization=organization,
            kind=NotificationKind.FIGURES,
            event_key=f"figures:{violation.key}",
            title=gettext("A figure does not add up"),
            body=violation.message,
            url=url,
        )
    return violations
