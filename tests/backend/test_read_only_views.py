"""Views that only read are served without a transaction of their own (backend.api.reads):
no BEGIN and COMMIT around a queue or case page; every write still in one."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.views import APIView

from backend.accounts.roles import Role
from backend.api.reads import read_only
from tests.cases.test_filing_api import complaint_body
from tests.factories import CaseFactory, UserFactory


def test_a_view_that_writes_cannot_be_declared_read_only():
    class Filing(APIView):
        def get(self, request):
            return None

        def post(self, request):
            return None

    with pytest.raises(TypeError, match="post"):
        read_only(Filing)


def _statements(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"].split()[0].upper() for query in queries.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_reads_run_without_a_transaction_and_writes_in_one(client_for, team):
    handler = UserFactory(role=Role.CASE_HANDLER, teams=[team])
    case = CaseFactory(team=team)
    client = client_for(handler)
    for path in ("/api/v1/cases", f"/api/v1/cases/{case.reference}"):
        client.get(path)  # prepares the statements on this connection (once, in a transaction)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert "BEGIN" not in _statements(queries), path
        assert "SAVEPOINT" not in _statements(queries), path

    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/complaints", complaint_body(), format="json")
    assert response.status_code == 201
    statements = _statements(queries)
    assert statements[0] == "BEGIN"
    assert "COMMIT" in statements


@pytest.mark.django_db
def test_a_refused_read_leaves_the_callers_transaction_alone(client_for, team, other_team):
    """A read's 404 marks no transaction for rollback: it has none of its own (here the
    test's is around it, and must stay usable)."""
    case = CaseFactory(team=other_team)
    outsider = UserFactory(role=Role.CASE_HANDLER, teams=[team])
    with transaction.atomic():
        assert client_for(outsider).get(f"/api/v1/cases/{case.reference}").status_code == 404
        assert not transaction.get_rollback()
        assert UserFactory(role=Role.CASE_HANDLER).pk
