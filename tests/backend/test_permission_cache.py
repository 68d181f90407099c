"""Permissions are cached per account (two queries a request saved) and never outlive a
change: a role given or taken, a role's permissions changed, a role deleted."""

import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.accounts.permission_cache import team_ids_cached
from backend.accounts.roles import Role
from cases.selectors import case_visible_to
from tests.factories import CaseFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The account as the next request loads it (no per-object cache)."""
    return User.objects.get(pk=user.pk)


def test_a_second_request_reads_no_permissions(users, django_assert_num_queries):
    handler = users[Role.CASE_HANDLER]
    assert fresh(handler).has_perm("cases.view_queue")
    again = fresh(handler)
    with django_assert_num_queries(0):
        assert again.has_perm("cases.view_queue")


def test_a_role_taken_away_is_refused_at_once(users):
    handler = users[Role.CASE_HANDLER]
    assert fresh(handler).has_perm("cases.log_contact")
    handler.groups.remove(Group.objects.get(name=Role.CASE_HANDLER.value))
    assert not fresh(handler).has_perm("cases.log_contact")


def test_a_role_given_counts_at_once(db):
    person = UserFactory()
    assert not fresh(person).has_perm("cases.view_queue")
    Group.objects.get(name=Role.TEAM_LEAD.value).user_set.add(person)
    assert fresh(person).has_perm("cases.view_queue")


def test_a_changed_role_and_a_deleted_one_count_at_once(users):
    lead = users[Role.TEAM_LEAD]
    role = Group.objects.get(name=Role.TEAM_LEAD.value)
    printing = Permission.objects.get(codename="print_letters")
    assert fresh(lead).has_perm("letters.print_letters")
    role.permissions.remove(printing)
    assert not fresh(lead).has_perm("letters.print_letters")
    role.permissions.add(printing)
    assert fresh(lead).has_perm("letters.print_letters")
    role.delete()
    assert not fresh(lead).has_perm("cases.view_queue")


def test_becoming_a_superuser_changes_what_is_cached(db):
    person = UserFactory()
    assert not fresh(person).has_perm("cases.view_all_cases")
    User.objects.filter(pk=person.pk).update(is_superuser=True)
    assert fresh(person).has_perm("cases.view_all_cases")  # the administrator's grants


def test_the_api_refuses_a_revoked_handler_on_the_next_request(users):
    handler = users[Role.CASE_HANDLER]
    client = APIClient()
    client.force_authenticate(fresh(handler))
    assert client.get("/api/v1/cases").status_code == 200
    handler.groups.clear()
    client.force_authenticate(fresh(handler))
    response = client.post("/api/v1/cases/KL-2026-000001/notes", {"text": "x"}, format="json")
    assert response.status_code == 403


def test_a_team_left_or_joined_or_removed_changes_the_queue_at_once(users, team):
    """The teams an account works in are cached with its permissions (the queue reads no
    membership table), and go stale with them."""
    handler = users[Role.CASE_HANDLER]
    other = TeamFactory(code="wijk-oost")
    theirs = CaseFactory(team=other)
    assert not case_visible_to(fresh(handler)).filter(pk=theirs.pk).exists()
    handler.teams.add(other)
    assert other.pk in team_ids_cached(fresh(handler))
    assert case_visible_to(fresh(handler)).filter(pk=theirs.pk).exists()
    handler.teams.remove(other)
    assert not case_visible_to(fresh(handler)).filter(pk=theirs.pk).exists()
    handler.teams.add(other)
    assert other.pk in team_ids_cached(fresh(handler))
    theirs.delete()
    other.delete()
    assert other.pk not in team_ids_cached(fresh(handler))


def test_the_integration_role_is_read_from_the_cache_and_follows_a_change(
    db, django_assert_num_queries
):
    client = UserFactory(role=Role.INTEGRATION_CLIENT)
    assert fresh(client).has_role(Role.INTEGRATION_CLIENT)
    again = fresh(client)
    with django_assert_num_queries(0):
        assert again.has_role(Role.INTEGRATION_CLIENT)
    client.groups.clear()
    assert not fresh(client).has_role(Role.INTEGRATION_CLIENT)


def test_the_backends_asked_follow_the_setting(users, settings):
    """The backends are made once per setting, not once per question: a changed
    AUTHENTICATION_BACKENDS is what the next question asks."""
    handler = users[Role.CASE_HANDLER]
    assert fresh(handler).has_perm("cases.view_queue")
    settings.AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend"]
    assert not fresh(handler).has_perm("cases.view_queue")
