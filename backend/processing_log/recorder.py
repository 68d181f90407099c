"""Gathering a request's or task's processing records and writing them in one statement.

A request (``middleware``) or a Celery task (``tasks``) opens a processing context: its
trace and operation ids, who acts. Code that processes personal data says so with
``note()`` (which activity, which data subjects, what else is worth keeping); the context
writes every note as one multi-row INSERT when the request or task ends, with the end
time and the status it ended with. A read thus costs one statement however many subjects
it touched, and nothing is written for a request that touched none.
"""

import contextvars
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from backend.processing_log.models import ActorType, ProcessingRecord, StatusCode, SubjectType
from backend.processing_log.trace import Incoming, operation_id_new, trace_id_new

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Subject:
    """A data subject as the log names them: never a BSN in the clear."""

    id: str
    type: SubjectType


@dataclass
class _Note:
    activity: str
    name: str
    subjects: list[Subject]
    attributes: dict[str, Any]
    started: datetime


@dataclass
class Processing:
    """One request's or task's processing: its ids, who acts, and what it noted."""

    trace_id: str
    operation_id: str
    foreign: Incoming | None = None
    foreign_entity: str = ""
    actor_type: str = ActorType.ANONYMOUS
    actor_id: str = ""
    # The operation's name when a note gives none (the request's route, the task's name).
    name: str = ""
    notes: list[_Note] = field(default_factory=list)

    def records(self, status: StatusCode, ended: datetime) -> list[ProcessingRecord]:
        return [
            ProcessingRecord(
                trace_id=self.trace_id,
                operation_id=operation_id_new(),
                parent_operation_id=self.operation_id,
                foreign_trace_id=self.foreign.trace_id if self.foreign else "",
                foreign_operation_id=self.foreign.parent_id if self.foreign else "",
                foreign_entity=self.foreign_entity if self.foreign else "",
                status_code=status,
                name=(note.name or self.name)[:120],
                start_time=note.started,
                end_time=ended,
                activity_id=note.activity,
                data_subject_id=subject.id,
                data_subject_id_type=subject.type,
                actor_type=self.actor_type,
                actor_id=self.actor_id[:120],
                attributes=note.attributes,
            )
            for note in self.notes
            for subject in dict.fromkeys(note.subjects)
        ]


_current: contextvars.ContextVar[Processing | None] = contextvars.ContextVar(
    "processing", default=None
)


def current() -> Processing | None:
    return _current.get()


def note(
    *,
    activity: str,
    subjects: Iterable[Subject],
    name: str = "",
    attributes: dict[str, Any] | None = None,
) -> None:
    """Record that the current request or task processes these subjects' personal data
    for ``activity`` (an id in the register). Outside a processing context (a shell, a
    migration) the note opens its own and writes at once: nothing goes unlogged."""
    subjects = list(subjects)
    if not subjects:
        return
    entry = _Note(
        activity=activity,
        name=name,
        subjects=subjects,
        attributes=attributes or {},
        started=timezone.now(),
    )
    processing = _current.get()
    if processing is not None:
        processing.notes.append(entry)
        return
    with processing_context(
        Processing(
            trace_id=trace_id_new(),
            operation_id=operation_id_new(),
            actor_type=ActorType.SYSTEM,
            actor_id="console",
        )
    ) as alone:
        alone.notes.append(entry)


def flush(processing: Processing, status: StatusCode) -> int:
    """Write what ``processing`` noted, in one statement; the number of records. Raises
    ``DatabaseError`` when the log cannot be written (the caller decides what the
    request or task then answers)."""
    rows = processing.records(status, timezone.now())
    processing.notes.clear()
    if not rows:
        return 0
    if connection.in_atomic_block:
        # A savepoint: a failure leaves the surrounding transaction usable.
        with transaction.atomic():
            _insert(rows)
    else:
        # After a request's transaction: one INSERT, committed by itself (bulk_create
        # would add BEGIN and COMMIT round trips around it).
        _insert(rows)
    return len(rows)


_FIELDS = [field for field in ProcessingRecord._meta.concrete_fields if not field.primary_key]


def _insert(rows: list[ProcessingRecord]) -> None:
    """One multi-row INSERT (the statement ``bulk_create`` and ``save`` issue)."""
    ProcessingRecord._base_manager._insert(rows, fields=_FIELDS, using=connection.alias)


@contextmanager
def processing_context(processing: Processing) -> Iterator[Processing]:
    """Run with ``processing`` current; write its notes at the end (ERROR when the block
    raised). For tasks and commands; requests use the middleware, which knows the
    response's status."""
    token = _current.set(processing)
    status = StatusCode.OK
    try:
        yield processing
    except BaseException:
        status = StatusCode.ERROR
        raise
    finally:
        _current.reset(token)
        try:
            flush(processing, status)
        except DatabaseError:
            logger.exception("processing log: trace %s not written", processing.trace_id)
            if status == StatusCode.OK:
                raise
