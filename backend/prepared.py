"""Server-side prepared statements for SQL that is the same text on every call.

psycopg2 sends each statement as text, so PostgreSQL parses and plans it every time: for
the queue page, planning took longer than running it (1.6 ms against 1.1 ms at 100,000
cases), on the same two cores the web workers need. SQL built once per shape
(``backend.query_shapes``) is prepared once per database connection (``PREPARE``) and
then executed by name; PostgreSQL re-plans by itself after a schema change. A prepared
statement outlives a rolled-back transaction and ends with its connection.

On a connection pooler in transaction mode (PgBouncer before 1.21) a prepared statement
does not follow the session: switch them off with ``DATABASE_PREPARED_STATEMENTS=false``.
Elsewhere than PostgreSQL the statement is simply executed.
"""

import functools
import hashlib
import logging
import re
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"%s|%%")


@functools.lru_cache(maxsize=4096)
def statement_name(sql: str) -> str:
    """The name ``sql`` is prepared under on every connection; remembered, as the texts
    are a fixed set of shapes and a filing names a dozen of them."""
    return "shape_" + hashlib.sha256(sql.encode()).hexdigest()[:24]


def execute_prepared(cursor: Any, sql: str, params: list[Any], before: str = "") -> None:
    """``cursor.execute(sql, params)``, through a statement prepared on this connection;
    ``before`` is SQL without parameters sent ahead of it in the same round trip."""
    executes_prepared(cursor, [(sql, params)], before)


def executes_prepared(
    cursor: Any, statements: list[tuple[str, list[Any]]], before: str = ""
) -> None:
    """Several statements in one round trip (the result is the last one's), each through
    a statement prepared on this connection, after ``before`` (SQL without parameters)."""
    head = [before.replace("%", "%%")] if before else []
    # The connection looked up once (each attribute read through django.db.connection
    # looks it up again).
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        texts = head + [sql for sql, _ in statements]
        cursor.execute(";\n".join(texts), [p for _, params in statements for p in params])
        return
    prepared = _prepared_here(db)
    texts, values = list(head), []
    for sql, params in statements:
        name = statement_name(sql)
        if name not in prepared:
            _prepare(db, cursor, name, sql, prepared)
        if prepared[name]:
            arguments = ", ".join(["%s"] * len(params))
            texts.append(f"EXECUTE {name}({arguments})" if params else f"EXECUTE {name}")
        else:
            texts.append(sql)
        values += params
    cursor.execute(";\n".join(texts), values)


def _prepared_here(db: BaseDatabaseWrapper) -> dict[str, bool]:
    """The statements prepared on the current database connection (a new connection,
    after a close or a lost one, starts with none). Kept on this thread's wrapper of it,
    not on the ``django.db.connection`` proxy, which every thread shares."""
    raw = db.connection
    kept = db.__dict__.get("_statements_prepared")
    if kept is None or kept[0] is not raw:
        kept = (raw, {})
        db.__dict__["_statements_prepared"] = kept
    return kept[1]


def _prepare(
    db: BaseDatabaseWrapper, cursor: Any, name: str, sql: str, prepared: dict[str, bool]
) -> None:
    numbered = iter(range(1, 10_000))
    text = _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(numbered)}", sql)
    try:
        # In a savepoint: a statement PostgreSQL cannot prepare (a parameter whose type
        # it cannot infer) must not abort the request's transaction; it runs as text.
        with transaction.atomic(savepoint=db.in_atomic_block):
            cursor.execute(f"PREPARE {name} AS {text}")
    except DatabaseError:
        logger.warning("statement not prepared", extra={"statement": name})
        prepared[name] = False
        return
    prepared[name] = True
