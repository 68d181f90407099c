"""The whole API against its own OpenAPI document (schemathesis, in-process over WSGI).

Every operation, for every kind of caller (anonymous, resident, integration client,
handler, legal staff, team lead, administrator), with generated input - valid and not:
no server errors, no response that breaks its schema, no undocumented status code or
content type. Paths that name a case get a real complaint or objection most of the
time, so the deeper code runs too. Bounded: SCHEMATHESIS_EXAMPLES per operation and
caller (default 4) keeps `make test` short; raise it for a longer hunt.
"""

import contextlib
import json
import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis import checks

from backend.accounts.roles import Role
from backend.wsgi import application
from cases.models import Case
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.factories import api_key

pytestmark = pytest.mark.django_db


def served_document() -> dict:
    """The document /api/v1/openapi.json serves, made without a request (collection time
    has no database, and every request runs in a transaction)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(served_document())
schema.app = application  # calls go in-process over WSGI, inside the test's transaction

CALLERS = [None, *Role]
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "4"))


@contextlib.contextmanager
def keeping_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request (it is in a
    transaction: the test's); Django's own test client switches that off the same way
    around each request it makes."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def references(client_for, users, team):
    """A complaint and an objection in the team's queue, claimed by the handler."""
    resident = client_for(users[Role.RESIDENT])
    found = []
    for path, body in (
        ("/api/v1/complaints", complaint_body()),
        ("/api/v1/objections", objection_body()),
    ):
        response = resident.post(path, body, format="json")
        assert response.status_code == 201, response.content
        found.append(response.json()["reference"])
    Case.objects.filter(reference__in=found).update(team=team, assignee=users[Role.CASE_HANDLER])
    return found


@pytest.fixture
def headers_for(users):
    keys: dict[Role, str] = {}

    def make(role: Role | None) -> dict[str, str]:
        if role is None:
            return {}
        if role not in keys:
            keys[role] = api_key(users[role])
        return {"Authorization": f"Token {keys[role]}"}

    return make


@pytest.mark.parametrize("caller", CALLERS, ids=lambda role: role or "anonymous")
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_its_contract(case, caller, references, headers_for):
    if "reference" in (case.path_parameters or {}):
        # Mostly a real case; now and then whatever was generated (a 400 or 404).
        pick = len(repr(case.body)) % 3
        if pick < 2:
            case.path_parameters["reference"] = references[pick]
    with keeping_the_test_connection():
        case.call_and_validate(headers=headers_for(caller), checks=CHECKS)
