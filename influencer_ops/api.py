"""API plumbing shared by every app: domain errors become 4xx answers, never 500s."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from influencer_ops.errors import DomainError
from influencer_ops.outages import RETRY_AFTER_SECONDS, outage_message, outage_of
from influencer_ops.validation import ID_MAX

# The org part of every org-scoped API route (the slug is resolved by the org door).
ORG_API = r"orgs/(?P<org_slug>[-a-zA-Z0-9_]+)"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response({"detail": str(exc)}, status=exc.status_code)
    outage = outage_of(exc)
    if outage is not None:  # the database or the broker is down: try again later, not a 500
        return Response(
            {"detail": outage_message(outage), "unavailable": outage},
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return drf_exception_handler(exc, context)


def choice_param(request: Any, name: str, choices: list[str]) -> str | None:
    """A query filter that must be one of ``choices``: None when absent; present but empty or
    unknown → 400 naming the parameter (the schema documents it as an enum)."""
    value = request.query_params.get(name)
    if value is None:
        return None
    if value not in choices:
        shown = f"“{value}”" if value else gettext("an empty value")
        raise ValidationError({name: [f"Unknown {name} {shown}: one of {', '.join(choices)}."]})
    return str(value)


def id_param(request: Any, name: str) -> int | None:
    """A query filter that is an id: None when absent; present but empty, not a whole number,
    0, or beyond the largest id → 400 naming the parameter (the schema documents it with
    ``ID_PARAMETER_SCHEMA``: minimum 1, maximum ID_MAX)."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    value = values[-1]
    if (
        len(values) > 1
        or not (value.isascii() and value.isdigit())
        or len(value) > len(str(ID_MAX))
        or not 1 <= int(value) <= ID_MAX
    ):
        raise ValidationError({name: [f"A {name} id: a whole number from 1 to {ID_MAX}, once."]})
    return int(value)


def id_parameter(name: str, description: str = "") -> OpenApiParameter:
    """The OpenAPI parameter of an ``id_param`` filter."""
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": 1, "maximum": ID_MAX},
        description=description or f"A {name} id.",
    )
