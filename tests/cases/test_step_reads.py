"""A step reads its case for the checks once (as the page reads it, each statement built
once) and once more locked, the lock and the read being one statement."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.accounts.roles import Role
from tests.cases.test_filing_api import complaint_body
from tests.conftest import sent


def test_a_step_reads_the_case_row_once_locked_besides_its_shaped_reads(client_for, users):
    handler = client_for(users[Role.CASE_HANDLER])
    reference = handler.post("/api/v1/complaints", complaint_body()).json()["reference"]
    path = f"/api/v1/complaints/{reference}/steps/confirm-receipt"
    with CaptureQueriesContext(connection) as queries:
        taken = handler.post(path, {})
    assert taken.status_code == 200
    assert taken.json()["status"] == "awaiting_contact"
    reads = [
        sql for sql in sent(queries) if sql.startswith("SELECT") and 'FROM "cases_case"' in sql
    ]
    assert len(reads) == 1, reads
    assert 'FOR UPDATE OF "cases_case"' in reads[0]
