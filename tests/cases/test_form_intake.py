"""A form builder files as the README tells integrators to: the README's own JSON, with a
client token and an Idempotency-Key, attachments included; the answer carries what the
form shows the resident."""

import json
import re
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from backend.accounts.tokens import client_create, token_issue
from cases.models import Attachment, Case

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def documented_body() -> dict:
    section = README.read_text().split("### For integrators: filing from a form builder")[1]
    return json.loads(re.search(r"```json\n(.*?)```", section, re.DOTALL).group(1))


@pytest.fixture
def forms():
    client = client_create(
        name="Formulieren", organisation="Gemeente", contact_email="f@gemeente.example"
    )
    _, key = token_issue(client=client, scopes=["complaints:create"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_IDEMPOTENCY_KEY="submission-7f3c2e")
    return api


def test_the_documented_form_filing_files_once_with_its_attachment(forms):
    body = documented_body()

    first = forms.post("/api/v1/complaints", body, format="json")
    retry = forms.post("/api/v1/complaints", body, format="json")

    assert first.status_code == 201, first.content
    answer = first.json()
    assert set(answer) == {
        "reference", "kind", "status", "subject", "receivedAt",
        "callBy", "decisionBy", "trackingUrl",
    }  # fmt: skip
    case = Case.objects.get(reference=answer["reference"])
    assert case.channel == "web"
    assert answer["callBy"] < answer["decisionBy"]
    attachment = Attachment.objects.get(case=case)
    assert (attachment.filename, attachment.content_type) == ("foto-stoep.pdf", "application/pdf")
    assert retry.status_code == 201
    assert retry.json()["reference"] == answer["reference"]
    assert Case.objects.count() == 1
    assert APIClient().get(retry.json()["trackingUrl"].split("8000")[-1]).status_code == 200
