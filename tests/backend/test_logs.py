"""Structured logs: a request id per request (returned and carried into tasks), one
access line per request with the route pattern - never a query string or a name."""

import json
import logging
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from backend import logs
from backend.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id(client):
    first, second = client.get("/api/v1/health"), client.get("/api/v1/health")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_well_formed_incoming_id_is_kept_and_a_strange_one_replaced(client):
    kept = client.get("/api/v1/health", HTTP_X_REQUEST_ID="lb-2026-11-29-abcdef")
    assert kept["X-Request-ID"] == "lb-2026-11-29-abcdef"
    replaced = client.get("/api/v1/health", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"


def test_the_access_line_has_the_route_not_the_search(client_for, users, caplog):
    handler = users[Role.CASE_HANDLER]
    with caplog.at_level(logging.INFO, logger="backend.access"):
        response = client_for(handler).get("/api/v1/cases", {"q": "Fatima el Amrani"})
    line = next(r for r in caplog.records if r.name == "backend.access")
    assert (line.method, line.route, line.status) == ("GET", "/api/v1/cases", 200)
    assert line.request_id == response["X-Request-ID"]
    assert line.actor == f"user:{handler.pk}"
    formatted = _json_formatter().format(line)
    assert "Amrani" not in formatted
    assert "q=" not in formatted
    parsed = json.loads(formatted)
    assert {"time", "level", "logger", "message", "request_id", "actor", "route"} <= set(parsed)


def test_the_route_names_no_values(client_for, users, caplog):
    with caplog.at_level(logging.INFO, logger="backend.access"):
        client_for(users[Role.CASE_HANDLER]).get("/api/v1/cases/KL-2026-000042")
    line = next(r for r in caplog.records if r.name == "backend.access")
    assert line.route == "/api/v1/cases/<str:reference>"


def test_the_request_id_travels_with_a_task():
    token = logs.request_id.set("abc123def456")
    try:
        headers: dict = {}
        logs._carry_request_id(headers=headers)
        assert headers["request_id"] == "abc123def456"
    finally:
        logs.request_id.reset(token)
    task = SimpleNamespace(name="letters.tasks.letters_render_pending",
                           request=SimpleNamespace(request_id="abc123def456"))  # fmt: skip
    logs._task_context(task=task, task_id="t-1")
    assert (logs.request_id.get(), logs.actor.get()) == (
        "abc123def456", "task:letters.tasks.letters_render_pending"
    )  # fmt: skip
    logs._task_context_end()
    assert logs.request_id.get() == ""


def test_the_development_server_line_loses_its_query_string():
    line = ("GET /api/v1/cases?q=Jansen HTTP/1.1", "400", "12")
    record = logging.LogRecord("django.server", logging.WARNING, "", 0, '"%s" %s %s', line, None)
    logs.NoQueryString().filter(record)
    assert "Jansen" not in record.getMessage()
    assert record.getMessage().startswith('"GET /api/v1/cases"')


def _json_formatter() -> logging.Formatter:
    config = dict(settings.LOGGING["formatters"]["json"])
    factory = import_string(config.pop("()"))
    formatter = factory(**{("fmt" if k == "format" else k): v for k, v in config.items()})
    return formatter
