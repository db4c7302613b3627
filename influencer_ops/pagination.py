"""The API's pagination, strict about its own parameters: limit/offset for lists that stay
small, cursors for lists that grow without bound (no ``count(*)``, no deep ``OFFSET``; #18)."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, LimitOffsetPagination

from influencer_ops.validation import OFFSET_MAX, PAGE_SIZE_MAX


def _whole_number(request: Any, name: str, maximum: int) -> int | None:
    """The query parameter ``name`` as a whole number up to ``maximum``, or a 400."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1 or not values[0].isdigit() or not values[0].isascii():
        raise ValidationError({name: ["A whole number, 0 or more, given once."]})
    if len(values[0]) > len(str(maximum)) or int(values[0]) > maximum:
        raise ValidationError({name: [f"At most {maximum}."]})
    return int(values[0])


class StrictLimitOffsetPagination(LimitOffsetPagination):
    """``limit``/``offset`` as documented: a whole number in range, given once, or a 400.

    DRF's own class quietly falls back to the defaults on junk (``?offset=abc``); a client with
    a typo then reads the wrong page without knowing it. A limit above ``PAGE_SIZE_MAX`` or an
    offset above ``OFFSET_MAX`` is a 400 too (never a database error).
    """

    max_limit = PAGE_SIZE_MAX
    max_offset = OFFSET_MAX

    def _strict(self, request: Any, name: str, maximum: int) -> int | None:
        return _whole_number(request, name, maximum)

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


PAGE_SIZE_DEFAULT = 50


class StrictCursorPagination(CursorPagination):
    """Pages of a list that grows without bound, by an opaque ``cursor``: each page continues
    from where the previous one ended, through the index of the list's order, so page 1,000
    costs what page 1 does; no total is counted. ``limit`` sets the page size (as with
    limit/offset); ``offset``, or a cursor this list did not give, is a 400.

    Subclasses set ``ordering``: the list's order ending with the id, so rows that tie on the
    first field keep one order across pages (``cursor_pagination`` makes one).
    """

    page_size_query_param = "limit"
    max_page_size = PAGE_SIZE_MAX
    ordering: Any = ("-id",)

    def get_page_size(self, request: Any) -> int:
        size = _whole_number(request, self.page_size_query_param, self.max_page_size)
        return size or int(self.page_size or PAGE_SIZE_DEFAULT)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        if "offset" in request.query_params:
            raise ValidationError({"offset": ["This list pages by cursor: follow “next”."]})
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Any) -> Any:
        if len(request.query_params.getlist(self.cursor_query_param)) > 1:
            raise ValidationError({self.cursor_query_param: ["Given once."]})
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError(
                {self.cursor_query_param: ["Not a cursor of this list: follow “next”."]}
            ) from exc

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 0
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


def cursor_pagination(*ordering: str) -> type[StrictCursorPagination]:
    """A cursor pagination in ``ordering`` (which must end with ``id`` or ``-id``)."""
    if ordering[-1].lstrip("-") != "id":
        raise ValueError("a cursor's ordering ends with the id")
    name = "CursorBy" + "".join(f.lstrip("-").title().replace("_", "") for f in ordering)
    return type(name, (StrictCursorPagination,), {"ordering": ordering})
