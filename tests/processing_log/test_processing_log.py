"""The processing log (issue 17.1): every read of a case's personal data and every change
is one record per data subject in the shape of Logius' Logboek Dataverwerkingen, in the
caller's W3C trace, written in one statement when the request ends; legal staff query it
per person; the database refuses to change it."""

import datetime
import re

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backend import encryption
from backend.accounts.roles import Role
from backend.outbox.tasks import outbox_relay
from backend.prepared import executes_prepared, statement_name
from backend.processing_log import recorder
from backend.processing_log.models import ActorType, ProcessingRecord, StatusCode, SubjectType
from backend.processing_log.recorder import Subject, note
from backend.processing_log.trace import operation_ids_new, traceparent_format, traceparent_parse
from cases.consumers import RECEIPTS
from cases.models import Case, Party
from letters.services import LETTERS_CONSUMER
from tests.cases.test_filing_api import objection_body
from tests.conftest import roles_create, sent
from tests.factories import TeamFactory, UserFactory
from tests.outbox import relay_all

pytestmark = pytest.mark.django_db

BSN = "111222333"
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE}-{CALLER_SPAN}-01"


def filed_objection(client, team) -> Case:
    """An objection with two parties: the objector with a BSN, a representative without."""
    body = objection_body()
    body["parties"][0]["bsn"] = BSN
    body["parties"].append(
        {**body["parties"][0], "role": "representative", "name": "R. Vertegenwoordiger"}
    )
    body["parties"][1].pop("bsn")
    response = client.post("/api/v1/objections", body, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    Case.objects.filter(pk=case.pk).update(team=team)
    return case


@pytest.fixture
def objection(client_for, users, team) -> Case:
    return filed_objection(client_for(users[Role.RESIDENT]), team)


def subjects_of(case: Case) -> set[tuple[str, str]]:
    representative = case.parties.get(role="representative")
    return {
        (encryption.blind_index(BSN), SubjectType.BSN_DIGEST),
        (str(representative.pk), SubjectType.PARTY),
    }


def records(**lookups) -> list[ProcessingRecord]:
    return list(ProcessingRecord.objects.filter(**lookups).order_by("id"))


# -- W3C Trace Context ---------------------------------------------------------------


def test_a_well_formed_traceparent_is_taken():
    incoming = traceparent_parse(TRACEPARENT)
    assert (incoming.trace_id, incoming.parent_id) == (TRACE, CALLER_SPAN)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # version ff is invalid
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  # all-zero trace
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  # all-zero parent
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  # upper case
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  # 31 hex digits
    ],
)
def test_a_malformed_traceparent_starts_a_new_trace(header):
    assert traceparent_parse(header) is None


def test_the_trace_is_handed_on_as_version_00_sampled():
    assert traceparent_format(TRACE, CALLER_SPAN) == TRACEPARENT


# -- What is recorded ------------------------------------------------------------------


def test_filing_records_each_party_as_a_data_subject(objection, users):
    filed = records(name="objection-file:post")
    assert {(r.data_subject_id, r.data_subject_id_type) for r in filed} == subjects_of(objection)
    for record in filed:
        assert record.activity_id == "objection-handling"
        assert record.status_code == StatusCode.OK
        assert (record.actor_type, record.actor_id) == (
            ActorType.USER,
            str(users[Role.RESIDENT].pk),
        )
        assert record.attributes["casehandling.case_reference"] == objection.reference
        assert len(record.trace_id) == 32
        assert len(record.operation_id) == 16
        assert record.start_time <= record.end_time
    # One operation per subject, both children of the request's operation.
    assert len({r.operation_id for r in filed}) == 2
    assert len({r.parent_operation_id for r in filed}) == 1


