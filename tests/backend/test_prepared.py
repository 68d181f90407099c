"""Statements prepared once per connection (backend/prepared.py): the same rows as the
text, one PREPARE per connection and statement, and a statement PostgreSQL cannot
prepare runs as text without spoiling the transaction."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.prepared import execute_prepared
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

SQL = 'SELECT "code" FROM "accounts_team" WHERE "code" = %s OR "name" LIKE \'%%Oost%%\' ORDER BY 1'


def run(sql, params):
    with connection.cursor() as cursor:
        execute_prepared(cursor, sql, params)
        return cursor.fetchall()


def prepared_on_server():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_prepared_once_per_connection_and_the_rows_are_the_texts():
    TeamFactory(code="north", name="Noord")
    TeamFactory(code="east", name="Oost")
    with connection.cursor() as cursor:
        cursor.execute(SQL, ["north"])
        expected = cursor.fetchall()
    assert expected == [("east",), ("north",)]
    with CaptureQueriesContext(connection) as first:
        assert run(SQL, ["north"]) == expected
    with CaptureQueriesContext(connection) as second:
        assert run(SQL, ["south"]) == [("east",)]
    assert [q["sql"].split()[0] for q in first] == ["SAVEPOINT", "PREPARE", "RELEASE", "EXECUTE"]
    assert [q["sql"].split()[0] for q in second] == ["EXECUTE"]
    assert any("LIKE '%Oost%'" in statement for statement in prepared_on_server())


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    TeamFactory(code="north", name="Noord")
    assert run(SQL, ["north"]) == [("north",)]
    assert run(SQL, ["north"]) == [("north",)]
    connection.close()  # as after CONN_MAX_AGE or a lost connection: none prepared there
    with CaptureQueriesContext(connection) as after:
        assert run(SQL, ["north"]) == [("north",)]
    assert [q["sql"].split()[0] for q in after] == ["BEGIN", "PREPARE", "COMMIT", "EXECUTE"]


def test_a_statement_postgresql_cannot_prepare_runs_as_text():
    """``$1 + $2`` has no type to infer: the PREPARE fails in its savepoint, the request's
    transaction goes on, and the statement runs as text (then and later)."""
    sql = "SELECT %s + %s"
    assert run(sql, [2, 3]) == [(5,)]
    TeamFactory(code="after")  # the transaction is still usable
    with CaptureQueriesContext(connection) as later:
        assert run(sql, [4, 5]) == [(9,)]
    assert [q["sql"] for q in later] == ["SELECT 4 + 5"]


def test_switched_off_the_text_is_sent(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as queries:
        run('SELECT count(*) FROM "accounts_team" WHERE "code" = %s', ["x"])
    assert [q["sql"].split()[0] for q in queries] == ["SELECT"]
