"""API tokens (backend/accounts/tokens.py, authentication.py): hashed, expiring,
revocable; scoped for clients; rate-limited per client; answers as problem details."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import ApiToken
from backend.accounts.roles import Role
from backend.accounts.tokens import client_create, token_issue, token_revoke
from cases.models import Case
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def get_queue(key: str, keyword: str = "Token"):
    return APIClient().get(
        "/api/v1/cases", HTTP_AUTHORIZATION=f"{keyword} {key}", HTTP_ACCEPT_LANGUAGE="en"
    )


@pytest.fixture
def client_account(db):
    return client_create(
        name="Formulierenbouwer",
        organisation="Gemeente Voorbeeld",
        contact_email="koppelingen@gemeente.example",
        requests_per_minute=5,
    )


@pytest.mark.parametrize("role", [r for r in Role if r != Role.INTEGRATION_CLIENT] + ["superuser"])
def test_a_staff_token_signs_its_account_in(role):
    user = (
        UserFactory(is_superuser=True, is_staff=True)
        if role == "superuser"
        else UserFactory(role=role)
    )
    _, key = token_issue(user=user)
    assert get_queue(key).status_code == 200
    assert get_queue(key, "Bearer").status_code == 200  # either keyword


def test_only_the_hash_of_a_key_is_stored():
    _, key = token_issue(user=UserFactory(role=Role.CASE_HANDLER))
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.values().get())
    assert key.startswith("kb_")
    assert len(key) > 40
    assert token.prefix == key[:10]


def test_unknown_revoked_expired_and_inactive_get_401(time_machine):
    inactive = UserFactory(role=Role.CASE_HANDLER, is_active=False)
    _, inactive_key = token_issue(user=inactive)
    revoked, revoked_key = token_issue(user=UserFactory(role=Role.CASE_HANDLER))
    token_revoke(revoked)
    _, expiring_key = token_issue(user=UserFactory(role=Role.CASE_HANDLER), days=1)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1, seconds=1))
    for key, detail in [
        (inactive_key, "User inactive or deleted."),
        (revoked_key, "This token was revoked."),
        (expiring_key, "This token has expired."),
        ("kb_" + "0" * 43, "Invalid token."),
        ("nope", "Invalid token."),
    ]:
        response = get_queue(key)
        assert response.status_code == 401, key
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"] == detail


def test_a_token_lasts_the_configured_days_and_no_longer(settings):
    settings.API_TOKEN_DAYS, settings.API_TOKEN_MAX_DAYS = 30, 60
    token, _ = token_issue(user=UserFactory(role=Role.CASE_HANDLER))
    assert (token.expires_at - token.created_at).days in (29, 30)
    with pytest.raises(ValidationError):
        token_issue(user=UserFactory(role=Role.CASE_HANDLER), days=61)


def test_an_integration_account_gets_only_a_scoped_token(client_account):
    with pytest.raises(ValidationError):
        token_issue(user=client_account.account)
    with pytest.raises(ValidationError):
        token_issue(client=client_account, scopes=[])
    with pytest.raises(ValidationError):
        token_issue(client=client_account, scopes=["cases:everything"])


class TestScopes:
    """A client's token reaches only the methods whose view declares one of its scopes."""

    def call(self, key: str, method: str, path: str, body=None):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
        return getattr(client, method)(path, body, format="json")

    @pytest.mark.parametrize(
        ("scopes", "complaint", "objection", "queue"),
        [
            (["complaints:create"], 201, 403, 403),
            (["objections:create"], 403, 201, 403),
            (["cases:read"], 403, 403, 200),
            (["complaints:create", "objections:create", "cases:read"], 201, 201, 200),
        ],
    )
    def test_scopes_against_filing_and_reading(
        self, client_account, scopes, complaint, objection, queue
    ):
        _, key = token_issue(client=client_account, scopes=scopes)
        assert self.call(key, "post", "/api/v1/complaints", complaint_body()).status_code == (
            complaint
        )
        assert self.call(key, "post", "/api/v1/objections", objection_body()).status_code == (
            objection
        )
        response = self.call(key, "get", "/api/v1/cases")
        assert response.status_code == queue
        if queue == 403:
            assert response["Content-Type"] == "application/problem+json"
            assert "cases:read" in response.json()["detail"]

    def test_a_view_that_declares_no_scope_is_closed_to_client_tokens(self, client_account):
        _, key = token_issue(client=client_account, scopes=["cases:read", "cases:write"])
        response = self.call(key, "get", "/api/v1/print-batches")
        assert response.status_code == 403
        assert response.json()["detail"] == "This endpoint is not open to integration tokens."

    def test_a_case_filed_by_a_client_records_the_client(self, client_account):
        _, key = token_issue(client=client_account, scopes=["complaints:create"])
        reference = self.call(key, "post", "/api/v1/complaints", complaint_body()).json()[
            "reference"
        ]
        case = Case.objects.get(reference=reference)
        assert case.registered_by.integration_client == client_account
        assert case.channel == "integration"


