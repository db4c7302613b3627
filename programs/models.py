"""Programs and enrollments. Issue #4 adds briefs, deliverable specs and terms versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from influencer_ops.models import TenantModel

from .states import EnrollmentState, ProgramState


class Program(TenantModel):
    brand = models.ForeignKey("organizations.Brand", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=150)
    state = models.CharField(
        max_length=20, choices=ProgramState.choices, default=ProgramState.DRAFT
    )
    launch_on = models.DateField(null=True, blank=True)
    end_on = models.DateField(null=True, blank=True)
    assigned_ism = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_bsm = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    launched_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organization", "state"], name="program_org_state")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ProgramState.values), name="program_state_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_launched(self) -> bool:
        return self.launched_at is not None


class Enrollment(TenantModel):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    creator = models.ForeignKey(
        "influencers.CreatorProfile", on_delete=models.PROTECT, related_name="enrollments"
    )
    state = models.CharField(
        max_length=20, choices=EnrollmentState.choices, default=EnrollmentState.INVITED
    )
    # Overrides of the program's assignment for this creator.
    assigned_ism = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_bsm = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "creator"]
        constraints = [
            models.UniqueConstraint(fields=["program", "creator"], name="enrollment_unique"),
            models.CheckConstraint(
                condition=models.Q(state__in=EnrollmentState.values), name="enrollment_state_valid"
            ),
        ]
        indexes = [models.Index(fields=["organization", "creator"], name="enrollment_org_creator")]

    def __str__(self) -> str:
        return f"{self.creator} in {self.program}"
