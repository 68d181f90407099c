"""Management commands: createtoken and seed_demo."""

import re

import pytest
from django.core.management import CommandError, call_command
from rest_framework.exceptions import AuthenticationFailed

from backend.accounts.models import IntegrationClient, User
from backend.accounts.roles import Role
from backend.accounts.tokens import token_for_key
from cases.models import Case

pytestmark = pytest.mark.django_db


def test_createtoken_issues_a_staff_token_and_rotates_on_request(users, capsys):
    call_command("createtoken", "case_handler")
    first = capsys.readouterr().out.strip()
    call_command("createtoken", "case_handler")
    second = capsys.readouterr().out.strip()
    assert first != second  # a new key each time; only hashes are stored
    assert token_for_key(first).user == users[Role.CASE_HANDLER]

    call_command("createtoken", "case_handler", "--rotate")
    third = capsys.readouterr().out.strip()
    assert token_for_key(third).scopes is None  # a staff token: the role decides
    for old in (first, second):
        with pytest.raises(AuthenticationFailed):
            token_for_key(old)


def test_createtoken_refuses_an_integration_account(users):
    with pytest.raises(CommandError):
        call_command("createtoken", "integration_client")
    assert not users[Role.INTEGRATION_CLIENT].api_tokens.exists()


def test_apitoken_makes_a_client_issues_lists_and_revokes(team, capsys):
    call_command(
        "apitoken", "client", "Formulieren", "--organisation", "Gemeente X",
        "--email", "team@gemeente.example", "--rate", "60",
    )  # fmt: skip
    client = IntegrationClient.objects.get(name="Formulieren")
    assert client.account.has_role(Role.INTEGRATION_CLIENT)
    assert not client.account.has_usable_password()
    capsys.readouterr()
    call_command(
        "apitoken", "issue", "--client", "Formulieren",
        "--scopes", "complaints:create", "cases:read", "--days", "30", "--teams", team.code,
    )  # fmt: skip
    key = capsys.readouterr().out.strip()
    token = token_for_key(key)
    assert token.scopes == ["cases:read", "complaints:create"]
    assert list(token.teams.all()) == [team]

    call_command("apitoken", "list")
    listing = capsys.readouterr().out
    assert token.prefix in listing
    assert key not in listing

    call_command("apitoken", "revoke", key[:10])
    with pytest.raises(AuthenticationFailed):
        token_for_key(key)
    with pytest.raises(CommandError, match="Unknown scope"):
        call_command("apitoken", "issue", "--client", "Formulieren", "--scopes", "root")


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
        key = re.search(rf"{user.username} +Token (\S+)", out).group(1)
        assert token_for_key(key).user == user
    assert Case.objects.filter(kind="complaint").count() == 2
    assert Case.objects.filter(kind="objection").count() == 2


def test_the_demo_administrator_uses_the_admin_by_its_role_not_as_a_superuser(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    administrator = User.objects.get(username="demo-administrator")
    assert administrator.is_staff
    assert not administrator.is_superuser
    assert not User.objects.filter(username__startswith="demo-", is_superuser=True).exists()
    client.force_login(administrator)
    assert client.get("/admin/accounts/team/").status_code == 200
    case = Case.objects.filter(kind="complaint").first()
    page = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert case.reference in page
    assert case.subject not in page


def test_seed_demo_takes_the_superuser_flag_from_an_earlier_demo_administrator(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    User.objects.filter(username="demo-administrator").update(is_superuser=True)
    call_command("seed_demo")
    assert not User.objects.get(username="demo-administrator").is_superuser
