"""One INSERT for many rows, from arrays (``unnest``): what ``bulk_create`` does, without
compiling a statement with a placeholder per value (for 500 orders that compiling cost more
than the insert itself)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Model

CASTS = {
    "BigAutoField": "bigint",
    "BigIntegerField": "bigint",
    "ForeignKey": "bigint",
    "OneToOneField": "bigint",
    "CharField": "text",
    "DecimalField": "numeric",
    "DateTimeField": "timestamptz",
    "BooleanField": "boolean",
}


def _field(model: type[Model], attname: str) -> Any:
    """The field whose attribute is ``attname`` (``organization_id`` → ``organization``)."""
    try:
        return model._meta.get_field(attname)
    except FieldDoesNotExist:
        return model._meta.get_field(attname.removesuffix("_id"))


def insert_many(objs: Sequence[Model], fields: Sequence[str], key: str) -> None:
    """Insert ``objs`` (all of one model) with ``fields`` (attribute names) and set each one's
    ``pk``, matched back by its ``key`` attribute (unique within the batch). Auto ``now``
    fields must be given their value by the caller."""
    if not objs:
        return
    model = type(objs[0])
    quote = connection.ops.quote_name
    columns, arrays, params = [], [], []
    for name in fields:
        field = _field(model, name)
        columns.append(quote(field.column))
        arrays.append(f"%s::{CASTS[field.get_internal_type()]}[]")
        # The driver adapts str, int, bool, Decimal, datetime and None itself.
        attname = field.attname
        params.append([getattr(o, attname) for o in objs])
    key_field = _field(model, key)
    table = quote(model._meta.db_table)
    # Names from the model, values as parameters.
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({', '.join(arrays)})"  # noqa: S608
    sql += f" RETURNING id, {quote(key_field.column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = {str(found): pk for pk, found in cursor.fetchall()}
    for obj in objs:
        obj.pk = ids[str(getattr(obj, key_field.attname))]
        obj._state.adding = False
        obj._state.db = "default"


def fields_of(model: type[Model], *, skip: Sequence[str] = ("id",)) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.attname not in skip]


__all__ = ["fields_of", "insert_many"]
