"""Scopes x endpoints: every operation of the API against a client's token that lacks its
scope (refused before anything runs) and one that holds only that scope (let through to
the role and object checks). Read from the OpenAPI document, so a new endpoint is in."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from backend.accounts.scopes import scopes_known
from backend.accounts.tokens import client_create, token_issue

pytestmark = pytest.mark.django_db

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
OPERATIONS = [
    (method, path, operation.get("x-scopes"))
    for path, methods in SCHEMA["paths"].items()
    for method, operation in methods.items()
    if "x-scopes" in operation
]
LACKS = "This token lacks the scope"
CLOSED = "This endpoint is not open to integration tokens."


@pytest.fixture
def key_with():
    client = client_create(
        name="Matrix", organisation="Gemeente", contact_email="m@gemeente.example",
        requests_per_minute=100_000,
    )  # fmt: skip

    def issue(scopes: list[str]) -> str:
        return token_issue(client=client, scopes=scopes)[1]

    return issue


def call(key: str, method: str, path: str):
    concrete = "/api/v1" + re.sub(r"\{[^}]+\}", "1", path)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")
    return getattr(client, method)(concrete, {}, format="json")


def test_the_document_names_a_scope_or_none_for_every_token_operation():
    assert len(OPERATIONS) > 40
    assert all(scopes == [] or set(scopes) <= set(scopes_known()) for _, _, scopes in OPERATIONS)


@pytest.mark.parametrize(("method", "path", "scopes"), OPERATIONS, ids=lambda v: str(v))
def test_a_token_without_the_scope_is_refused_and_with_it_let_through(
    key_with, method, path, scopes
):
    everything_else = [name for name in scopes_known() if name not in scopes]
    refused = call(key_with(everything_else), method, path)
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith(LACKS if scopes else CLOSED)
    if scopes:
        through = call(key_with(scopes), method, path)
        detail = through.json().get("detail", "") if through.content else ""
        assert not str(detail).startswith((LACKS, CLOSED)), (through.status_code, detail)
