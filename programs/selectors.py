"""Reads for the programs app. Always given the organization (and the member who reads)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce

from influencer_ops.models import AuditEvent
from messaging.kinds import ACTIVE_TASK_STATES
from messaging.models import Task
from organizations.models import Brand, Membership, Organization
from organizations.permissions import can_manage_programs, covers_brand
from organizations.roles import Role
from programs.models import DeliverableSpec, Enrollment, Program
from programs.states import EnrollmentState

# --- programs ---

ROSTER_ORDER = [
    EnrollmentState.ACTIVE,
    EnrollmentState.CONFIRMED,
    EnrollmentState.ACCEPTED,
    EnrollmentState.INVITED,
    EnrollmentState.WAITLISTED,
    EnrollmentState.COMPLETED,
    EnrollmentState.DECLINED,
    EnrollmentState.EXPIRED,
    EnrollmentState.WITHDRAWN,
    EnrollmentState.TERMINATED,
]


def brands_visible_to(*, organization: Organization, membership: Membership) -> list[Brand]:
    """The brands whose programs ``membership`` may read (``covers_brand``)."""
    brands = Brand.objects.filter(organization=organization).order_by("name")
    return [brand for brand in brands if covers_brand(membership, brand)]


def brands_managed_by(*, organization: Organization, membership: Membership) -> list[Brand]:
    """The brands ``membership`` may create and run programs for (``can_manage_programs``)."""
    return [
        brand
        for brand in brands_visible_to(organization=organization, membership=membership)
        if can_manage_programs(membership, brand)
    ]


def program_list(
    *,
    organization: Organization,
    membership: Membership,
    state: str | None = None,
    brand_id: int | None = None,
) -> QuerySet[Program]:
    """Programs of the brands the member covers; a program of any other brand is not found."""
    brand_ids = [b.pk for b in brands_visible_to(organization=organization, membership=membership)]
    roster = (
        Enrollment.objects.filter(
            program=OuterRef("pk"),
            organization_id=OuterRef("organization_id"),
            state__in=[EnrollmentState.CONFIRMED, EnrollmentState.ACTIVE],
        )
        .order_by()
        .values("program")
        .annotate(count=Count("pk"))
        .values("count")
    )
    programs = (
        Program.objects.filter(organization=organization, brand_id__in=brand_ids)
        .select_related("brand", "assigned_ism", "assigned_bsm")
        # A correlated count: PostgreSQL computes it for the page's programs only, after the
        # LIMIT (a join and GROUP BY counted every program's enrollments first; #18).
        .annotate(roster_size=Coalesce(Subquery(roster), 0))
        .order_by("name", "pk")
    )
    if state:
        programs = programs.filter(state=state)
    if brand_id:
        programs = programs.filter(brand_id=brand_id)
    return programs


def program_detail(*, organization: Organization, membership: Membership) -> QuerySet[Program]:
    """The queryset to fetch one program from (with ``get_for_org``), specs prefetched."""
    brand_ids = [b.pk for b in brands_visible_to(organization=organization, membership=membership)]
    return (
        Program.objects.filter(organization=organization, brand_id__in=brand_ids)
        .select_related("brand", "assigned_ism", "assigned_bsm", "created_by", "cloned_from")
        .prefetch_related(
            Prefetch(
                "deliverable_specs",
                queryset=DeliverableSpec.objects.filter(organization=organization).order_by("id"),
            )
        )
    )


def program_deliverable_specs(*, program: Program) -> QuerySet[DeliverableSpec]:
    return DeliverableSpec.objects.filter(
        organization_id=program.organization_id, program=program
    ).order_by("id")


def program_roster(*, program: Program) -> list[tuple[str, list[Enrollment]]]:
    """The program's enrollments grouped by state (busiest first), each group by name."""
    enrollments = (
        Enrollment.objects.filter(organization_id=program.organization_id, program=program)
        .select_related("creator")
        .order_by("creator__display_name", "pk")
    )
    groups: dict[str, list[Enrollment]] = {state: [] for state in ROSTER_ORDER}
    for enrollment in enrollments:
        groups.setdefault(enrollment.state, []).append(enrollment)
    return [
        (str(EnrollmentState(state).label), members) for state, members in groups.items() if members
    ]


def program_open_tasks(*, program: Program) -> QuerySet[Task]:
    return (
        Task.objects.filter(
            organization_id=program.organization_id,
            program=program,
            state__in=ACTIVE_TASK_STATES,
        )
        .select_related("assignee", "creator")
        .order_by("due_at", "pk")
    )


def program_audit_trail(*, program: Program) -> QuerySet[AuditEvent]:
    """Events about the program and about its enrollments, newest first."""
    enrollment_ids = (
        Enrollment.objects.filter(organization_id=program.organization_id, program=program)
        .annotate(target=Cast("pk", output_field=CharField()))
        .values("target")
    )
    return (
        AuditEvent.objects.filter(
            Q(target_type="programs.program", target_id=str(program.pk))
            | Q(target_type="programs.enrollment", target_id__in=enrollment_ids),
            organization_id=program.organization_id,
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )


def program_cancel_reason(*, program: Program) -> str:
    """Why the program was cancelled (kept on its audit event), or ""."""
    event = (
        AuditEvent.objects.filter(
            organization_id=program.organization_id,
            target_type="programs.program",
            target_id=str(program.pk),
            verb="program.cancelled",
        )
        .order_by("-at", "-id")
        .first()
    )
    reason = event.after.get("reason") if event and isinstance(event.after, dict) else ""
    return reason if isinstance(reason, str) else ""


def program_staff_choices(*, organization: Organization, field: str) -> QuerySet[Any]:
    """Users who may be a program's assigned ISM (``assigned_ism``) or BSM (``assigned_bsm``)."""
    role = Role.ISM if field == "assigned_ism" else Role.BSM
    user_ids = Membership.objects.filter(
        organization=organization, role__in=[role, Role.ADMIN]
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids).order_by("name", "email")
