"""New rows of one model in one INSERT, without the ORM's per-call statement building.

``bulk_create`` compiles its statement anew on every call (for PostgreSQL an UNNEST of
typed arrays); a filing makes four of them, about half a millisecond each in Python
before a row is sent. Here the statement text is built once per model and row count and
only the values are prepared: each field's own ``pre_save`` and ``get_db_prep_save``, as
``bulk_create`` does. Like ``bulk_create`` it sends no signals. The primary keys come
back with RETURNING and are set on the rows.
"""

import functools
from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


@functools.lru_cache(maxsize=64)
def _statement(model: type[Model], count: int) -> tuple[str, tuple]:
    meta = model._meta
    fields = tuple(f for f in meta.local_concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = ", ".join([row] * count)
    pk = quote(meta.pk.column)
    # Names from the model, quoted; every value is a parameter.
    insert = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {values} RETURNING {pk}"  # noqa: S608
    return insert, fields


def rows_insert(rows: Sequence[Model]) -> None:
    """Insert ``rows`` (new, all of one model, primary key left to the database)."""
    if not rows:
        return
    model = type(rows[0])
    if not connection.features.can_return_rows_from_bulk_insert:
        model._base_manager.bulk_create(rows)
        return
    sql, fields = _statement(model, len(rows))
    params = [f.get_db_prep_save(f.pre_save(row, True), connection) for row in rows for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchall()
    for row, (key,) in zip(rows, keys, strict=True):
        row.pk = key
        row._state.adding = False
        row._state.db = connection.alias
