"""Deliverables come from each active enrollment's accepted terms version at launch."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from programs.models import Deliverable, DeliverableSpec, Enrollment, Program
from programs.states import EnrollmentState


def _due(item: dict[str, Any], launch: date) -> date:
    if item.get("due_on"):
        return date.fromisoformat(item["due_on"])
    return launch + timedelta(days=int(item.get("due_offset_days") or 0))


def deliverables_create_for_enrollment(
    *, enrollment: Enrollment, launch_on: date
) -> list[Deliverable]:
    """One deliverable per promised piece (``count`` of each kind) from the terms in force.
    Idempotent: pieces that exist are not made again."""
    terms = enrollment.terms_version
    items = terms.snapshot.get("deliverables", []) if terms is not None else []
    specs = {s.pk: s for s in DeliverableSpec.objects.filter(program_id=enrollment.program_id)}
    existing = set(
        Deliverable.objects.filter(enrollment=enrollment).values_list("spec_id", "number")
    )
    rows = []
    for item in items:
        spec = specs.get(item.get("spec"))
        due_on = _due(item, launch_on)
        for number in range(1, int(item.get("count", 1)) + 1):
            if (spec.pk if spec else None, number) in existing:
                continue
            rows.append(
                Deliverable(
                    organization_id=enrollment.organization_id,
                    enrollment=enrollment,
                    program_id=enrollment.program_id,
                    spec=spec,
                    number=number,
                    kind=item["kind"],
                    platform=item["platform"],
                    due_on=due_on,
                    original_due_on=due_on,
                )
            )
    return Deliverable.objects.bulk_create(rows)


def deliverables_create_for_program(*, program: Program) -> int:
    """At launch: the deliverables of every active enrollment (bulk, idempotent)."""
    launch_on = program.launch_on or timezone.localdate()
    created = 0
    for enrollment in Enrollment.objects.select_related("terms_version").filter(
        organization_id=program.organization_id, program=program, state=EnrollmentState.ACTIVE
    ):
        created += len(
            deliverables_create_for_enrollment(enrollment=enrollment, launch_on=launch_on)
        )
    return created
