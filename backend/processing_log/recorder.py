"""Gathering a request's or task's processing records and writing them in one statement.

A request (``middleware``) or a Celery task (``tasks``) opens a processing context: its
trace and operation ids, who acts. Code that processes personal data says so with
``note()`` (which activity, which data subjects, what else is worth keeping); the context
writes every note as one multi-row INSERT when the request or task ends, with the end
time and the status it ended with. A read thus costs one statement however many subjects
it touched, and nothing is written for a request that touched none. A successful change
writes its notes inside its own transaction instead (``flush(with_change=True)``, or in
the change's own round trip: ``records_in_round_trip``), so that both commit together;
if the operation then ends in an error, they are written again as errors.
"""

import contextvars
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from backend.prepared import execute_prepared
from backend.processing_log.models import ActorType, ProcessingRecord, StatusCode, SubjectType
from backend.processing_log.register import activity_registered
from backend.processing_log.trace import (
    Incoming,
    operation_id_new,
    operation_ids_new,
    trace_id_new,
)

logger = logging.getLogger(__name__)


class Subject(NamedTuple):
    """A data subject as the log names them: never a BSN in the clear. (A tuple: a queue
    page makes and de-duplicates 50 of them.)"""

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
    # A request that only read (GET, HEAD): its records need not wait for the disk.
    reading: bool = False
    notes: list[_Note] = field(default_factory=list)
    # Notes written inside the transaction of the change they are about: they stand
    # once it commits; when the operation ends in an error they are written again, as
    # errors, because that transaction was rolled back with them.
    with_change: list[_Note] = field(default_factory=list)
    # Sets who acts and the operation's name, once they are known (a request's user is
    # known after authentication): called before records are made.
    describe: Callable[[], None] | None = None

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
    if not activity_registered(activity):
        raise ValueError(f"processing activity {activity!r} is not in the register")
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
            name="console",
        )
    ) as alone:
        alone.notes.append(entry)


def flush(processing: Processing, status: StatusCode, *, with_change: bool = False) -> int:
    """Write what ``processing`` noted, in one statement; the number of records. Raises
    ``DatabaseError`` when the log cannot be written (the caller decides what the
    request or task then answers).

    ``with_change``: the surrounding transaction holds the change these records are
    about, and they join it without a savepoint - when they cannot be written, the
    change must not be committed either. Otherwise this is the operation's end, with
    the status it ended with: an error writes again, as errors, what was written with
    a change (that transaction was rolled back)."""
    if not with_change:
        if status == StatusCode.ERROR:
            processing.notes[:0] = processing.with_change
        processing.with_change.clear()
    count = sum(len(dict.fromkeys(note.subjects)) for note in processing.notes)
    if not count:
        return 0
    ended = timezone.now()
    if processing.describe is not None:
        processing.describe()
    postgres = connection.vendor == "postgresql"
    if connection.in_atomic_block and with_change:
        (_insert_postgres if postgres else _insert_orm)(processing, status, ended)
        processing.with_change += processing.notes
    elif connection.in_atomic_block:
        # A savepoint: a failure leaves the surrounding transaction usable.
        with transaction.atomic():
            (_insert_postgres if postgres else _insert_orm)(processing, status, ended)
    elif postgres:
        # After a request's transaction: one INSERT, committed by itself (bulk_create
        # would add BEGIN and COMMIT round trips around it). A read's records commit
        # without waiting for the disk (docs/design.md, decision 28).
        quick = processing.reading and not settings.PROCESSING_LOG_SYNCHRONOUS_READS
        _insert_postgres(processing, status, ended, before=ASYNC_COMMIT if quick else "")
    else:
        _insert_orm(processing, status, ended)
    processing.notes.clear()
    return count


class ProcessingLogUnavailable(Exception):
    """The records of a change could not be written: the change must not stand either."""


