"""Fixtures of the workbench tests: cases filed as a resident files them, and a browser
session (Django's test client, signed in) for every kind of caller."""

import datetime

import pytest
from django.test import Client

from backend.accounts.roles import Role
from cases.models import Case
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.factories import UserFactory

# Tuesday 1 April 2025, 09:00 in the Netherlands: a working day.
TUESDAY_MORNING = datetime.datetime(2025, 4, 1, 7, 0, tzinfo=datetime.UTC)
CALLERS = (
    "anonymous",
    "resident",
    "case_handler",
    "legal_staff",
    "team_lead",
    "integration_client",
    "administrator",
    "superuser",
)
STAFF = frozenset({"case_handler", "legal_staff", "team_lead"})
# Who works queues (cases.view_queue): staff, and the administrator's grants.
QUEUE_WORKERS = STAFF | {"administrator", "superuser"}


@pytest.fixture
def morning(time_machine):
    time_machine.move_to(TUESDAY_MORNING, tick=True)
    return TUESDAY_MORNING


@pytest.fixture
def filed(team, users, client_for, morning):
    """A complaint and an objection filed through the API by a resident, in the staff's
    team."""
    filer = client_for(users[Role.RESIDENT])
    cases = {}
    for kind, path, body in (
        ("complaint", "/api/v1/complaints", complaint_body()),
        ("objection", "/api/v1/objections", objection_body()),
    ):
        response = filer.post(path, body)
        assert response.status_code == 201, response.content
        cases[kind] = response.json()["reference"]
    Case.objects.filter(reference__in=cases.values()).update(team=team)
    return {kind: Case.objects.get(reference=ref) for kind, ref in cases.items()}


@pytest.fixture
def browser_for(users):
    """A test client signed in (a session, as the sign-in page makes one) as a caller."""

    def make(caller: str) -> Client:
        client = Client()
        if caller == "anonymous":
            return client
        if caller == "superuser":
            user = UserFactory(username="noodaccount", is_superuser=True, is_staff=True)
        else:
            user = users[Role(caller)]
        client.force_login(user)
        return client

    return make
