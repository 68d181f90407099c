"""Plain-text tokens from before become hashed, expiring tokens with the same key: an
integration's key keeps working (now scoped, as a client), a staff key stays a staff key,
and no plain key is left in the database."""

import secrets

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backend.accounts.roles import Role
from backend.accounts.tokens import token_for_key
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0002_api_tokens"), ("authtoken", "0004_alter_tokenproxy_options")]
AFTER = [("accounts", "0003_plain_tokens_hashed")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_plain_tokens_become_hashed_with_the_same_key():
    Group.objects.get_or_create(name=Role.INTEGRATION_CLIENT.value)
    integration = UserFactory(role=Role.INTEGRATION_CLIENT, email="i@gemeente.example")
    handler = UserFactory(role=Role.CASE_HANDLER)
    old = migrate(BEFORE)
    plain = old.get_model("authtoken", "Token")
    integration_key, handler_key = secrets.token_hex(20), secrets.token_hex(20)
    plain.objects.create(key=integration_key, user_id=integration.pk)
    plain.objects.create(key=handler_key, user_id=handler.pk)
    try:
        migrate(AFTER)
        assert not plain.objects.exists()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    as_client = token_for_key(integration_key)
    assert as_client.client.account == integration
    assert "complaints:create" in as_client.scopes
    assert token_for_key(handler_key).scopes is None