def test_reading_a_case_is_recorded_in_the_callers_trace(objection, users, client_for):
    client = client_for(users[Role.LEGAL_STAFF])
    response = client.get(f"/api/v1/cases/{objection.reference}", HTTP_TRACEPARENT=TRACEPARENT)
    assert response.status_code == 200
    read = records(name="case-detail:get")
    assert {(r.data_subject_id, r.data_subject_id_type) for r in read} == subjects_of(objection)
    for record in read:
        assert record.trace_id == TRACE
        assert record.foreign_trace_id == TRACE
        assert record.foreign_operation_id == CALLER_SPAN
        assert record.actor_id == str(users[Role.LEGAL_STAFF].pk)
        assert record.attributes["casehandling.personal_data_shown"] is True
    # The response hands the trace on with this request's operation (the records' parent).
    version, trace, operation, flags = response["traceparent"].split("-")
    assert (version, trace, flags) == ("00", TRACE, "01")
    assert {r.parent_operation_id for r in read} == {operation}


def test_a_bsn_never_appears_in_the_log(objection, users, client_for):
    client_for(users[Role.LEGAL_STAFF]).get(f"/api/v1/cases/{objection.reference}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM processing_log_processingrecord r WHERE r::text LIKE %s",
            [f"%{BSN}%"],
        )
        assert cursor.fetchone()[0] == 0
    assert ProcessingRecord.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["/api/v1/cases/{}/events", "/api/v1/cases/{}/letters"],
)
def test_timeline_and_letters_are_recorded(objection, users, client_for, path):
    client = client_for(users[Role.LEGAL_STAFF])
    assert client.get(path.format(objection.reference)).status_code == 200
    read = records(status_code=StatusCode.OK, name__endswith=":get")
    assert {r.data_subject_id for r in read} == {subject for subject, _ in subjects_of(objection)}


def test_a_change_is_recorded(objection, users, client_for):
    client = client_for(users[Role.LEGAL_STAFF])
    response = client.post(
        f"/api/v1/cases/{objection.reference}/notes", {"text": "Gebeld."}, format="json"
    )
    assert response.status_code == 201
    written = records(name="case-notes:post", status_code=StatusCode.OK)
    assert len(written) == 2
    # Written inside the view's transaction (decision 29): who acted is known already.
    legal = users[Role.LEGAL_STAFF]
    assert {(r.actor_type, r.actor_id) for r in written} == {(ActorType.USER, str(legal.pk))}


def test_a_refusal_after_the_case_was_found_is_recorded_as_an_error(objection, users, client_for):
    """An administrator sees the case but not its attachments: the attempt is logged."""
    client = client_for(users[Role.ADMINISTRATOR])
    response = client.get(f"/api/v1/cases/{objection.reference}/attachments/1")
    assert response.status_code == 403
    refused = records(name="case-attachment:get")
    assert len(refused) == 2
    assert {r.status_code for r in refused} == {StatusCode.ERROR}
    assert {r.attributes["casehandling.personal_data_shown"] for r in refused} == {False}


def test_a_case_the_caller_may_not_see_leaves_no_record(objection, client_for, other_team):
    outsider = UserFactory(username="elsewhere", role=Role.CASE_HANDLER, teams=[other_team])
    before = ProcessingRecord.objects.count()
    response = client_for(outsider).get(f"/api/v1/cases/{objection.reference}")
    assert response.status_code == 404
    assert ProcessingRecord.objects.count() == before


def test_the_workbench_case_page_is_recorded(objection, users, client):
    client.force_login(users[Role.LEGAL_STAFF])
    response = client.get(f"/werkbank/zaken/{objection.reference}")
    assert response.status_code == 200
    shown = records(status_code=StatusCode.OK, name__endswith=":get")
    assert {r.data_subject_id for r in shown} == {s for s, _ in subjects_of(objection)}


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/cases?q=Fatima"])
def test_a_queue_page_records_the_filers_it_shows(objection, users, client_for, path):
    client = client_for(users[Role.LEGAL_STAFF])
    assert client.get(path).status_code == 200
    listed = records(name="case-list:get")
    filer = (encryption.blind_index(BSN), SubjectType.BSN_DIGEST)
    assert [(r.data_subject_id, r.data_subject_id_type) for r in listed] == [filer]
    assert listed[0].activity_id == "objection-handling"
    # Whether it answered a search; never what was searched for.
    assert listed[0].attributes == {"casehandling.queue_searched": "?q=" in path}
    assert "Fatima" not in str(listed[0].attributes)


