"""Permissions are cached per account (two queries a request saved) and never outlive a
change: a role given or taken, a role's permissions changed, a role deleted."""

import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from backend.accounts.models import User
from backend.accounts.roles import Role
from tests.factories import UserFactory

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
