"""Prometheus metrics: off without a token, protected with one, and what they count -
requests by route, the outbox per topic, deadlines, the sweep, letters, failed tasks -
never a case reference or a person."""

import pytest
from django.core.cache import cache

from backend.accounts.roles import Role
from backend.metrics import _task_failed
from cases.tasks import deadlines_sweep
from tests.cases.test_filing_api import complaint_body

pytestmark = pytest.mark.django_db
TOKEN = "scrape-" + "x" * 40


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def get() -> str:
        response = client.get("/api/v1/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode()

    return get


def test_off_without_a_token_and_closed_without_the_right_one(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/api/v1/metrics").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/api/v1/metrics").status_code == 404
    assert client.get("/api/v1/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


def test_what_is_counted(scrape, anon, client_for, users):
    cache.clear()
    filed = anon.post("/api/v1/complaints", complaint_body()).json()["reference"]
    client_for(users[Role.CASE_HANDLER]).post(
        f"/api/v1/complaints/{filed}/steps/confirm-receipt", {}, format="json"
    )
    deadlines_sweep()
    _task_failed(sender=type("Task", (), {"name": "letters.tasks.letters_send_email"})())
    body = scrape()
    assert 'http_requests_total{method="POST",route="/api/v1/complaints",status="201"}' in body
    assert "http_request_duration_seconds_bucket" in body
    assert 'outbox_waiting{consumer="letters",state="pending"} 1.0' in body
    assert 'deadlines{kind="complaint_handling",state="running"} 1.0' in body
    assert "deadline_sweep_duration_seconds" in body
    assert "letters_rendered 0.0" in body
    assert 'celery_tasks_failed{task="letters.tasks.letters_send_email"} 1.0' in body
    assert filed not in body
    assert "Amrani" not in body
    cache.clear()