def test_the_workbench_queue_records_the_filers_it_shows(objection, users, client):
    client.force_login(users[Role.CASE_HANDLER])
    assert client.get("/werkbank/?view=team").status_code == 200
    assert [r.data_subject_id for r in records(name="queue:get")] == [encryption.blind_index(BSN)]


def test_a_queue_without_names_records_nothing(objection, users, client_for):
    """The administrator's queue shows no names: no personal data was processed."""
    before = ProcessingRecord.objects.count()
    assert client_for(users[Role.ADMINISTRATOR]).get("/api/v1/cases").status_code == 200
    assert ProcessingRecord.objects.count() == before


def test_a_request_writes_its_records_in_one_statement(objection, users, client_for):
    client = client_for(users[Role.LEGAL_STAFF])
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/api/v1/cases/{objection.reference}")
    # The INSERT is prepared on a connection's first request, then executed by name.
    name = statement_name(recorder._INSERT_ARRAYS)
    writes = [q.lstrip() for q in sent(queries) if name in q and not q.startswith("PREPARE")]
    assert len(writes) == 1
    assert writes[0].startswith(f"EXECUTE {name}(")


def test_an_activity_outside_the_register_is_refused_when_noted():
    """The database keeps no constraint on the activity (its check cost a fifth of a
    queue page's log write); a note naming an unknown one fails at once instead."""
    with pytest.raises(ValueError, match="not in the register"):
        note(activity="no-such-activity", subjects=[Subject("p1", SubjectType.PARTY)])


@pytest.mark.django_db(transaction=True)
def test_personal_data_is_not_handed_out_when_the_log_cannot_be_written(client_for):
    """A real refusal by the database (a trigger on the log), not a mock; in autocommit,
    as a served request runs."""
    roles_create()
    team = TeamFactory(code="klachten", name="Klachten")
    legal = UserFactory(username="jurist", role=Role.LEGAL_STAFF, teams=[team])
    case = filed_objection(client_for(None), team)
    _refusing_log()
    try:
        response = client_for(legal).get(f"/api/v1/cases/{case.reference}")
    finally:
        _log_restored()
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert "Fatima" not in response.content.decode()
    # The log works again: so does the page.
    assert client_for(legal).get(f"/api/v1/cases/{case.reference}").status_code == 200


