"""The data of the programs' webhook events (``influencer_ops.events``): ids and the few fields
a receiver needs to act without calling back; names and contact details stay out."""

from __future__ import annotations

from typing import Any


def enrollment_event(enrollment: Any, **extra: Any) -> dict[str, Any]:
    return {
        "enrollment_id": enrollment.pk,
        "program_id": enrollment.program_id,
        "creator_id": enrollment.creator_id,
        "state": enrollment.state,
        **extra,
    }


def submission_event(submission: Any, deliverable: Any, **extra: Any) -> dict[str, Any]:
    return {
        "submission_id": submission.pk,
        "version": submission.version,
        "deliverable_id": deliverable.pk,
        "enrollment_id": deliverable.enrollment_id,
        "program_id": deliverable.program_id,
        **extra,
    }


def extension_event(extension: Any, deliverable: Any) -> dict[str, Any]:
    return {
        "extension_id": extension.pk,
        "deliverable_id": deliverable.pk,
        "enrollment_id": deliverable.enrollment_id,
        "state": extension.state,
        "self_service": extension.self_service,
        "due_on": f"{deliverable.due_on}",
    }


def case_event(case: Any) -> dict[str, Any]:
    return {
        "case_id": case.pk,
        "enrollment_id": case.enrollment_id,
        "kind": case.kind,
        "severity": case.severity,
        "state": case.state,
    }