def test_a_client_over_its_rate_gets_429_with_retry_after(client_account, time_machine):
    time_machine.move_to(datetime.datetime(2025, 4, 1, 9, 0, 10, tzinfo=datetime.UTC), tick=False)
    _, key = token_issue(client=client_account, scopes=["cases:read"])
    _, other_key = token_issue(client=client_account, scopes=["cases:read"])
    answers = [get_queue(key if i % 2 else other_key).status_code for i in range(6)]
    assert answers == [200] * 5 + [429]  # the client's tokens count together
    refused = get_queue(key)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"  # the rest of this minute
    assert refused["Content-Type"] == "application/problem+json"
    time_machine.move_to(datetime.datetime(2025, 4, 1, 9, 1, 0, tzinfo=datetime.UTC), tick=False)
    assert get_queue(key).status_code == 200  # a new minute


def test_last_use_is_written_at_most_every_ten_minutes(time_machine):
    start = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    token, key = token_issue(user=UserFactory(role=Role.CASE_HANDLER))
    get_queue(key)
    time_machine.move_to(start + datetime.timedelta(minutes=5), tick=False)
    get_queue(key)
    token.refresh_from_db()
    assert token.last_used_at == start


class TestRestrictions:
    """A client's token may be limited to case kinds and to teams (routing)."""

    def file(self, key: str, path: str, body: dict):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
        return client.post(path, body, format="json")

    def test_a_token_limited_to_complaints_files_no_objection(self, client_account):
        _, key = token_issue(
            client=client_account,
            scopes=["complaints:create", "objections:create"],
            kinds=["complaint"],
        )
        assert self.file(key, "/api/v1/complaints", complaint_body()).status_code == 201
        refused = self.file(key, "/api/v1/objections", objection_body())
        assert refused.status_code == 403
        assert refused.json()["detail"] == "This token may not file this kind of case."

    def test_a_token_not_limited_to_teams_files_without_reading_teams(self, client_account):
        """Whether a token is limited comes with the token's own read; the teams are read
        only for a token that has some."""
        _, key = token_issue(client=client_account, scopes=["complaints:create"])
        self.file(key, "/api/v1/complaints", complaint_body())  # prepares the token's read
        with CaptureQueriesContext(connection) as queries:
            filed = self.file(key, "/api/v1/complaints", complaint_body())
        assert filed.status_code == 201
        reads = [
            q["sql"] for q in queries.captured_queries if "accounts_apitoken_teams" in q["sql"]
        ]
        assert reads == []

    def test_a_token_limited_to_teams_files_into_them(self, client_account):
        first, second, other = (
            TeamFactory(code="b-klachten", name="B klachten"),
            TeamFactory(code="a-klachten", name="A klachten"),
            TeamFactory(code="elders", name="Elders"),
        )
        _, key = token_issue(
            client=client_account, scopes=["complaints:create"], teams=[first, second]
        )
        unnamed = self.file(key, "/api/v1/complaints", complaint_body())
        assert Case.objects.get(reference=unnamed.json()["reference"]).team == second  # A first
        named = self.file(key, "/api/v1/complaints", complaint_body(team=first.code))
        assert named.status_code == 201, named.content
        assert Case.objects.get(reference=named.json()["reference"]).team == first
        assert (
            self.file(key, "/api/v1/complaints", complaint_body(team=other.code)).status_code == 403
        )
