"""Fixtures shared by the whole suite: one user per role, API clients, a team."""

import datetime
import time

import pytest
from rest_framework.test import APIClient

from backend.accounts.roles import Role, roles_sync
from tests.factories import TeamFactory, UserFactory

ALL_ROLES = [
    Role.RESIDENT,
    Role.CASE_HANDLER,
    Role.LEGAL_STAFF,
    Role.TEAM_LEAD,
    Role.INTEGRATION_CLIENT,
    Role.ADMINISTRATOR,
]


def wait_until(check, timeout: float = 60.0) -> bool:
    """Poll ``check`` until it holds (work done by a real worker in other threads)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.2)
    return False


def sent(queries) -> list[str]:
    """The statements a request or a call sent, without the once-per-connection
    preparation of a statement (``PREPARE`` in its savepoint or transaction:
    backend/prepared.py), which depends on what ran before on the connection."""
    found = [query["sql"] for query in queries.captured_queries]
    kept = []
    for index, sql in enumerate(found):
        before = found[index - 1] if index else ""
        after = found[index + 1] if index + 1 < len(found) else ""
        if sql.startswith("PREPARE "):
            continue
        if sql.startswith(("SAVEPOINT", "BEGIN")) and after.startswith("PREPARE "):
            continue
        if sql.startswith(("RELEASE SAVEPOINT", "COMMIT")) and before.startswith("PREPARE "):
            continue
        kept.append(sql)
    return kept


def roles_create() -> None:
    """The roles come from a data migration; a flushed database has lost them."""
    from django.apps import apps

    roles_sync(apps)


def reference_sequences_drop() -> None:
    """Committed filings leave their year's reference sequence behind (a flush does not
    reset sequences): a transactional test that counts references starts without them."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE 'case_reference_%%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP SEQUENCE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # A reused test database may have been flushed by a transactional test last run.
    with django_db_blocker.unblock():
        roles_create()


@pytest.fixture
def team(db):
    return TeamFactory(code="klachten", name="Klachten")


@pytest.fixture
def other_team(db):
    return TeamFactory(code="bezwaar", name="Bezwaar en beroep")


@pytest.fixture
def users(db, team):
    """One user per role; staff belong to ``team``."""
    staff = {Role.CASE_HANDLER, Role.LEGAL_STAFF, Role.TEAM_LEAD}
    return {
        role: UserFactory(username=role.value, role=role, teams=[team] if role in staff else [])
        for role in ALL_ROLES
    }


@pytest.fixture
def client_for():
    """An API client signed in as ``user`` (or anonymous with None)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def anon():
    return APIClient()


# Tuesday 1 April 2025, 09:00 in the Netherlands: a working day, before the print batch.
WORKING_MORNING = datetime.datetime(2025, 4, 1, 7, 0, tzinfo=datetime.UTC)


@pytest.fixture
def working_morning(time_machine):
    """Letters made now are dated today and go out today (``letters.dispatch``)."""
    time_machine.move_to(WORKING_MORNING)
    return WORKING_MORNING
