"""The API's one pagination: limit/offset, strict about its own parameters."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

from influencer_ops.validation import OFFSET_MAX, PAGE_SIZE_MAX


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """``limit``/``offset`` as documented: a whole number in range, given once, or a 400.

    DRF's own class quietly falls back to the defaults on junk (``?offset=abc``); a client with
    a typo then reads the wrong page without knowing it. A limit above ``PAGE_SIZE_MAX`` or an
    offset above ``OFFSET_MAX`` is a 400 too (never a database error).
    """

    max_limit = PAGE_SIZE_MAX
    max_offset = OFFSET_MAX

    def _strict(self, request: Any, name: str, maximum: int) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        if len(values) > 1 or not values[0].isdigit() or not values[0].isascii():
            raise ValidationError({name: ["A whole number, 0 or more, given once."]})
        if len(values[0]) > len(str(maximum)) or int(values[0]) > maximum:
            raise ValidationError({name: [f"At most {maximum}."]})
        return int(values[0])

    def get_limit(self, request: Any) -> int | None:
        limit = self._strict(request, self.limit_query_param, self.max_limit)
        if not limit:  # absent, or 0 as DRF reads it: the default page size
            return self.default_limit
        return limit

    def get_offset(self, request: Any) -> int:
        return self._strict(request, self.offset_query_param, self.max_offset) or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 0
            parameter["schema"]["maximum"] = (
                self.max_limit if parameter["name"] == self.limit_query_param else self.max_offset
            )
        return parameters
