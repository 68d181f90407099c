"""The service's PostgreSQL backend (backend/postgresql/base.py): a transaction's BEGIN
goes with its first statement, and still holds every statement of the transaction and
nothing else; the health check before a request's first statement costs no round trip
and still finds a kept connection the server has ended."""

import io
import time
import urllib.request
from collections.abc import Callable
from contextlib import closing

import psycopg2
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from psycopg2 import extensions

from backend.accounts.models import Team
from backend.postgresql.base import DatabaseWrapper
from tests.factories import TeamFactory
from tests.served import free_port, gunicorn, service_environment

pytestmark = pytest.mark.django_db(transaction=True)


def _other_connection() -> closing:
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"]
    )
    other.autocommit = True
    return closing(other)


def _own_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _last_statement(pid: int) -> str:
    """What the server last ran for that session, as another session sees it."""
    with _other_connection() as other, other.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_the_service_uses_its_own_postgresql_backend():
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]


# -- BEGIN with the first statement ---------------------------------------------------


def _status() -> int:
    return connection.connection.get_transaction_status()


def _seen_from_outside(*codes: str) -> set[str]:
    """The teams another session sees: only what was committed."""
    with _other_connection() as other, other.cursor() as cursor:
        cursor.execute("SELECT code FROM accounts_team WHERE code = ANY(%s)", [list(codes)])
        return {code for (code,) in cursor.fetchall()}


class _Undone(Exception):
    """Raised to end a transaction in a rollback."""


def _fails_after(write: Callable[[], object]) -> None:
    """``write`` in a transaction that then fails: it is rolled back."""
    with transaction.atomic():
        write()
        raise _Undone


def test_a_transaction_sends_begin_with_its_first_statement():
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.cursor.query == b"BEGIN;SELECT 1"  # what went over the wire
            cursor.execute("SELECT 2")
            assert cursor.cursor.query == b"SELECT 2"
        assert _status() == extensions.TRANSACTION_STATUS_INTRANS
    assert _status() == extensions.TRANSACTION_STATUS_IDLE


def test_outside_a_transaction_each_statement_commits_by_itself():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.cursor.query == b"SELECT 1"
    TeamFactory(code="autocommitted")
    assert _status() == extensions.TRANSACTION_STATUS_IDLE
    assert _seen_from_outside("autocommitted") == {"autocommitted"}


def test_a_transaction_is_seen_when_it_commits_and_never_when_it_rolls_back():
    with transaction.atomic():
        TeamFactory(code="committed")
        TeamFactory(code="committed-too")
        assert _seen_from_outside("committed") == set()
    with pytest.raises(_Undone):
        _fails_after(lambda: TeamFactory(code="rolled-back"))
    assert _seen_from_outside("committed", "committed-too", "rolled-back") == {
        "committed",
        "committed-too",
    }


def test_a_failing_first_statement_rolls_back_and_the_connection_goes_on():
    TeamFactory(code="taken")
    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(code="taken", name="Again")  # the transaction's first statement
    assert _status() == extensions.TRANSACTION_STATUS_IDLE
    with transaction.atomic():
        TeamFactory(code="after")
    assert _seen_from_outside("after") == {"after"}


def test_a_savepoint_rolled_back_keeps_the_rest_of_the_transaction():
    with transaction.atomic():
        TeamFactory(code="kept")
        with pytest.raises(IntegrityError), transaction.atomic():
            Team.objects.create(code="kept", name="Again")
        TeamFactory(code="kept-too")
    assert _seen_from_outside("kept", "kept-too") == {"kept", "kept-too"}


def test_a_first_statement_refused_before_it_was_sent_still_leaves_the_begin_to_come():
    """psycopg2 cannot adapt the value, so nothing reached the server: the statements
    after it must still be one transaction, not each its own."""

    def refused_then_written() -> None:
        with pytest.raises(psycopg2.ProgrammingError), connection.cursor() as cursor:
            cursor.cursor.execute("SELECT %s", [object()])  # psycopg2's own cursor
        TeamFactory(code="still-in-one")
        assert _status() == extensions.TRANSACTION_STATUS_INTRANS

    with pytest.raises(_Undone):
        _fails_after(refused_then_written)
    assert _seen_from_outside("still-in-one") == set()


