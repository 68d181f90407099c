"""A request that waits too long for a row another one holds answers 503 (PostgreSQL's
lock_timeout), with Retry-After and nothing saved - never a 500, never a hung worker."""

import threading

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from backend.accounts.roles import Role
from cases.models import Case, CaseEvent
from tests.cases.steps import step_url
from tests.conftest import roles_create
from tests.factories import CaseFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_step_on_a_locked_case_answers_503_with_retry_after():
    roles_create()
    team = TeamFactory(code="slot")
    handler = UserFactory(role=Role.CASE_HANDLER, teams=[team])
    case = CaseFactory(team=team, assignee=handler, kind="complaint")
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=case.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        client = APIClient()
        client.force_authenticate(handler)
        response = client.post(step_url(case, "confirm_receipt"), {}, format="json")
    finally:
        release.set()
        holder.join()

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "2"
    assert response.json()["status"] == 503
    assert not CaseEvent.objects.filter(case=case, kind="transition").exists()