def _refusing_log():
    """A real refusal by the database (a trigger on the log), not a mock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION pg_temp.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'log down'; END; $$;"
            "CREATE TRIGGER refuse_all BEFORE INSERT ON processing_log_processingrecord "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse();"
        )


def _log_restored():
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_all ON processing_log_processingrecord")


@pytest.mark.django_db(transaction=True)
def test_a_filings_records_go_in_the_round_trip_that_writes_it(client_for):
    """Served in autocommit, as a request runs: the filing's records are sent with its
    rows, inside its transaction, before its one COMMIT (decision 29) - not in a round
    trip or a commit of their own."""
    roles_create()
    team = TeamFactory(code="klachten", name="Klachten")
    filed_objection(client_for(None), team)  # prepares the statements on this connection
    with CaptureQueriesContext(connection) as queries:
        case = filed_objection(client_for(None), team)
    statements = [q for q in sent(queries) if not q.startswith(("SELECT", "UPDATE"))]
    name = statement_name(recorder._INSERT_ARRAYS)
    logged = [i for i, q in enumerate(statements) if f"EXECUTE {name}(" in q]
    commits = [i for i, q in enumerate(statements) if q == "COMMIT"]
    assert statements[0] == "BEGIN"
    assert len(logged) == 1
    assert len(commits) == 1
    assert logged[0] < commits[0]
    assert case.reference in statements[logged[0]]  # the case's own INSERT
    assert len(statements) == 4  # BEGIN, the number and keys, every row, COMMIT
    assert len(records(name="objection-file:post", status_code=StatusCode.OK)) == 4
    assert {(r.data_subject_id, r.data_subject_id_type) for r in records()[-2:]} == subjects_of(
        case
    )


@pytest.mark.django_db(transaction=True)
def test_a_change_is_not_kept_without_its_record(client_for):
    """When the log refuses, a change is rolled back with its records: a note (written
    as the view returns) answers 503 problem+json, nothing saved; it goes through once
    the log works again."""
    roles_create()
    team = TeamFactory(code="klachten", name="Klachten")
    legal = UserFactory(username="jurist", role=Role.LEGAL_STAFF, teams=[team])
    case = filed_objection(client_for(None), team)
    before = (case.events.count(), ProcessingRecord.objects.count())
    path = f"/api/v1/cases/{case.reference}/notes"
    _refusing_log()
    try:
        response = client_for(legal).post(path, {"text": "Gebeld."}, format="json")
    finally:
        _log_restored()
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert response.json()["type"].endswith("/processing-log-unavailable")
    assert response.json()["detail"].startswith("Er is niets opgeslagen.")
    assert (case.events.count(), ProcessingRecord.objects.count()) == before
    assert client_for(legal).post(path, {"text": "Gebeld."}, format="json").status_code == 201
    assert case.events.count() == before[0] + 1
    assert len(records(name="case-notes:post", status_code=StatusCode.OK)) == 2


@pytest.mark.django_db(transaction=True)
def test_a_workbench_change_is_not_kept_without_its_record(client_for):
    """The workbench's forms, as the API's changes: a claim's records go inside its
    transaction, before its COMMIT; when the log refuses, the claim is rolled back with
    them and the page says nothing was saved (503); once the log works, it goes through."""
    roles_create()
    team = TeamFactory(code="klachten", name="Klachten")
    handler = UserFactory(username="behandelaar", role=Role.CASE_HANDLER, teams=[team])
    case = filed_objection(client_for(None), team)
    before = ProcessingRecord.objects.count()
    browser = Client()
    browser.force_login(handler)
    path = f"/werkbank/zaken/{case.reference}/oppakken"
    _refusing_log()
    try:
        refused = browser.post(path)
    finally:
        _log_restored()
    assert refused.status_code == 503
    assert "Er is niets opgeslagen." in refused.content.decode()
    case.refresh_from_db()
    assert case.assignee is None
    assert ProcessingRecord.objects.count() == before
    with CaptureQueriesContext(connection) as queries:
        assert browser.post(path).status_code == 302
    case.refresh_from_db()
    assert case.assignee == handler
    statements = sent(queries)
    name = statement_name(recorder._INSERT_ARRAYS)
    logged = [i for i, q in enumerate(statements) if f"EXECUTE {name}(" in q]
    commits = [i for i, q in enumerate(statements) if q == "COMMIT"]
    assert len(logged) == 1
    assert logged[0] < commits[0]
    claimed = records(actor_id=str(handler.pk), status_code=StatusCode.OK)
    assert {(r.data_subject_id, r.data_subject_id_type) for r in claimed} == subjects_of(case)


@pytest.mark.django_db(transaction=True)
def test_a_filing_is_not_kept_without_its_record(client_for):
    """A filing's records go in the round trip that writes its rows: when the log
    refuses, that round trip fails whole - a 5xx problem, no case, no party, no record."""
    roles_create()
    TeamFactory(code="klachten", name="Klachten")
    _refusing_log()
    try:
        response = client_for(None).post("/api/v1/objections", objection_body(), format="json")
    finally:
        _log_restored()
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert not Case.objects.exists()
    assert not Party.objects.exists()
    assert not ProcessingRecord.objects.exists()
    again = client_for(None).post("/api/v1/objections", objection_body(), format="json")
    assert again.status_code == 201
    assert Case.objects.count() == 1
    assert len(records(name="objection-file:post", status_code=StatusCode.OK)) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("synchronous_reads", [False, True])
def test_a_reads_records_do_not_wait_for_the_disk_a_changes_do(
    client_for, settings, synchronous_reads
):
    """Served in autocommit, as a request runs: a read's INSERT carries its own
    ``synchronous_commit = off`` (decision 28), a filing's does not, and neither leaves
    the setting on the connection."""
    settings.PROCESSING_LOG_SYNCHRONOUS_READS = synchronous_reads
    roles_create()
    team = TeamFactory(code="klachten", name="Klachten")
    legal = UserFactory(username="jurist", role=Role.LEGAL_STAFF, teams=[team])
    with CaptureQueriesContext(connection) as filing:
        case = filed_objection(client_for(None), team)
    with CaptureQueriesContext(connection) as reading:
        assert client_for(legal).get(f"/api/v1/cases/{case.reference}").status_code == 200

    name = statement_name(recorder._INSERT_ARRAYS)
    logged = {
        what: [q for q in sent(queries) if f"EXECUTE {name}(" in q]
        for what, queries in (("filing", filing), ("reading", reading))
    }
    assert len(logged["filing"]) == len(logged["reading"]) == 1
    assert recorder.ASYNC_COMMIT not in logged["filing"][0]
    assert (recorder.ASYNC_COMMIT in logged["reading"][0]) is not synchronous_reads
    assert len(records(name="case-detail:get", status_code=StatusCode.OK)) == 2  # two parties
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


MOMENT = datetime.datetime(2026, 3, 4, 9, 15, 30, 123456, tzinfo=datetime.UTC)


def test_the_array_insert_writes_what_the_orm_would(objection):
    """PostgreSQL's one-statement INSERT of seven arrays and the ORM's multi-row INSERT
    (elsewhere) write the same records."""
    party = objection.parties.first()
    subjects = [
        Subject(encryption.blind_index(BSN), SubjectType.BSN_DIGEST),
        Subject(str(party.pk), SubjectType.PARTY),
    ]
    written = []
    for insert in (recorder._insert_postgres, recorder._insert_orm):
        processing = recorder.Processing(
            trace_id=TRACE, operation_id=CALLER_SPAN, actor_type=ActorType.USER,
            actor_id="7", name="bench:get", foreign=traceparent_parse(TRACEPARENT),
            foreign_entity="urn:x",
        )  # fmt: skip
        with recorder.processing_context(processing):
            note(activity="objection-handling", subjects=subjects, attributes={"a.b": [1, True]})
            note(activity="processing-log-inspection", subjects=subjects[:1], name="named")
            for noted in processing.notes:  # the same moments in both runs
                noted.started = MOMENT
            before = ProcessingRecord.objects.count()
            with transaction.atomic():
                insert(processing, StatusCode.ERROR, MOMENT)
            processing.notes.clear()
        written.append(
            list(
                ProcessingRecord.objects.order_by("id")[before:].values(
                    *[f.attname for f in recorder._FIELDS if f.name != "operation_id"]
                )
            )
        )
    assert len(written[0]) == 3
    assert written[0] == written[1]


# -- Tasks ---------------------------------------------------------------------------


def test_a_letter_rendered_by_the_worker_is_recorded_as_the_system(objection):
    relay_all(RECEIPTS.name)  # the receipt step asks for the letter
    outbox_relay.apply(kwargs={"consumer": LETTERS_CONSUMER})
    rendered = records(name="letter-render")
    assert rendered
    assert {(r.actor_type, r.actor_id) for r in rendered} == {
        (ActorType.SYSTEM, "backend.outbox.tasks.outbox_relay")
    }
    assert {r.attributes["casehandling.letter_kind"] for r in rendered} == {"objection_receipt"}
    assert {r.status_code for r in rendered} == {StatusCode.OK}


def test_outside_a_request_or_task_a_note_is_written_at_once(objection):
    party = objection.parties.first()
    note(activity="objection-handling", subjects=[Subject(str(party.pk), SubjectType.PARTY)])
    alone = ProcessingRecord.objects.latest("id")
    assert (alone.actor_type, alone.actor_id, alone.name) == (
        ActorType.SYSTEM,
        "console",
        "console",
    )


def _sent_with_a_change(fails: bool) -> None:
    """A task that notes, sends its records in its change's round trip, and then fails
    (its transaction rolled back) or not."""
    subjects = [Subject("p-1", SubjectType.PARTY), Subject("p-2", SubjectType.PARTY)]
    processing = recorder.Processing(trace_id=TRACE, operation_id=CALLER_SPAN, name="task")
    with recorder.processing_context(processing), transaction.atomic():
        note(activity="objection-handling", subjects=subjects)
        statements = recorder.records_in_round_trip()
        assert len(statements) == 1
        assert not processing.notes  # taken: the end of the task does not write them again
        with connection.cursor() as cursor:
            executes_prepared(cursor, statements)
        assert ProcessingRecord.objects.count() == 2
        if fails:
            raise RuntimeError("the change fails after its round trip")


@pytest.mark.django_db(transaction=True)
def test_records_sent_with_a_change_are_written_once():
    _sent_with_a_change(fails=False)
    assert [r.status_code for r in records()] == [StatusCode.OK, StatusCode.OK]


@pytest.mark.django_db(transaction=True)
def test_records_sent_with_a_change_that_rolled_back_are_written_again_as_errors():
    with pytest.raises(RuntimeError):
        _sent_with_a_change(fails=True)
    assert [r.status_code for r in records()] == [StatusCode.ERROR, StatusCode.ERROR]
    assert {r.data_subject_id for r in records()} == {"p-1", "p-2"}


@pytest.mark.django_db(transaction=True)
def test_records_go_with_a_change_only_inside_its_transaction():
    processing = recorder.Processing(trace_id=TRACE, operation_id=CALLER_SPAN)
    with recorder.processing_context(processing):
        note(activity="objection-handling", subjects=[Subject("p-1", SubjectType.PARTY)])
        with pytest.raises(RuntimeError, match="inside its transaction"):
            recorder.records_in_round_trip()
    assert [r.status_code for r in records()] == [StatusCode.OK]  # written as usual, at the end


# -- Append-only -----------------------------------------------------------------------


def test_the_database_refuses_to_change_or_delete_a_record(objection):
    record = ProcessingRecord.objects.first()
    for attempt in (
        lambda: ProcessingRecord.objects.filter(pk=record.pk).update(name="changed"),
        lambda: ProcessingRecord.objects.filter(pk=record.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    for statement in ("UPDATE {} SET name = 'x'", "DELETE FROM {}"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement.format("processing_log_processingrecord"))
    assert ProcessingRecord.objects.get(pk=record.pk).name == record.name


# -- Per person, for legal staff ---------------------------------------------------------

ROLES_REFUSED = [r for r in Role if r != Role.LEGAL_STAFF]


def test_legal_staff_find_everything_about_a_person_by_bsn(objection, users, client_for):
    client = client_for(users[Role.LEGAL_STAFF])
    client.get(f"/api/v1/cases/{objection.reference}")
    response = client.post("/api/v1/processing-log/search", {"bsn": "1112.22.333"}, format="json")
    assert response.status_code == 200
    found = response.json()["results"]
    assert [r["name"] for r in found] == ["objection-file:post", "case-detail:get"]
    first = found[1]
    attributes = {pair["key"]: pair["value"] for pair in first["attributes"]}
    assert attributes["dpl.core.processing_activity_id"].endswith(
        "/api/v1/processing-activities/objection-handling"
    )
    assert attributes["dpl.core.data_subject_id"] == encryption.blind_index(BSN)
    assert attributes["dpl.core.data_subject_id_type"] == "bsn-hmac-sha256"
    assert first["statusCode"] == "STATUS_CODE_OK"
    assert first["actor"] == {"type": "user", "id": str(users[Role.LEGAL_STAFF].pk)}
    assert BSN not in response.content.decode()
    # The search itself is in the log, about the same person.
    inspected = records(activity_id="processing-log-inspection")
    assert [r.data_subject_id for r in inspected] == [encryption.blind_index(BSN)]


def test_a_search_without_a_bsn_is_a_field_error(users, client_for):
    client = client_for(users[Role.LEGAL_STAFF])
    response = client.post("/api/v1/processing-log/search", {"bsn": "123456789"}, format="json")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "bsn"


def test_legal_staff_read_the_log_about_a_cases_people(objection, users, client_for):
    client = client_for(users[Role.LEGAL_STAFF])
    response = client.get(f"/api/v1/cases/{objection.reference}/processing-log")
    assert response.status_code == 200
    subjects = {
        pair["value"]
        for record in response.json()["results"]
        for pair in record["attributes"]
        if pair["key"] == "dpl.core.data_subject_id"
    }
    assert subjects == {s for s, _ in subjects_of(objection)}


@pytest.mark.parametrize("role", ROLES_REFUSED)
def test_no_other_role_reads_the_log(objection, users, client_for, role):
    client = client_for(users[role])
    search = client.post("/api/v1/processing-log/search", {"bsn": BSN}, format="json")
    assert search.status_code == 403
    per_case = client.get(f"/api/v1/cases/{objection.reference}/processing-log")
    assert per_case.status_code == 403


def test_a_superuser_does_not_read_the_log_without_the_role(objection, client_for):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = client_for(superuser)
    assert (
        client.post("/api/v1/processing-log/search", {"bsn": BSN}, format="json").status_code == 403
    )
    path = f"/api/v1/cases/{objection.reference}/processing-log"
    assert client.get(path).status_code == 403


def test_anonymous_callers_are_refused(objection, anon):
    assert (
        anon.post("/api/v1/processing-log/search", {"bsn": BSN}, format="json").status_code == 401
    )
    assert anon.get("/api/v1/processing-activities").status_code == 401


# -- The register ------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_the_register_is_open_to_everyone_signed_in(users, client_for, role):
    response = client_for(users[role]).get("/api/v1/processing-activities")
    assert response.status_code == 200
    ids = [a["id"] for a in response.json()["results"]]
    assert ids == [
        "complaint-handling",
        "data-subject-access",
        "objection-handling",
        "processing-log-inspection",
        "retention",
    ]


def test_an_activitys_uri_is_its_own_address(users, client_for):
    client = client_for(users[Role.RESIDENT])
    listed = client.get("/api/v1/processing-activities").json()["results"][0]
    one = client.get(listed["uri"].split("127.0.0.1:8000", 1)[-1])
    assert one.status_code == 200
    assert one.json()["legalBasis"].startswith("AVG art. 6")
    assert client.get("/api/v1/processing-activities/nothing").status_code == 404
    wrong = client.get("/api/v1/processing-activities/Not_An_Id")
    assert wrong.status_code == 400
    assert wrong.json()["invalidParams"][0]["name"] == "activityId"


def test_operation_ids_drawn_together_are_each_a_span_id():
    """Fifty records' ids from one draw: each 16 lowercase hex characters, none alike."""
    drawn = operation_ids_new(50)
    assert len(drawn) == 50
    assert len(set(drawn)) == 50
    assert all(re.fullmatch(r"[0-9a-f]{16}", each) for each in drawn)
    assert operation_ids_new(0) == []
