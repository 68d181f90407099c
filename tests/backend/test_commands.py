"""Management commands: createtoken and seed_demo."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from backend.accounts.models import User
from backend.accounts.roles import Role
from cases.models import Case

pytestmark = pytest.mark.django_db


def test_createtoken_prints_a_stable_token_and_rotates_on_request(users, capsys):
    call_command("createtoken", "integration_client")
    first = capsys.readouterr().out.strip()
    call_command("createtoken", "integration_client")
    assert capsys.readouterr().out.strip() == first
    assert Token.objects.get(user=users[Role.INTEGRATION_CLIENT]).key == first

    call_command("createtoken", "integration_client", "--rotate")
    assert capsys.readouterr().out.strip() != first


def test_createtoken_for_unknown_user_fails_clearly(db):
    with pytest.raises(CommandError, match="No active user"):
        call_command("createtoken", "ghost")


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")


def test_seed_demo_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert User.objects.filter(username__startswith="demo-").count() == len(Role) + 1
    for role in Role:
        user = User.objects.get(username=f"demo-{role.value.replace('_', '-')}")
        assert user.has_role(role)
        assert Token.objects.get(user=user).key in out
    assert Case.objects.filter(kind="complaint").count() == 2
    assert Case.objects.filter(kind="objection").count() == 2
