"""The database connection lost during a request (a failover, a restart): 503
problem+json with Retry-After, nothing saved - not a 500."""

import psycopg2
import pytest
from django.db import connection
from rest_framework.test import APIClient

from cases.models import Case
from tests.cases.test_filing_api import complaint_body
from tests.conftest import roles_create

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]


def _terminate(pid: int) -> None:
    """Ends one server session from outside, as a failover or an administrator would."""
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"]
    )
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()


def test_a_filing_whose_connection_is_lost_answers_503_and_saves_nothing(transactional_db):
    roles_create()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    _terminate(pid)

    response = APIClient().post("/api/v1/complaints", complaint_body(), format="json")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"]
    connection.close()  # the test's own connection was the one lost
    assert not Case.objects.exists()
    again = APIClient().post("/api/v1/complaints", complaint_body(), format="json")
    assert again.status_code == 201
