"""The figures audit's payment-record check: the record pages read (kept per promised and paid
day by the database) equals the one counted from the payouts themselves.

Lives beside ``checks`` (which lists it); ``Violation`` is imported where used, since
``checks`` imports this module."""

from __future__ import annotations

from datetime import date
from typing import Any

from organizations.models import Organization
from payments.record.selectors import payment_records, payment_records_counted


def payment_record_matches_payouts(organization: Organization, today: date) -> list[Any]:
    """What creators see as the org's payment record (on-time share, late count, median days
    late) is what its payouts give."""
    from payments.figures.checks import Violation

    kept = payment_records(organization_ids=[organization.pk])[organization.pk]
    counted = payment_records_counted(organization_ids=[organization.pk])[organization.pk]
    if kept == counted:
        return []
    return [
        Violation(
            f"org:{organization.pk}:payment-record",
            f"The payment record shows {kept.on_time} of {kept.counted} on time (median "
            f"{kept.median_days_late} days late) but the payouts give {counted.on_time} of "
            f"{counted.counted} (median {counted.median_days_late}).",
        )
    ]
