"""The BSN (issue 17.4): optional, checked with the eleven-test, stored encrypted with keys
from the environment that rotate, shown only to legal staff and to clients with the
persons:bsn scope - never in lists, search, events, letters or logs."""

import io
import json
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from backend import encryption
from backend.accounts.roles import Role
from backend.outbox.models import OutboxMessage
from cases.models import Case, Party
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.factories import UserFactory, api_key

pytestmark = pytest.mark.django_db

BSN = "111222333"


def filed(client, body=None, path="/api/v1/objections", bsn=BSN) -> Case:
    body = body or objection_body()
    body["parties"][0]["bsn"] = bsn
    response = client.post(path, body, format="json")
    assert response.status_code == 201, response.content
    return Case.objects.get(reference=response.json()["reference"])


def stored(case: Case) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bsn_encrypted, bsn_index FROM cases_party WHERE case_id = %s", [case.pk]
        )
        return cursor.fetchone()


@pytest.mark.parametrize("written", ["111222333", "1112.22.333", "111 222 333"])
def test_a_bsn_is_stored_encrypted_and_read_back(client_for, users, written):
    case = filed(client_for(users[Role.RESIDENT]), bsn=written)
    token, index = stored(case)
    assert BSN not in token
    assert token.startswith("gAAAA")  # a Fernet token
    assert index == encryption.blind_index(BSN)
    assert case.parties.get().bsn == BSN


def test_a_bsn_written_without_its_leading_zero(client_for, users):
    case = filed(client_for(users[Role.RESIDENT]), bsn="12345672")  # 012345672 is valid
    assert case.parties.get().bsn == "012345672"


@pytest.mark.parametrize("wrong", ["123456789", "12345", "abcdefghi", "000000000"])
def test_a_number_that_fails_the_eleven_test_is_refused(client_for, users, wrong):
    body = objection_body()
    body["parties"][0]["bsn"] = wrong
    response = client_for(users[Role.RESIDENT]).post("/api/v1/objections", body, format="json")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "parties.0.bsn"
    assert not Case.objects.exists()


@pytest.fixture
def objection(client_for, users, team) -> Case:
    case = filed(client_for(users[Role.RESIDENT]))
    Case.objects.filter(pk=case.pk).update(team=team)
    return case


@pytest.mark.parametrize(
    ("caller", "sees"),
    [
        (Role.LEGAL_STAFF, True),
        (Role.CASE_HANDLER, False),
        (Role.TEAM_LEAD, False),
        (Role.ADMINISTRATOR, False),
        (Role.RESIDENT, False),  # the filer: their own case, not their BSN back
        ("superuser", False),  # break glass is for access, not for more personal data
    ],
)
def test_who_sees_the_bsn(client_for, users, objection, caller, sees):
    user = UserFactory(is_superuser=True, is_staff=True) if caller == "superuser" else users[caller]
    response = client_for(user).get(f"/api/v1/cases/{objection.reference}")
    assert response.status_code == 200, response.content
    party = response.json()["parties"][0]
    assert party["bsn"] == (BSN if sees else None)
    if not sees:
        assert BSN not in response.content.decode()


def test_an_integration_client_sees_it_only_with_the_scope(users):
    account = users[Role.INTEGRATION_CLIENT]
    scoped, plain = APIClient(), APIClient()
    everything = ["objections:create", "cases:read", "persons:bsn"]
    scoped.credentials(HTTP_AUTHORIZATION=f"Token {api_key(account, everything)}")
    plain.credentials(HTTP_AUTHORIZATION=f"Token {api_key(account, everything[:2])}")
    case = filed(plain)
    url = f"/api/v1/cases/{case.reference}"
    assert scoped.get(url).json()["parties"][0]["bsn"] == BSN
    assert plain.get(url).json()["parties"][0]["bsn"] is None
    assert BSN not in plain.get(url).content.decode()


def test_never_in_lists_search_events_or_logs(client_for, users, objection, caplog):
    caplog.set_level(logging.DEBUG)
    lawyer = client_for(users[Role.LEGAL_STAFF])
    listing = lawyer.get("/api/v1/cases")
    assert listing.json()["results"]
    assert BSN not in listing.content.decode()
    assert lawyer.get(f"/api/v1/cases?q={BSN}").json()["results"] == []
    assert BSN not in Case.objects.get(pk=objection.pk).search_document
    events = json.dumps([m.payload for m in OutboxMessage.objects.all()])
    assert OutboxMessage.objects.exists()
    assert BSN not in events
    assert BSN not in caplog.text


def test_one_persons_records_are_found_by_the_blind_index(client_for, users):
    resident = client_for(users[Role.RESIDENT])
    mine = {filed(resident).pk, filed(resident, complaint_body(), "/api/v1/complaints").pk}
    filed(resident, bsn="123456782")  # someone else
    found = set(
        Party.objects.filter(bsn_index=encryption.blind_index(BSN)).values_list("case", flat=True)
    )
    assert found == mine


def test_keys_rotate(client_for, users, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    case = filed(client_for(users[Role.RESIDENT]))
    before, index = stored(case)

    settings.FIELD_ENCRYPTION_KEYS = [new, old]  # the new key first: read both, write new
    assert case.parties.get().bsn == BSN
    out = io.StringIO()
    call_command("encryption_rotate", stdout=out)
    assert "1 BSNs re-encrypted" in out.getvalue()

    after, index_after = stored(case)
    assert after != before
    assert index_after == index
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key gone: still readable
    assert Party.objects.get(case=case).bsn == BSN
    settings.FIELD_ENCRYPTION_KEYS = [old]  # and the old key alone no longer opens it
    with pytest.raises(encryption.UndecryptableValue):
        Party.objects.get(case=case).bsn  # noqa: B018


def test_a_malformed_key_stops_the_service_at_start(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    assert [m.id for m in encryption.encryption_keys_check()] == ["backend.E010"]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert encryption.encryption_keys_check() == []


def test_production_is_told_to_set_its_own_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_INDEX_KEY = [], ""
    assert [m.id for m in encryption.encryption_keys_deploy_check()] == ["backend.W010"]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.FIELD_INDEX_KEY = "index-key-" + "x" * 30
    assert encryption.encryption_keys_deploy_check() == []
