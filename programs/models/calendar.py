"""Secret addresses of iCalendar feeds: a creator's due dates across their orgs, and a program's
dates and deadlines for staff. Imported by ``programs.models``.

The token in the address is the only credential (calendar apps cannot sign in), so it is long and
random; rotating it replaces it, and the old address answers 404 at once."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from influencer_ops.models import TenantModel

CALENDAR_TOKEN_MAX_LENGTH = 64


class CreatorCalendarFeed(models.Model):
    """One per creator login: their deliverables in every org they work with."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=CALENDAR_TOKEN_MAX_LENGTH, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class ProgramCalendarFeed(TenantModel):
    """One per program: its launch, content due and end dates and every deliverable's due date."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=CALENDAR_TOKEN_MAX_LENGTH, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"the calendar feed of {self.program}"
