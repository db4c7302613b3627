"""Hours a creator logs on an enrollment (and, optionally, one of its deliverables). Imported by
``programs.models``.

The per-day limit (24 hours a creator logs across all their entries of a day) is a sum over rows,
so the service checks it under a lock on the creator's profile; the row itself only bounds one
entry (more than 0, at most 24)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from influencer_ops.models import TenantModel
from influencer_ops.validation import SHORT_TEXT_MAX_LENGTH

HOURS_DIGITS = (4, 2)  # one entry: up to 24.00
HOURS_PER_DAY = Decimal("24")


class TimeEntry(TenantModel):
    enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.CASCADE, related_name="time_entries"
    )
    # Denormalised from the enrollment: the day's total is summed per creator.
    creator = models.ForeignKey(
        "influencers.CreatorProfile", on_delete=models.CASCADE, related_name="time_entries"
    )
    deliverable = models.ForeignKey(
        "programs.Deliverable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="time_entries",
    )
    worked_on = models.DateField()
    hours = models.DecimalField(max_digits=HOURS_DIGITS[0], decimal_places=HOURS_DIGITS[1])
    description = models.CharField(max_length=SHORT_TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-worked_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=HOURS_PER_DAY),
                name="time_entry_hours_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "creator", "worked_on"], name="time_entry_creator_day"
            ),
            models.Index(fields=["organization", "enrollment"], name="time_entry_enrollment"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.worked_on}"
