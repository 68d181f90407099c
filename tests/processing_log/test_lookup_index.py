"""The processing log's one lookup index (docs/design.md, decision 31): GIN by person and
by trace on PostgreSQL, cheap to write; every lookup the service makes reads it; its
pending entries are merged in by beat, off the request path; the migration builds it
without locking the log and goes back."""

import pytest
from celery import current_app
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backend.processing_log import api, indexes
from backend.processing_log.models import ProcessingRecord, SubjectType
from backend.processing_log.recorder import Subject, note
from backend.processing_log.tasks import processing_log_pending_merge

SUBJECTS = [Subject(f"{n:064x}", SubjectType.BSN_DIGEST) for n in range(50)]

INDEXES = """
    SELECT index.relname, method.amname, pg_get_indexdef(index.oid)
    FROM pg_index
    JOIN pg_class AS index ON index.oid = pg_index.indexrelid
    JOIN pg_am AS method ON method.oid = index.relam
    WHERE pg_index.indrelid = 'processing_log_processingrecord'::regclass
      AND NOT pg_index.indisprimary
"""


def log_indexes() -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(INDEXES)
        return sorted(cursor.fetchall())


def plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.mark.django_db
def test_one_gin_index_by_person_and_trace():
    [(name, method, definition)] = log_indexes()
    assert (name, method) == (indexes.NAME, "gin")
    assert definition.endswith("USING gin (data_subject_id, trace_id)")


@pytest.mark.django_db
def test_every_lookup_of_the_log_reads_the_index():
    """By person (legal staff's search, a person's copy, an erasure: ``data_subject_id IN``)
    and by trace (an auditor following a request)."""
    note(activity="processing-log-inspection", subjects=SUBJECTS[:2])
    digests = [subject.id for subject in SUBJECTS[:2]]
    assert indexes.NAME in plan(api.records_about(SUBJECTS[:1]))
    assert indexes.NAME in plan(ProcessingRecord.objects.filter(data_subject_id__in=digests))
    trace = ProcessingRecord.objects.values_list("trace_id", flat=True).first()
    assert indexes.NAME in plan(ProcessingRecord.objects.filter(trace_id=trace))


@pytest.mark.django_db
def test_the_pending_entries_are_merged_by_the_beat_task():
    note(activity="processing-log-inspection", subjects=SUBJECTS)
    assert processing_log_pending_merge() >= 1  # the list's pages, cleared
    assert processing_log_pending_merge() == 0  # nothing left
    # Merged, the entries are found as before.
    assert api.records_about(SUBJECTS[7:8]).count() == 1
    entry = settings.CELERY_BEAT_SCHEDULE["processing-log-pending-merge"]
    assert entry["task"] in current_app.tasks
    assert entry["schedule"] <= 60


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_migration_builds_the_index_and_goes_back():
    migrate([("processing_log", "0003_activity_without_constraint")])
    try:
        assert [(name, method) for name, method, _ in log_indexes()] == [
            ("processing_subject_idx", "btree"),
            ("processing_trace_idx", "btree"),
        ]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert [(name, method) for name, method, _ in log_indexes()] == [(indexes.NAME, "gin")]
