"""What every program page shares: the member's program (404 outside the brands they cover),
the manager's program (403 without ``can_manage_programs``), and rendering with the org.

Reading a program needs a role that covers its brand (any other program is a 404, like a
missing one); changing it needs ``can_manage_programs`` for its brand (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from organizations.access import OrgViewMixin, get_for_org
from organizations.permissions import can_manage_programs
from programs import selectors
from programs.models import Program

PAGE_SIZE = 50


class ProgramViewMixin(OrgViewMixin):
    request: HttpRequest

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"org_slug": self.organization.slug, **kwargs})

    def program(self, pk: Any) -> Program:
        """A program of a brand the member covers; 404 for any other."""
        programs = selectors.program_detail(
            organization=self.organization, membership=self.membership
        )
        return get_for_org(programs, self.organization, pk)

    def managed_program(self, pk: Any) -> Program:
        program = self.program(pk)
        if not can_manage_programs(self.membership, program.brand):
            raise PermissionDenied(gettext("Your role does not allow changing this program."))
        return program

    def render_page(
        self, template: str, context: dict[str, Any], status: int = 200
    ) -> HttpResponse:
        base = {"organization": self.organization, "membership": self.membership}
        return render(self.request, f"programs/{template}", base | context, status=status)
