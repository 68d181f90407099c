"""GET /api/v1/health and /api/v1/health/ready against the real database and broker."""

import copy
import time

import pytest
from django.db import connection, connections

from backend.api import health

pytestmark = pytest.mark.django_db


def test_liveness(anon):
    response = anon.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["API-Version"] == "1.0.0"


def test_ready_when_database_and_broker_answer(anon):
    response = anon.get("/api/v1/health/ready")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_still_ready_but_degraded_when_the_broker_is_down(anon, settings):
    """Filing goes on without the broker (the outbox keeps the work): the web process
    stays in service, and says what is down."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    started = time.monotonic()
    response = anon.get("/api/v1/health/ready")
    assert time.monotonic() - started < 1.5  # no pause between tries
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "broker": "down"}}


def test_database_check_reports_an_unreachable_server():
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict["PORT"] = "1"
    # A second wrapper for the same alias, not registered: the suite's connection stays.
    unreachable = connections["default"].__class__(settings_dict, alias="default")
    try:
        assert health.database_ok(unreachable) is False
        assert health.database_ok(connection) is True
    finally:
        unreachable.close()
