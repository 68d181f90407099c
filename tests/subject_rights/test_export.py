"""Everything about one person as a ZIP (issue 17.3): found by BSN across cases or as a
party on a case; the cases, their own record, contact moments, timeline, attachments and
letters as files, and the processing log about them without staff; legal staff only;
the export itself logged."""

import base64
import hashlib
import io
import json
import zipfile

import pytest

from backend import encryption
from backend.accounts.roles import Role
from backend.outbox.tasks import outbox_relay
from backend.processing_log.models import ProcessingRecord
from cases.consumers import RECEIPTS
from cases.models import Case
from letters.models import Letter
from letters.services import LETTERS_CONSUMER
from tests.cases.test_filing_api import PDF, complaint_body, objection_body
from tests.factories import UserFactory
from tests.outbox import relay_all

pytestmark = pytest.mark.django_db

BSN = "111222333"
NAME = "Wilhelmina Zonderland"
EMAIL = "w.zonderland@voorbeeld.nl"
NOTE = "Mevrouw belde terug over de parkeervergunning."
PATH = "/api/v1/personal-data-exports"


def filed(client, body, path, team) -> Case:
    party = body["parties"][0]
    party.update(name=NAME, email=EMAIL, bsn=BSN)
    response = client.post(path, body, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    Case.objects.filter(pk=case.pk).update(team=team)
    return case


@pytest.fixture
def person(client_for, users, team):
    """One resident with an objection (with an attachment, a call and its receipt letter)
    and a complaint, both with the same BSN; and someone else's case."""
    resident = client_for(users[Role.RESIDENT])
    attachment = {"filename": "besluit.pdf", "content": base64.b64encode(PDF).decode()}
    objection = filed(
        resident, objection_body(attachments=[attachment]), "/api/v1/objections", team
    )
    complaint = filed(resident, complaint_body(), "/api/v1/complaints", team)
    other = complaint_body()
    other["parties"][0]["bsn"] = "123456782"
    assert resident.post("/api/v1/complaints", other, format="json").status_code == 201
    handler = client_for(users[Role.CASE_HANDLER])
    call = handler.post(
        f"/api/v1/cases/{objection.reference}/contact-moments",
        {"outcome": "reached", "note": NOTE},
        format="json",
    )
    assert call.status_code == 201, call.content
    relay_all(RECEIPTS.name)
    outbox_relay.apply(kwargs={"consumer": LETTERS_CONSUMER})
    assert Letter.objects.filter(case=objection).exists()
    return objection, complaint


def exported(client, body) -> zipfile.ZipFile:
    response = client.post(PATH, body, format="json")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="persoonsgegevens-')
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_everything_about_a_person_by_bsn(person, users, client_for):
    objection, complaint = person
    archive = exported(client_for(users[Role.LEGAL_STAFF]), {"bsn": "111 222 333"})
    names = set(archive.namelist())
    assert {f"{objection.reference}/zaak.json", f"{complaint.reference}/zaak.json"} <= names
    assert {"verwerkingen.json", "LEESMIJ.txt", "manifest.json"} <= names
    assert not any(
        name.startswith("KL-")
        and name.split("/")[0] not in (objection.reference, complaint.reference)
        for name in names
    )

    record = json.loads(archive.read(f"{objection.reference}/zaak.json"))
    assert record["you"]["name"] == NAME
    assert record["you"]["email"] == EMAIL
    assert record["you"]["bsn"] == BSN
    assert "bsn_index" not in record["you"]
    assert record["case"]["reference"] == objection.reference
    assert record["details"]["decision_reference"] == "PV-2026-0042"
    assert [m["note"] for m in record["contact_moments"]] == [NOTE]
    assert "by" not in record["contact_moments"][0]  # staff are not named
    assert record["timeline"][0]["kind"] == "filed"
    assert "actor" not in record["timeline"][0]

    (attachment,) = record["attachments"]
    assert archive.read(attachment["file"]) == PDF
    (letter,) = record["letters"]
    stored = Letter.objects.get(case=objection)
    assert hashlib.sha256(archive.read(letter["file"])).hexdigest() == stored.sha256

    manifest = json.loads(archive.read("manifest.json"))
    for name, digest in manifest.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest


def test_the_processing_log_about_them_without_staff(person, users, client_for):
    objection, _ = person
    client = client_for(users[Role.LEGAL_STAFF])
    client.get(f"/api/v1/cases/{objection.reference}")
    log = json.loads(exported(client, {"bsn": BSN}).read("verwerkingen.json"))
    names = [entry["name"] for entry in log]
    assert names.count("objection-file:post") == 1
    assert "case-detail:get" in names
    assert "letter-render" in names
    assert {entry["attributes"]["dpl.core.data_subject_id"] for entry in log} == {
        encryption.blind_index(BSN)
    }
    standard = {
        "trace_id",
        "operation_id",
        "parent_operation_id",
        "status_code",
        "name",
        "start_time",
        "end_time",
        "attributes",
    }
    for entry in log:  # the standard's fields only: who acted is not among them
        assert set(entry) == standard
        assert not any("actor" in key or "user" in key for key in entry["attributes"])


def test_by_a_party_on_a_case(person, users, client_for):
    objection, complaint = person
    party = objection.parties.get()
    archive = exported(
        client_for(users[Role.LEGAL_STAFF]), {"case": objection.reference, "party": party.pk}
    )
    # The party has a BSN: everyone with it, so both cases.
    folders = {name.split("/")[0] for name in archive.namelist() if "/" in name}
    assert folders == {objection.reference, complaint.reference}


def test_the_export_is_itself_logged(person, users, client_for):
    exported(client_for(users[Role.LEGAL_STAFF]), {"bsn": BSN})
    logged = ProcessingRecord.objects.filter(activity_id="data-subject-access")
    assert [(r.data_subject_id, r.actor_id) for r in logged] == [
        (encryption.blind_index(BSN), str(users[Role.LEGAL_STAFF].pk))
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"bsn": "123456789"}, "bsn"),
        ({}, "bsn"),
        ({"bsn": BSN, "case": "BZ-2026-000001", "party": 1}, "bsn"),
        ({"case": "BZ-2026-000001"}, "party"),
    ],
)
def test_who_the_person_is_must_be_clear(users, client_for, body, field):
    response = client_for(users[Role.LEGAL_STAFF]).post(PATH, body, format="json")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == field


def test_nobody_found_is_a_404(users, client_for):
    response = client_for(users[Role.LEGAL_STAFF]).post(PATH, {"bsn": BSN}, format="json")
    assert response.status_code == 404
    assert not ProcessingRecord.objects.filter(activity_id="data-subject-access").exists()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.LEGAL_STAFF])
def test_no_other_role_exports(person, users, client_for, role):
    response = client_for(users[role]).post(PATH, {"bsn": BSN}, format="json")
    assert response.status_code == 403


def test_a_superuser_does_not_export_without_the_role(person, client_for):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert client_for(root).post(PATH, {"bsn": BSN}, format="json").status_code == 403


def test_anonymous_is_refused(anon):
    assert anon.post(PATH, {"bsn": BSN}, format="json").status_code == 401
