"""Every Celery task is a processing context of the system, in the trace of the request
that queued it (its ``traceparent`` travels in the task's headers); and the log's index
kept tidy."""

import logging
from typing import Any

from celery import shared_task
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.db import DatabaseError

from backend.processing_log import indexes, recorder
from backend.processing_log.models import ActorType, StatusCode
from backend.processing_log.trace import (
    operation_id_new,
    trace_id_new,
    traceparent_format,
    traceparent_parse,
)

logger = logging.getLogger(__name__)
_HEADER = "traceparent"
# The context each running task opened, by task id (prerun and postrun are two signals).
_open: dict[str, tuple[recorder.Processing, Any]] = {}


@before_task_publish.connect
def _carry_trace(headers: dict[str, Any] | None = None, **_: Any) -> None:
    processing = recorder.current()
    if headers is not None and processing is not None:
        headers[_HEADER] = traceparent_format(processing.trace_id, processing.operation_id)


@task_prerun.connect
def _task_begin(task: Any = None, task_id: str = "", **_: Any) -> None:
    carried = getattr(task.request, _HEADER, None) if task is not None else None
    incoming = traceparent_parse(carried) if isinstance(carried, str) else None
    processing = recorder.Processing(
        trace_id=incoming.trace_id if incoming else trace_id_new(),
        operation_id=operation_id_new(),
        actor_type=ActorType.SYSTEM,
        actor_id=getattr(task, "name", "") or "task",
        name=getattr(task, "name", "") or "task",
    )
    _open[task_id] = (processing, recorder._current.set(processing))


@task_postrun.connect
def _task_end(task_id: str = "", state: str = "", **_: Any) -> None:
    opened = _open.pop(task_id, None)
    if opened is None:
        return
    processing, token = opened
    try:
        recorder._current.reset(token)
    except ValueError:  # reset from another context (eager tasks inside a request)
        recorder._current.set(None)
    try:
        recorder.flush(processing, StatusCode.OK if state == "SUCCESS" else StatusCode.ERROR)
    except DatabaseError:
        logger.exception("processing log: trace %s not written", processing.trace_id)


@shared_task(acks_late=True, ignore_result=True)
def processing_log_pending_merge() -> int:
    """The lookup index's pending entries merged in (``indexes.pending_merge``)."""
    return indexes.pending_merge()
