"""Logs a machine can read and nobody can identify a resident from.

One JSON object a line (``LOG_FORMAT=json``, the default outside debug), each carrying the
request id and who acted (``user:<id>``, ``task:<name>``; never a name, address or query
string). The request id comes from an incoming ``X-Request-ID`` (when it looks like one)
or is made here, is returned as the ``X-Request-ID`` header, and travels with every
Celery task the request enqueues, so one id follows a filing from the web process to
the letter the worker renders.
"""

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse

from backend import metrics

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
actor: contextvars.ContextVar[str] = contextvars.ContextVar("actor", default="")

HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access = logging.getLogger("backend.access")
# Every request by a superuser (the break-glass account, README "Break glass"): a
# warning, so a security officer's alert rule can pick it out.
break_glass = logging.getLogger("backend.break_glass")


class ContextFilter(logging.Filter):
    """Adds ``request_id`` and ``actor`` to every record (empty outside a request/task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.actor = actor.get()
        return True


class NoQueryString(logging.Filter):
    """Django's development server logs the request line, query string included (a
    search for a person's name): keep the path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (record.args[0].split("?", 1)[0], *record.args[1:])
        return True


def _who(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    return "anonymous"


class RequestIdMiddleware:
    """Sets the request id for the request's logs, returns it, and writes one access line
    per request: method, route pattern (never the values in it), status, duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        current = given if _WELL_FORMED.match(given) else uuid.uuid4().hex
        tokens = (request_id.set(current), actor.set("anonymous"))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            actor.set(_who(request))
            match = getattr(request, "resolver_match", None)
            route = f"/{match.route}" if match is not None else "(unmatched)"
            seconds = time.perf_counter() - started
            metrics.request_observed(request.method or "", route, response.status_code, seconds)
            duration = round(seconds * 1000, 1)
            access.info(
                "%s %s %s %sms",
                request.method,
                route,
                response.status_code,
                duration,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": duration,
                },
            )
            user = getattr(request, "user", None)
            if getattr(user, "is_superuser", False):
                break_glass.warning(
                    "superuser request %s %s %s",
                    request.method,
                    route,
                    response.status_code,
                    extra={
                        "event": "break_glass",
                        "method": request.method,
                        "route": route,
                        "status": response.status_code,
                    },
                )
            response[HEADER] = current
            return response
        finally:
            request_id.reset(tokens[0])
            actor.reset(tokens[1])


@before_task_publish.connect
def _carry_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    if headers is not None and request_id.get():
        headers["request_id"] = request_id.get()


@task_prerun.connect
def _task_context(task: Any = None, task_id: str = "", **_: Any) -> None:
    carried = getattr(task.request, "request_id", None) if task is not None else None
    request_id.set(carried or task_id or "")
    actor.set(f"task:{getattr(task, 'name', '?')}")


@task_postrun.connect
def _task_context_end(**_: Any) -> None:
    request_id.set("")
    actor.set("")
