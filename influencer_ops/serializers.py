"""Serializer bases and fields every app's API uses, so a write is refused the same way
everywhere:

- ``StrictSerializer`` / ``StrictModelSerializer``: a body key the serializer does not take
  (unknown, or read-only) is a 400 naming it, never silently ignored.
- ``QueryFilterSerializer``: query filters; a filter given empty is a 400 naming it.
- ``MoneyField``: an amount as a string (``"12.50"``); a JSON number is refused, since a float
  is not an exact amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

M = TypeVar("M", bound=models.Model)

MONEY_PATTERN = r"^-?\d+(\.\d+)?$"


@extend_schema_field({"type": "string", "format": "decimal", "pattern": MONEY_PATTERN})
class MoneyField(serializers.DecimalField):
    """A decimal amount sent as a string; a JSON number (``12.5``) is a 400 that says why."""

    default_error_messages = {
        "not_a_string": 'Send the amount as a string, e.g. "12.50": a number is not exact.',
    }

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, int | float) and not isinstance(data, bool):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class _RefuseUnknownKeys:
    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            readable = set(self.fields)
            errors = {
                str(key): ["This field is read-only." if key in readable else "Unknown field."]
                for key in data
                if key not in writable
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictSerializer(_RefuseUnknownKeys, serializers.Serializer[Any]):
    """A request body: every key must be a writable field of this serializer."""


class StrictModelSerializer(_RefuseUnknownKeys, serializers.ModelSerializer[M]):
    """A model's request body: every key must be a writable field of this serializer; a
    model's decimal column is a ``MoneyField`` (sent as a string)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: MoneyField,
    }


class QueryFilterSerializer(serializers.Serializer[Any]):
    """Query filters (other parameters, like ``limit``, pass through): a filter given with an
    empty value is a 400 naming it, except free-text search fields."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors = {
                name: ["Give a value, or leave the filter out."]
                for name, field in self.fields.items()
                if name in data
                and data.get(name) == ""
                and not isinstance(field, serializers.CharField)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
