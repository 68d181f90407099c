"""The health check before a request's first statement (``CONN_HEALTH_CHECKS``) costs no
round trip, and still finds a kept connection the server has ended
(backend/postgresql/base.py)."""

import time
import urllib.request
from contextlib import closing

import psycopg2
import pytest
from django.db import connection, connections

from backend.postgresql.base import DatabaseWrapper
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
