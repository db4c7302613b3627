"""Creators as each organization knows them. Issue #4 adds handles, audience, availability…"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from influencer_ops.models import TenantModel


class CreatorProfile(TenantModel):
    # A creator may read their own profiles in every org (the portal finds its orgs this way).
    rls_extra_using: ClassVar[str] = "user_id = app_user_id()"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="creator_profiles",
        help_text="The creator's login, once linked.",
    )
    display_name = models.CharField(max_length=150)
    email = models.EmailField()
    assigned_ism = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The ISM who looks after this creator's requests outside a program.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(user__isnull=False),
                name="creator_org_user_unique",
            ),
            models.UniqueConstraint(
                "organization", Lower("email"), name="creator_org_email_unique"
            ),
        ]
        indexes = [models.Index(fields=["user"], name="creator_user")]

    def __str__(self) -> str:
        return self.display_name