def test_leaving_a_transaction_open_for_autocommit_is_refused():
    """As psycopg2 refuses it: statements after it would run in the stale transaction."""
    transaction.set_autocommit(False)
    TeamFactory(code="left-open")
    with pytest.raises(DatabaseError, match="inside a transaction"):
        transaction.set_autocommit(True)
    transaction.rollback()
    transaction.set_autocommit(True)
    assert _seen_from_outside("left-open") == set()


def test_a_transaction_that_ran_nothing_commits_without_a_word():
    with transaction.atomic():
        pass
    assert _status() == extensions.TRANSACTION_STATUS_IDLE
    assert connection.is_usable()


def test_transactions_managed_by_hand_begin_again_after_each_end():
    transaction.set_autocommit(False)
    try:
        TeamFactory(code="by-hand-1")
        transaction.commit()
        TeamFactory(code="by-hand-2")  # a new transaction, begun with this statement
        assert _status() == extensions.TRANSACTION_STATUS_INTRANS
        transaction.rollback()
    finally:
        transaction.set_autocommit(True)
    assert _seen_from_outside("by-hand-1", "by-hand-2") == {"by-hand-1"}


def test_a_server_side_cursor_as_the_first_statement_is_inside_the_transaction():
    TeamFactory(code="listed-1")
    TeamFactory(code="listed-2")
    listed: set[str] = set()

    def read_then_write() -> None:
        listed.update(t.code for t in Team.objects.filter(code__startswith="listed").iterator(1))
        assert _status() == extensions.TRANSACTION_STATUS_INTRANS
        TeamFactory(code="listed-3")

    with pytest.raises(_Undone):
        _fails_after(read_then_write)
    assert listed == {"listed-1", "listed-2"}
    assert _seen_from_outside("listed-3") == set()


def test_copy_as_the_first_statement_is_inside_the_transaction():
    def copy() -> None:
        with connection.cursor() as cursor:
            cursor.copy_expert(
                "COPY accounts_team (code, name, department, is_active) FROM STDIN",
                io.StringIO("copied\tCopied\t\tt\n"),
            )
        assert Team.objects.filter(code="copied").exists()  # in this transaction
        assert _seen_from_outside("copied") == set()

    with pytest.raises(_Undone):
        _fails_after(copy)
    assert _seen_from_outside("copied") == set()


def test_an_isolation_level_of_its_own_is_refused():
    settings = {**connection.settings_dict, "OPTIONS": {"isolation_level": 3}}
    with pytest.raises(ImproperlyConfigured, match="default_transaction_isolation"):
        DatabaseWrapper(settings, alias="isolated").connect()


def test_a_commit_on_a_lost_connection_fails_loudly():
    def write_across_the_loss() -> None:
        with transaction.atomic():
            TeamFactory(code="lost")
            _terminate_own_session()
            TeamFactory(code="lost-too")

    with pytest.raises(DatabaseError):
        write_across_the_loss()
    connection.close()
    assert _seen_from_outside("lost", "lost-too") == set()


def _terminate_own_session() -> None:
    pid = _own_pid()
    with _other_connection() as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)


# -- The health check -----------------------------------------------------------------


def test_a_healthy_kept_connection_is_usable_without_a_round_trip():
    pid = _own_pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement sent'")
    assert connection.is_usable()
    # Django's own check would have sent SELECT 1.
    assert _last_statement(pid) == "SELECT 'the last statement sent'"


def test_a_connection_the_server_ended_is_not_usable():
    pid = _own_pid()
    with _other_connection() as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's farewell arrives a moment after it is asked
    assert not connection.is_usable()
    connection.close()
    assert _own_pid() != pid  # a new session serves on


def _ready(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health/ready", timeout=10) as r:
        return r.status


def test_the_served_service_goes_on_after_the_database_ended_its_sessions():
    """Through gunicorn, as the image runs it: the worker keeps its connection between
    requests; after the server ends it (a restart, a failover), the next request's check
    finds that out and opens a new one, instead of failing."""
    port = free_port()
    own = _own_pid()
    with gunicorn(port, service_environment(port)), _other_connection() as other:
        assert _ready(port) == 200
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT array_agg(pid) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND pid <> %s",
                [own],
            )
            (served,) = cursor.fetchone()
            assert served  # the worker kept its connection
            cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s) AS pid", [served])
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # until the server has ended them
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [served]
                )
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.05)
        assert _ready(port) == 200
