"""New rows of one model in one INSERT, without the ORM's per-call statement building.

``bulk_create`` compiles its statement anew on every call (for PostgreSQL an UNNEST of
typed arrays); a filing makes four of them, about half a millisecond each in Python
before a row is sent. Here the statement text is built once per model and row count and
only the values are prepared: each field's own ``pre_save`` and ``get_db_prep_save``, as
``bulk_create`` does. Like ``bulk_create`` it sends no signals: use it for models whose
``save()`` adds nothing (the append-only timeline's guard is for changes, not inserts).
The primary keys come back with RETURNING and are set on the rows; several groups can go
together in one round trip (``rows_insert_together``), the keys of one of them coming back.
On PostgreSQL the keys can also be taken first, for several groups in one round trip
(``keys_reserve``, from each table's own sequence): rows that refer to each other then
all go in one round trip. A row's key for a related row is taken from that row when it
was assigned before the row had its key, as ``bulk_create`` does.
"""

import datetime
import functools
import json
import operator
from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from backend.prepared import execute_prepared, executes_prepared


@functools.lru_cache(maxsize=128)
def _statement(
    model: type[Model], count: int, returning: bool, keyed: bool = False
) -> tuple[str, tuple]:
    meta = model._meta
    # Every column but a key the database assigns (a one-to-one key is written, and so is
    # a key taken beforehand: ``keyed``).
    fields = tuple(
        f for f in meta.local_concrete_fields if keyed or not (f.primary_key and f.db_returning)
    )
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = ", ".join([row] * count)
    # Names from the model, quoted; every value is a parameter.
    insert = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {values}"  # noqa: S608
    if returning:
        insert += f" RETURNING {quote(meta.pk.column)}"
    return insert, fields


# Django's own field classes whose value PostgreSQL takes as it is, when it is already of
# the type named: their preparation would return it unchanged (a test holds each equal to
# Django's). A subclass (an encrypted field, say) may prepare differently: never taken.
_AS_IS: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.EmailField: (str,),
    models.BooleanField: (bool,),
    models.IntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.BigIntegerField: (int,),
    models.DateField: (datetime.date,),
    models.DateTimeField: (datetime.datetime,),
}


# The kinds of a JSON field: no value goes as it is, a dict or a list as its JSON text.
_JSON = (type(None),)


def _plain(fields: tuple) -> tuple:
    """Per field, the types whose values go as they are (``None`` included), or () when
    the field's own preparation must run: a key prepares as the field it points to; a
    date or moment filled in on save (``auto_now``) is left to the field; a JSON field's
    kinds are ``_JSON``."""
    kinds = []
    for field in fields:
        if field.is_relation and type(field) not in (models.ForeignKey, models.OneToOneField):
            kinds.append(())  # a key of a class of its own may prepare its own way
            continue
        target = field.target_field if field.is_relation else field
        automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        if type(target) is models.JSONField:
            kinds.append(_JSON)
            continue
        types = _AS_IS.get(type(target), ())
        if isinstance(target, models.AutoField | models.BigAutoField):
            types = (int,)
        kinds.append(() if automatic or not types else (*types, type(None)))
    return tuple(kinds)


def _values(rows: Sequence[Model], fields: tuple, db: BaseDatabaseWrapper | None = None) -> list:
    """Each field's value as ``bulk_create`` prepares it (``pre_save``, then
    ``get_db_prep_save``), without the calls where that returns the value unchanged: on
    PostgreSQL an aware moment, a date, a string, a number or None of a plain field; the
    text of a string subclass (a choice's enum member); a JSON field's dict or list as
    its JSON text."""
    for row in rows:
        # A related row assigned before it had its key: its key now (or ValueError for
        # one never written), as bulk_create does.
        row._prepare_related_fields_for_save(operation_name="rows_insert")
    db = _default() if db is None else db
    if db.vendor != "postgresql":
        return [f.get_db_prep_save(f.pre_save(row, True), db) for row in rows for f in fields]
    values = []
    read, kinds = _reading(fields)
    for row in rows:
        for value, (field, plain) in zip(read(row), kinds, strict=True):
            if type(value) in plain and not (
                type(value) is datetime.datetime and value.tzinfo is None
            ):
                values.append(value)
            elif plain is _JSON and type(value) in (dict, list):
                # The text Django's adapter would quote, quoted as a string: PostgreSQL
                # casts it to the column's jsonb as it is written (a prepared statement's
                # parameter, or a value of the INSERT), without the adapter's round of
                # Python calls per value.
                values.append(json.dumps(value, cls=field.encoder))
            elif plain and plain[0] is str and isinstance(value, str):
                # A choice's enum member: a text field prepares it as it is, and the driver
                # sends its text - found through the adapters of its classes, a walk that
                # cost more than the member's other work; its text as a plain string goes
                # straight.
                values.append(str.__str__(value))
            else:
                values.append(field.get_db_prep_save(field.pre_save(row, True), db))
    return values


