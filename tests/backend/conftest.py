"""Fixtures of the access tests: two cases with everything a caller could reach, and a
client for every kind of caller."""

import datetime

import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from backend.accounts.models import IntegrationClient
from backend.accounts.roles import Role
from backend.webhooks.models import Subscription
from cases.models import Attachment, Case
from cases.tracking_links import tracking_link_issue
from cases.workflows import service as workflow
from letters import services as letter_services
from letters.models import Letter, PrintBatch
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.factories import UserFactory, api_key


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
    for role in (Role.CASE_HANDLER, Role.LEGAL_STAFF, Role.TEAM_LEAD):
        callers[role.value] = client_for(users[role])
    # An integration calls as a client would: with its token (every scope), not a session.
    integration = APIClient()
    integration.credentials(HTTP_AUTHORIZATION=f"Token {api_key(users[Role.INTEGRATION_CLIENT])}")
    callers[Role.INTEGRATION_CLIENT.value] = integration
    subscription = Subscription.objects.create(
        client=IntegrationClient.objects.get(account=users[Role.INTEGRATION_CLIENT]),
        url="https://zaaksysteem.example.org/hooks",
    )
    callers["administrator"] = client_for(users[Role.ADMINISTRATOR])
    places = {
        "complaint": references["complaint"],
        "objection": references["objection"],
        "attachment": attachment.pk,
        "letter": letter.pk,
        "batch": batch.pk,
        "subscription": subscription.pk,
        "key": tracking_link_issue(complaint),
    }
    return callers, places
