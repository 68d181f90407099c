"""Django's PostgreSQL backend (psycopg2), without two round trips it did not need.

**BEGIN goes with the transaction's first statement.** psycopg2 opens a transaction by
sending ``BEGIN`` on its own and waiting for the answer before the first statement: a
round trip per transaction, on every request that writes (a filing makes four, this was
a fifth). The drivers of other platforms send it with the first statement (pgjdbc in
the same network write, Npgsql prepended to the first command). Here psycopg2 stays in
autocommit and the backend keeps the transaction itself: entering one only marks it as
wanted, the first statement goes as ``BEGIN;`` followed by that statement (the server
runs both, the answer is the statement's), and commit and rollback are sent as SQL -
only when the server has a transaction open (libpq knows that without asking: the
transaction status of its last answer). A statement that cannot carry the prefix (a
server-side cursor's DECLARE, COPY, executemany) sends BEGIN before it, as psycopg2
did. A server-side cursor (``QuerySet.iterator()``) is declared WITH HOLD, as Django
does in autocommit: psycopg2 refuses any other in its autocommit mode; inside a
transaction that changes nothing but what happens to rows still unread at its commit.

**The health check costs no round trip.** ``CONN_HEALTH_CHECKS`` keeps a worker from
failing one request on each of its kept connections after the database restarted or
ended them (a failover, an administrator, an idle timeout). Django checks by sending
``SELECT 1`` before every request's first statement. A session the server ends is told
so: PostgreSQL sends the reason and closes the socket, which then has something to
read. A kept connection that is idle has nothing to read. So the check first asks the
socket, without waiting. Only when something is there does it send Django's
``SELECT 1``, which reads what came and finds the connection gone (or, for an unprompted
notice from a healthy server, still usable). What this does not see, neither does
``SELECT 1`` quickly: a peer that vanished without a word (a host's power cut) leaves
the socket silent. The first statement then fails, and the request answers 503 with
Retry-After, nothing saved (``backend.api.problems``); Django closes that connection
when the request ends.
"""

import select
from typing import Any

import psycopg2
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.postgresql import base, operations
from django.db.backends.utils import debug_transaction
from psycopg2 import extensions
from psycopg2 import sql as composable

# The server's transaction status after its last answer, as libpq keeps it.
_NO_TRANSACTION = extensions.TRANSACTION_STATUS_IDLE
_OPEN = (extensions.TRANSACTION_STATUS_INTRANS, extensions.TRANSACTION_STATUS_INERROR)
# What goes in front of a transaction's first statement.
_BEGUN = "BEGIN;"


class _Connection(extensions.connection):
    """psycopg2's connection, always in autocommit, with the transaction Django asked
    for still to be begun (``begin_wanted``)."""

    begin_wanted = False

    def begin_now(self) -> None:
        """Send BEGIN on its own, for a statement that cannot carry it."""
        if self.begin_wanted:
            self.begin_wanted = False
            with extensions.cursor(self) as cursor:
                cursor.execute("BEGIN")


class _Cursor(extensions.cursor):
    connection: _Connection

    def execute(self, query: Any, vars: Any = None) -> None:
        connection = self.connection
        if not connection.begin_wanted:
            return super().execute(query, vars)
        if self.name is not None:  # a server-side cursor: its DECLARE takes no prefix
            connection.begin_now()
            return super().execute(query, vars)
        if isinstance(query, composable.Composable):
            query = query.as_string(self)
        connection.begin_wanted = False
        try:
            return super().execute(
                (_BEGUN.encode() if isinstance(query, bytes) else _BEGUN) + query, vars
            )
        except BaseException:
            # Refused before it was sent (a value psycopg2 cannot adapt): no transaction
            # began, so the next statement must still begin it.
            if connection.get_transaction_status() == _NO_TRANSACTION:
                connection.begin_wanted = True
            raise

    def executemany(self, query: Any, vars_list: Any) -> None:
        self.connection.begin_now()
        return super().executemany(query, vars_list)

    def callproc(self, procname: Any, parameters: Any = None) -> Any:
        self.connection.begin_now()
        return super().callproc(procname, parameters)

    def copy_expert(self, sql: Any, file: Any, size: int = 8192) -> None:
        self.connection.begin_now()
        return super().copy_expert(sql, file, size)

    def copy_from(self, file: Any, table: str, *args: Any, **kwargs: Any) -> None:
        self.connection.begin_now()
        return super().copy_from(file, table, *args, **kwargs)

    def copy_to(self, file: Any, table: str, *args: Any, **kwargs: Any) -> None:
        self.connection.begin_now()
        return super().copy_to(file, table, *args, **kwargs)


class _Operations(operations.DatabaseOperations):
    def last_executed_query(self, cursor: Any, sql: Any, params: Any) -> str | None:
        """The statement as the code wrote it, for Django's query log (the BEGIN that went
        with it is logged on its own, as Django logs it when the transaction opens)."""
        query = super().last_executed_query(cursor, sql, params)
        return query.removeprefix(_BEGUN) if query is not None else None


def _has_something_to_read(fileno: int) -> bool:
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = _Operations

    def get_new_connection(self, conn_params: dict[str, Any]) -> _Connection:
        if self.settings_dict["OPTIONS"].get("isolation_level") is not None:
            raise ImproperlyConfigured(
                "backend.postgresql begins its transactions itself, at the server's default "
                "isolation level (default_transaction_isolation): set that instead"
            )
        connection = super().get_new_connection(
            {**conn_params, "connection_factory": _Connection, "cursor_factory": _Cursor}
        )
        connection.autocommit = True
        return connection

    def _set_autocommit(self, autocommit: bool) -> None:
        # psycopg2 stays in autocommit; a transaction Django asks for is begun with the
        # first statement. Django commits or rolls back before it asks for autocommit;
        # a transaction still open then is refused, as psycopg2 refuses it.
        connection = self.connection
        if autocommit and connection.get_transaction_status() in _OPEN:
            with self.wrap_database_errors:
                raise psycopg2.ProgrammingError("set_session cannot be used inside a transaction")
        connection.begin_wanted = not autocommit

    def _end(self, command: str) -> None:
        connection = self.connection
        if connection.get_transaction_status() != _NO_TRANSACTION:
            with extensions.cursor(connection) as cursor:
                cursor.execute(command)
        # Outside an atomic block (autocommit off by hand) the next statement begins the
        # next transaction, as psycopg2 would have.
        connection.begin_wanted = not self.autocommit

    def _commit(self) -> None:
        if self.connection is not None:
            with debug_transaction(self, "COMMIT"), self.wrap_database_errors:
                self._end("COMMIT")

    def _rollback(self) -> None:
        if self.connection is not None:
            with debug_transaction(self, "ROLLBACK"), self.wrap_database_errors:
                self._end("ROLLBACK")

    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        if not _has_something_to_read(self.connection.fileno()):
            return True
        return super().is_usable()
