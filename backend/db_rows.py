"""New rows of one model in one INSERT, without the ORM's per-call statement building.

``bulk_create`` compiles its statement anew on every call (for PostgreSQL an UNNEST of
typed arrays); a filing makes four of them, about half a millisecond each in Python
before a row is sent. Here the statement text is built once per model and row count and
only the values are prepared: each field's own ``pre_save`` and ``get_db_prep_save``, as
``bulk_create`` does. Like ``bulk_create`` it sends no signals: use it for models whose
``save()`` adds nothing (the append-only timeline's guard is for changes, not inserts).
The primary keys come back with RETURNING and are set on the rows; rows whose keys are
not needed can go together in one round trip (``rows_insert_together``).
"""

import functools
from collections.abc import Sequence

from django.db import connection
from django.db.models import Model

from backend.prepared import execute_prepared, executes_prepared


@functools.lru_cache(maxsize=128)
def _statement(model: type[Model], count: int, returning: bool) -> tuple[str, tuple]:
    meta = model._meta
    # Every column but a key the database assigns (a one-to-one key is written).
    fields = tuple(f for f in meta.local_concrete_fields if not (f.primary_key and f.db_returning))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = ", ".join([row] * count)
    # Names from the model, quoted; every value is a parameter.
    insert = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {values}"  # noqa: S608
    if returning:
        insert += f" RETURNING {quote(meta.pk.column)}"
    return insert, fields


def _values(rows: Sequence[Model], fields: tuple) -> list:
    return [f.get_db_prep_save(f.pre_save(row, True), connection) for row in rows for f in fields]


def _stored(rows: Sequence[Model]) -> None:
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias


def rows_insert(rows: Sequence[Model]) -> None:
    """Insert ``rows`` (new, all of one model) and set the keys the database assigned."""
    if not rows:
        return
    model = type(rows[0])
    returning = model._meta.pk.db_returning
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        model._base_manager.bulk_create(rows)
        return
    sql, fields = _statement(model, len(rows), returning)
    with connection.cursor() as cursor:
        execute_prepared(cursor, sql, _values(rows, fields))
        if returning:
            for row, (key,) in zip(rows, cursor.fetchall(), strict=True):
                row.pk = key
    _stored(rows)


def rows_insert_together(*groups: Sequence[Model]) -> None:
    """Insert several groups of new rows (each of one model) whose keys nobody reads back
    in this request: on PostgreSQL in one round trip, elsewhere a statement a group."""
    groups = tuple(group for group in groups if group)
    if connection.vendor != "postgresql":
        for group in groups:
            rows_insert(group)
        return
    statements = []
    for group in groups:
        sql, fields = _statement(type(group[0]), len(group), False)
        statements.append((sql, _values(group, fields)))
    if statements:
        with connection.cursor() as cursor:
            # psycopg2 binds the parameters itself: the statements go as one query.
            executes_prepared(cursor, statements)
    for group in groups:
        _stored(group)
