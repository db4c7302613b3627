"""The API's one pagination: limit/offset, strict about its own parameters."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """``limit``/``offset`` as documented: a non-negative whole number, given once, or a 400.

    DRF's own class quietly falls back to the defaults on junk (``?offset=abc``); a client with
    a typo then reads the wrong page without knowing it.
    """

    def _strict(self, request: Any, name: str) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        if len(values) > 1 or not values[0].isdigit() or not values[0].isascii():
            raise ValidationError({name: ["A whole number, 0 or more, given once."]})
        return int(values[0])

    def get_limit(self, request: Any) -> int | None:
        limit = self._strict(request, self.limit_query_param)
        if not limit:  # absent, or 0 as DRF reads it: the default page size
            return self.default_limit
        return min(limit, self.max_limit) if self.max_limit else limit

    def get_offset(self, request: Any) -> int:
        return self._strict(request, self.offset_query_param) or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 0
        return parameters
