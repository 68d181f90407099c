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


def test_the_steps_open_on_a_case_just_filed_are_worked_out_without_reading_it(users):
    """What the filing wrote (terms, contact moments, its kind's details) is what the
    workflow's checks read: no statement about the case."""
    from backend.api.camel import snakeize
    from cases import services
    from cases.api.serializers import ComplaintFilingSerializer
    from cases.models import CaseKind, Channel
    from cases.workflows.service import steps_available

    handler = users[Role.CASE_HANDLER]
    body = ComplaintFilingSerializer(data=snakeize(complaint_body()))
    assert body.is_valid(), body.errors
    filing = services.Filing(
        kind=CaseKind.COMPLAINT,
        subject=body.validated_data["subject"],
        description=body.validated_data["description"],
        channel=Channel.WEB,
        received_at=None,
        team=None,
        parties=[dict(party) for party in body.validated_data["parties"]],
        complaint=None,
        objection=None,
        attachments=[],
    )
    case = services.case_file(filing=filing, by=None)
    with CaptureQueriesContext(connection) as queries:
        steps = steps_available(case, handler)
    assert "confirm_receipt" in [step.name for step in steps]
    # (the handler's permissions may be read: they are cached per account, not per case)
    assert [sql for sql in sent(queries) if "cases_" in sql] == []
