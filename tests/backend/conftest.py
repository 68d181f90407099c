"""Fixtures of the access tests: two cases with everything a caller could reach, and a
client for every kind of caller."""

import datetime

import pytest
from django.core.files.base import ContentFile

from backend.accounts.roles import Role
from cases.models import Attachment, Case
from cases.workflows import service as workflow
from letters import services as letter_services
from letters.models import Letter, PrintBatch
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.factories import UserFactory


@pytest.fixture
def world(team, users, client_for, anon, time_machine):
    """Two cases filed by one resident, in the staff's team, with an attachment, a letter
    and a print batch; an API client per caller."""
    time_machine.move_to(datetime.datetime(2025, 4, 1, 7, 0, tzinfo=datetime.UTC))
    filer = users[Role.RESIDENT]
    filing = client_for(filer)
    references = {}
    for kind, path, body in (
        ("complaint", "/api/v1/complaints", complaint_body()),
        ("objection", "/api/v1/objections", objection_body()),
    ):
        response = filing.post(path, body)
        assert response.status_code == 201, response.content
        references[kind] = response.json()["reference"]
    Case.objects.filter(reference__in=references.values()).update(team=team)
    complaint = Case.objects.get(reference=references["complaint"])
    workflow.case_transition(
        case=complaint, name="confirm_receipt", data={}, by=users[Role.CASE_HANDLER]
    )
    letter_services.letters_render_pending()
    letter = Letter.objects.filter(case=complaint, recipient_key="addressee").first()
    assert letter is not None
    attachment = Attachment.objects.create(
        case=complaint,
        file=ContentFile(b"%PDF-1.4 bijlage", name="bijlage.pdf"),
        filename="bijlage.pdf",
        content_type="application/pdf",
        size=16,
        sha256="0" * 64,
    )
    batch = PrintBatch.objects.create(
        letters=0,
        pages=0,
        sha256="0" * 64,
        file=ContentFile(b"%PDF-1.4", name="batch.pdf"),
        listing=ContentFile(b"reference\n", name="batch.csv"),
    )
    callers = {
        "anonymous": anon,
        "filer": filing,
        "resident": client_for(UserFactory(username="buurman", role=Role.RESIDENT)),
        "superuser": client_for(
            UserFactory(username="noodaccount", is_superuser=True, is_staff=True)
        ),
    }
    for role in (Role.CASE_HANDLER, Role.LEGAL_STAFF, Role.TEAM_LEAD, Role.INTEGRATION_CLIENT):
        callers[role.value] = client_for(users[role])
    callers["administrator"] = client_for(users[Role.ADMINISTRATOR])
    places = {
        "complaint": references["complaint"],
        "objection": references["objection"],
        "attachment": attachment.pk,
        "letter": letter.pk,
        "batch": batch.pk,
    }
    return callers, places
