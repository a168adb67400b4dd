"""Adding counts to rows that may not exist yet, in one statement per batch of rows.

`INSERT … ON CONFLICT (unique columns) DO UPDATE SET n = table.n + excluded.n` — SQLite (3.24+)
and PostgreSQL both have it. Django's bulk_create(update_conflicts=True) can only overwrite a
column, and read-then-write would lose counts when two flushers add to the same row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections
from django.db.models import Model

_CHUNK = 200


def rows_add(model: type[Model], rows: Iterable[dict[str, Any]], *, unique: Sequence[str], add: Sequence[str],
             replace: Sequence[str] = (), using: str = "default") -> int:
    """Insert `rows` (dicts of field name → value); on a clash add the `add` fields to the row's and
    overwrite the `replace` ones; other fields keep their first value. Returns the rows sent.

    Rows must be unique on `unique` (add them up first): PostgreSQL refuses to update one row twice
    in one statement.
    """
    rows = list(rows)
    if not rows:
        return 0
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = list(rows[0])
    # Fields the rows leave out get their model default: the database knows none of Django's.
    defaults = {f.name: f.get_default() for f in model._meta.concrete_fields
                if f.name not in names and not f.primary_key and f.has_default()}
    if defaults:
        rows = [{**row, **defaults} for row in rows]
        names += list(defaults)
    fields = [model._meta.get_field(name) for name in names]
    columns = [quote(f.column) for f in fields]
    updates = [f"{quote(model._meta.get_field(n).column)} = {table}.{quote(model._meta.get_field(n).column)} + "
               f"excluded.{quote(model._meta.get_field(n).column)}" for n in add]
    updates += [f"{quote(model._meta.get_field(n).column)} = excluded.{quote(model._meta.get_field(n).column)}"
                for n in replace]
    conflict = ", ".join(quote(model._meta.get_field(n).column) for n in unique)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start:start + _CHUNK]
            placeholders = ", ".join("(" + ", ".join(["%s"] * len(names)) + ")" for _ in chunk)
            params = [f.get_db_prep_save(row[f.name], connection) for row in chunk for f in fields]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {placeholders} "
                f"ON CONFLICT ({conflict}) DO UPDATE SET {', '.join(updates)}",
                params,
            )
    return len(rows)