def flush_with_change() -> None:
    """Write what the current request or task has noted into the transaction that holds
    the change it is about, without a savepoint (docs/design.md, decision 29): both
    commit together or not at all. Raises ``ProcessingLogUnavailable`` when the log
    cannot be written - raised out of the change's ``atomic`` block, it rolls the change
    back. Nothing to write, or no request or task: nothing happens."""
    processing = _current.get()
    if processing is None or not processing.notes:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("records go with a change inside its transaction")
    try:
        flush(processing, StatusCode.OK, with_change=True)
    except DatabaseError as error:
        logger.exception("processing log: trace %s not written", processing.trace_id)
        raise ProcessingLogUnavailable from error


def records_in_round_trip() -> list[tuple[str, list[Any]]]:
    """The statement that writes what the current request or task has noted so far, for
    a change that sends its rows in one round trip (a filing) to send along: the records
    commit with the change, and cost no round trip of their own (docs/design.md,
    decision 29). Empty where there is nothing to write, no request or task, or no
    PostgreSQL (the notes are then written as usual)."""
    processing = _current.get()
    if processing is None or not processing.notes or connection.vendor != "postgresql":
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("records go with a change inside its transaction")
    if processing.describe is not None:
        processing.describe()
    statement = (_INSERT_ARRAYS, _insert_arrays_params(processing, StatusCode.OK, timezone.now()))
    processing.with_change += processing.notes
    processing.notes.clear()
    return [statement]


_FIELDS = [field for field in ProcessingRecord._meta.concrete_fields if not field.primary_key]


def _insert_orm(processing: Processing, status: StatusCode, ended: datetime) -> None:
    """One multi-row INSERT through the ORM (the statement ``bulk_create`` issues)."""
    rows = processing.records(status, ended)
    ProcessingRecord._base_manager._insert(rows, fields=_FIELDS, using=connection.alias)


# PostgreSQL: the values that differ per record as seven arrays, the rest once. The
# ORM's multi-row INSERT prepares and sends every field of every row - 5.7 ms for a
# queue page's 50 records, against 0.3 ms for one row; this is one short statement,
# prepared once per connection (every parameter typed, as PREPARE needs).
_INSERT_ARRAYS = """
    INSERT INTO processing_log_processingrecord (
        trace_id, parent_operation_id, foreign_trace_id, foreign_operation_id,
        foreign_entity, status_code, end_time, actor_type, actor_id,
        operation_id, name, start_time, activity_id, data_subject_id,
        data_subject_id_type, attributes
    )
    SELECT %s::text, %s::text, %s::text, %s::text, %s::text, %s::smallint,
           %s::timestamptz, %s::text, %s::text, o, n, s, a, d, t, j::jsonb
    FROM unnest(%s::text[], %s::text[], %s::timestamptz[], %s::text[], %s::text[],
                %s::text[], %s::text[]) AS r(o, n, s, a, d, t, j)
"""


# In the INSERT's own (implicit) transaction only: the setting ends with it.
ASYNC_COMMIT = "SET LOCAL synchronous_commit TO off"


def _insert_arrays_params(processing: Processing, status: StatusCode, ended: datetime) -> list[Any]:
    columns: tuple[list[Any], ...] = ([], [], [], [], [], [])
    for note in processing.notes:
        name = (note.name or processing.name)[:120]
        attributes = json.dumps(note.attributes)
        for subject in dict.fromkeys(note.subjects):
            for column, value in zip(
                columns,
                (name, note.started, note.activity, subject.id, str(subject.type), attributes),
                strict=True,
            ):
                column.append(value)
    foreign = processing.foreign
    return [
        processing.trace_id,
        processing.operation_id,
        foreign.trace_id if foreign else "",
        foreign.parent_id if foreign else "",
        processing.foreign_entity if foreign else "",
        int(status),
        ended,
        str(processing.actor_type),
        processing.actor_id[:120],
        operation_ids_new(len(columns[0])),
        *columns,
    ]


def _insert_postgres(
    processing: Processing, status: StatusCode, ended: datetime, before: str = ""
) -> None:
    with connection.cursor() as cursor:
        execute_prepared(
            cursor, _INSERT_ARRAYS, _insert_arrays_params(processing, status, ended), before
        )


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
