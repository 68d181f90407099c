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