@functools.lru_cache(maxsize=128)
def _reading(fields: tuple) -> tuple[Callable[[Model], tuple], tuple]:
    """A row's values of ``fields`` in one call, and each field paired with its shortcut
    kinds (``_plain``)."""
    names = [field.attname for field in fields]
    getter = operator.attrgetter(*names)
    read = getter if len(names) > 1 else lambda row: (getter(row),)
    return read, tuple(zip(fields, _plain(fields), strict=True))


def _stored(rows: Sequence[Model]) -> None:
    for row in rows:
        row._state.adding = False
        row._state.db = DEFAULT_DB_ALIAS  # the alias of ``connection``, which wrote them


def _default() -> BaseDatabaseWrapper:
    """This thread's default connection, looked up once by a caller that reads several of
    its attributes: every attribute read through ``django.db.connection`` looks it up
    again (about 40 such reads a filing)."""
    return connections[DEFAULT_DB_ALIAS]


def rows_insert(rows: Sequence[Model]) -> None:
    """Insert ``rows`` (new, all of one model) and set the keys the database assigned."""
    if not rows:
        return
    model = type(rows[0])
    keyed = _keyed(rows)
    returning = model._meta.pk.db_returning and not keyed
    if returning and not connection.features.can_return_rows_from_bulk_insert:
        model._base_manager.bulk_create(rows)
        return
    sql, fields = _statement(model, len(rows), returning, keyed)
    db = _default()
    with db.cursor() as cursor:
        execute_prepared(cursor, sql, _values(rows, fields, db))
        if returning:
            for row, (key,) in zip(rows, cursor.fetchall(), strict=True):
                row.pk = key
    _stored(rows)


def rows_insert_together(
    *groups: Sequence[Model],
    keyed: Sequence[Model] = (),
    then: Sequence[tuple[str, list]] = (),
) -> None:
    """Insert several groups of new rows (each of one model) - on PostgreSQL in one round
    trip, elsewhere a statement a group. Only the rows of ``keyed`` get their keys back
    (their INSERT goes last: a round trip answers with its last statement's rows).
    ``then``: statements (SQL and parameters) run after the groups and before ``keyed``,
    in the same round trip - rows that refer to the groups' rows by a unique value."""
    groups = tuple(group for group in groups if group)
    db = _default()
    if db.vendor != "postgresql":
        for group in groups:
            rows_insert(group)
        with connection.cursor() as cursor:
            for sql, params in then:
                cursor.execute(sql, params)
        rows_insert(keyed)
        return
    returning = bool(keyed) and type(keyed[0])._meta.pk.db_returning and not _keyed(keyed)
    statements = []
    for group in groups:
        sql, fields = _statement(type(group[0]), len(group), False, _keyed(group))
        statements.append((sql, _values(group, fields, db)))
    statements.extend((sql, list(params)) for sql, params in then)
    if keyed:
        sql, fields = _statement(type(keyed[0]), len(keyed), returning, _keyed(keyed))
        statements.append((sql, _values(keyed, fields, db)))
    if statements:
        with db.cursor() as cursor:
            # psycopg2 binds the parameters itself: the statements go as one query.
            executes_prepared(cursor, statements)
            if returning:
                for row, (key,) in zip(keyed, cursor.fetchall(), strict=True):
                    row.pk = key
    for group in (*groups, keyed):
        _stored(group)


def _keyed(rows: Sequence[Model]) -> bool:
    """Whether new rows whose key the database would assign carry one taken beforehand
    (``keys_reserve``): all of them do, or none."""
    if not rows or not type(rows[0])._meta.pk.db_returning:
        return False
    given = [row.pk is not None for row in rows]
    if any(given) and not all(given):
        raise ValueError("some rows have keys and some have not")
    return given[0]


def keys_reserve(*groups: Sequence[Model], alongside: tuple[str, list] | None = None) -> Any:
    """On PostgreSQL: take the keys of the new rows of ``groups`` from their tables'
    sequences (as their INSERT would) and set them on the rows, in one round trip; with
    ``alongside`` (an SQL expression and its parameters) its value is read in the same
    round trip and returned. Elsewhere no key is taken (the rows get theirs when written)
    and only ``alongside`` is read."""
    groups = tuple(group for group in groups if group)
    postgres = connection.vendor == "postgresql"
    expressions, params = [], []
    if alongside is not None:
        expressions.append(f"({alongside[0]})")
        params += alongside[1]
    if postgres:
        for group in groups:
            expressions.append(
                "ARRAY(SELECT nextval(%s::regclass) FROM generate_series(1, %s::int))"
            )
            params += [_key_sequence(type(group[0])), len(group)]
    if not expressions:
        return None
    with connection.cursor() as cursor:
        execute_prepared(cursor, "SELECT " + ", ".join(expressions), params)
        found = cursor.fetchone()
    if postgres:
        for group, keys in zip(groups, found[1:] if alongside else found, strict=True):
            for row, key in zip(group, keys, strict=True):
                row.pk = key
    return found[0] if alongside else None


@functools.cache
def _key_sequence(model: type[Model]) -> str:
    """The sequence a table's key comes from (looked up once: ``pg_get_serial_sequence``
    reads the catalogue on every call, more than the keys themselves cost)."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
        return cursor.fetchone()[0]
