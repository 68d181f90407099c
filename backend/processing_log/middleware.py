"""Every request is a processing context: what its view noted is written when it ends.

The trace continues the caller's when a well-formed ``traceparent`` comes in (W3C Trace
Context) and starts anew otherwise; the response hands it on in ``traceparent`` with this
request's operation id. The records are written in one statement, with the status the
request ended with:

- a successful change: inside its own transaction. A change that writes its rows in
  one round trip (a filing) sends its records along
  (``recorder.records_in_round_trip``); any other, just before it commits
  (``record_with_change``, called by every API view; the workbench's ``case_write``
  calls ``recorder.flush_with_change``). The change and its record are committed
  together or not at all, and the log costs the change no commit and no round trip of
  its own (docs/design.md, decision 29);
- everything else (a read, a refusal): after the view's transaction. A refusal after
  the case was found is logged too, as an error.

When the log cannot be written, personal data is not handed out without it and no
change is kept without it: the answer becomes 503 (a filing, whose records go in its
one round trip of rows, fails whole instead: 500, nothing saved).
"""

import functools
import logging
from collections.abc import Callable

from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from backend.api.problems import problem_response
from backend.processing_log import recorder
from backend.processing_log.models import ActorType, StatusCode
from backend.processing_log.trace import (
    operation_id_new,
    trace_id_new,
    traceparent_format,
    traceparent_parse,
)

logger = logging.getLogger(__name__)
CLIENT_ENTITY = "urn:casehandling:integration-client:{}"
READING = ("GET", "HEAD")


def _actor(request: HttpRequest, processing: recorder.Processing) -> None:
    token = getattr(request, "auth", None)
    client_id = getattr(token, "client_id", None)
    user = getattr(request, "user", None)
    if client_id is not None:
        processing.actor_type, processing.actor_id = ActorType.CLIENT, str(client_id)
        processing.foreign_entity = CLIENT_ENTITY.format(client_id)
    elif user is not None and user.is_authenticated:
        processing.actor_type, processing.actor_id = ActorType.USER, str(user.pk)


def _name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    route = match.url_name or match.route if match is not None else "unmatched"
    return f"{route}:{(request.method or '').lower()}"


def _describe(request: HttpRequest, processing: recorder.Processing) -> None:
    _actor(request, processing)
    processing.name = _name(request)


def _unavailable(request: HttpRequest, detail: str) -> HttpResponse:
    response = problem_response(request, 503, "processing-log-unavailable", detail)
    response["Retry-After"] = "5"
    return response


def record_with_change(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Write a successful change's records inside the request's transaction, before it
    commits; the answer to give. Called by a view as it returns ``response``. Anything
    else (a read, a refusal, a transaction already marked for rollback, no transaction
    at all) is left to the middleware, after the transaction. When the records cannot be
    written, the change is rolled back with them and the answer is 503: nothing saved."""
    processing = recorder.current()
    if (
        processing is None
        or processing.reading
        or not processing.notes
        or response.status_code >= 400
        or not connection.in_atomic_block
        or transaction.get_rollback()
    ):
        return response
    try:
        recorder.flush_with_change()
    except recorder.ProcessingLogUnavailable:
        # The transaction is aborted: it must end in a rollback, not a failed commit.
        transaction.set_rollback(True)
        # Not response.close(): it sends request_finished, on which Django closes a
        # connection that is inside a transaction.
        return _unavailable(request, gettext("Nothing was saved. Please try again in a moment."))
    return response


class ProcessingLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = traceparent_parse(request.headers.get("traceparent", ""))
        processing = recorder.Processing(
            trace_id=incoming.trace_id if incoming else trace_id_new(),
            operation_id=operation_id_new(),
            foreign=incoming,
            reading=request.method in READING,
        )
        processing.describe = functools.partial(_describe, request, processing)
        token = recorder._current.set(processing)
        try:
            response = self.get_response(request)
        finally:
            recorder._current.reset(token)
        failed = response.status_code >= 400
        try:
            # Writes what is left (flush describes the request when there is any).
            recorder.flush(processing, StatusCode.ERROR if failed else StatusCode.OK)
        except DatabaseError:
            logger.exception("processing log: trace %s not written", processing.trace_id)
            if not failed:
                response.close()
                response = _unavailable(
                    request, gettext("This cannot be shown now. Please try again in a moment.")
                )
        finally:
            processing.describe = None  # no cycle to keep the request alive until collected
        response["traceparent"] = traceparent_format(processing.trace_id, processing.operation_id)
        return response
