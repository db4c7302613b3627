"""The OpenAPI schema, true to the API: field formats as sent, and every 4xx documented."""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from rest_framework import serializers

# A time of day as the API writes and reads it ("09:00" or "09:00:00"): JSON Schema's "time"
# format wants an RFC 3339 offset the API never sends.
TIME_OF_DAY_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, true to what the fields really send and accept."""

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if not isinstance(schema, dict):
            return schema
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            schema = {k: v for k, v in schema.items() if k != "format"}
            schema["pattern"] = TIME_OF_DAY_PATTERN
        return schema

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        # A blank URL field answers "" (a read-only one keeps no allow_blank to say so).
        url = isinstance(field, serializers.URLField) and (field.allow_blank or field.read_only)
        if url and schema.get("format") == "uri":
            del schema["format"]
            schema["anyOf"] = [{"format": "uri"}, {"maxLength": 0}]


class SingleObjectAutoSchema(AutoSchema):
    """For a view whose ``list`` answers one object (the org itself), not a page of them."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


ERROR_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# Field errors by field name (lists of messages, nested for nested fields), or a ``detail``.
VALIDATION_ERROR = {"type": "object", "additionalProperties": {}}
_ERROR_RESPONSES = {
    "400": ("Invalid input: errors by field name, or a detail message.", "ValidationError"),
    "403": ("Not signed in, or your role does not allow this.", "ErrorDetail"),
    "404": ("No such organization or object, or not yours.", "ErrorDetail"),
    "409": ("The action conflicts with the current state.", "ErrorDetail"),
}
_UNSAFE = {"post", "put", "patch", "delete"}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: document the 4xx answers every endpoint can give.

    Every endpoint needs a signed-in user with a role (403) and looks things up (404); input
    can be invalid (400); a change can clash with the current state (409). A response an
    endpoint documents itself (an import's 400 report) also admits a plain validation error.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", ERROR_DETAIL)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in _UNSAFE | {"get"}:
                continue
            for parameter in operation.get("parameters", []):
                # Every integer query parameter of the API is an id (limit/offset have their
                # own minimum): ids start at 1, and anything else is refused with a 400.
                schema = parameter.get("schema", {})
                if (
                    parameter.get("in") == "query"
                    and schema.get("type") == "integer"
                    and "minimum" not in schema
                ):
                    schema["minimum"] = 1
            responses = operation.setdefault("responses", {})
            for code, (description, ref) in _ERROR_RESPONSES.items():
                if code == "409" and method not in _UNSAFE:
                    continue
                if code not in responses:
                    responses[code] = {"content": _json(ref), "description": description}
                elif code == "400":
                    for media in responses[code].get("content", {}).values():
                        own = media.get("schema")
                        if own and own != {"$ref": f"#/components/schemas/{ref}"}:
                            media["schema"] = {
                                "anyOf": [own, {"$ref": "#/components/schemas/ValidationError"}]
                            }
    return result
