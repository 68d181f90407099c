"""Every index on a table a filing writes is one some query reads: a filing maintains no
index that another one of the same table already serves (docs/design.md, decision 30).

Two kinds were found and dropped: an index on a foreign key whose composite index starts
with the same column, and the pattern-matching (``varchar_pattern_ops``) copy PostgreSQL's
backend adds beside a unique ``CharField``'s index, for ``LIKE 'abc%'`` - a lookup no code
of ours makes on a key it finds by equality."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backend.accounts.roles import Role
from backend.outbox.models import OutboxDelivery, OutboxMessage
from cases.models import Case, CaseEvent, Deadline
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.factories import CaseFactory

# Each table's plain B-tree indexes on columns (not on expressions): name, unique,
# partial, columns in order, operator classes.
INDEXES = """
    SELECT index.relname, pg_index.indisunique, pg_index.indpred IS NOT NULL,
           array(SELECT attribute.attname
                 FROM unnest(pg_index.indkey) WITH ORDINALITY AS key(number, position)
                 JOIN pg_attribute AS attribute
                   ON attribute.attrelid = pg_index.indrelid AND attribute.attnum = key.number
                 ORDER BY key.position),
           array(SELECT class.opcname
                 FROM unnest(pg_index.indclass) AS used(oid)
                 JOIN pg_opclass AS class ON class.oid = used.oid)
    FROM pg_index
    JOIN pg_class AS index ON index.oid = pg_index.indexrelid
    JOIN pg_am AS method ON method.oid = index.relam
    WHERE pg_index.indrelid = %s::regclass AND method.amname = 'btree'
      AND pg_index.indexprs IS NULL
"""


def indexes(table: str) -> list[tuple[str, bool, bool, list[str], list[str]]]:
    with connection.cursor() as cursor:
        cursor.execute(INDEXES, [table])
        return cursor.fetchall()


def redundant(table: str) -> list[str]:
    """Indexes another index of ``table`` serves, and pattern-matching copies."""
    found = indexes(table)
    spare = []
    for name, unique, partial, columns, classes in found:
        if any(name_class.endswith("_pattern_ops") for name_class in classes):
            spare.append(name)
            continue
        if unique or partial:
            continue  # a constraint, or an index of a subset the wider one cannot replace
        for other, _, other_partial, other_columns, _ in found:
            if other != name and not other_partial and other_columns[: len(columns)] == columns:
                spare.append(f"{name} (served by {other})")
                break
    return spare


def inserted() -> dict[str, int]:
    """Rows inserted per table in this transaction so far."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins FROM pg_stat_xact_user_tables")
        return dict(cursor.fetchall())


@pytest.mark.django_db
def test_no_table_a_filing_writes_keeps_an_index_another_serves(client_for, users, anon):
    """Filed as a resident and by a handler, both kinds: the tables this transaction
    inserted into (``pg_stat_xact_user_tables``) are the ones every filing pays for."""
    handler = client_for(users[Role.CASE_HANDLER])
    before = inserted()
    for client, path, body in [
        (anon, "/api/v1/complaints", complaint_body),
        (handler, "/api/v1/complaints", complaint_body),
        (anon, "/api/v1/objections", objection_body),
        (handler, "/api/v1/objections", objection_body),
    ]:
        assert client.post(path, body()).status_code == 201
    written = {table for table, rows in inserted().items() if rows > before.get(table, 0)}
    assert {
        "cases_case",
        "cases_caseevent",
        "cases_deadline",
        "cases_trackinglink",
        "outbox_outboxmessage",
        "outbox_outboxdelivery",
        "processing_log_processingrecord",
    } <= written
    assert {table: redundant(table) for table in written if redundant(table)} == {}


def plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.mark.django_db
def test_the_lookups_by_foreign_key_read_the_composite_indexes():
    """What the dropped indexes did, the composite ones do: a case's timeline and terms,
    an event's deliveries (and the checks of a cascading delete, the same lookups)."""
    case = CaseFactory()
    message = OutboxMessage.objects.create(topic="t", payload={}, case=case, dedup_key="k")
    assert "case_event_timeline" in plan(CaseEvent.objects.filter(case=case))
    assert "deadline_case_state" in plan(Deadline.objects.filter(case=case))
    assert "outbox_delivery_once" in plan(OutboxDelivery.objects.filter(message=message))


@pytest.mark.django_db
def test_the_keys_are_found_by_their_unique_index():
    case = CaseFactory()
    assert "case_reference_unique" in plan(Case.objects.filter(reference=case.reference))
    assert "outbox_message_dedup_key_unique" in plan(OutboxMessage.objects.filter(dedup_key="k"))


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def index_oid(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::regclass::oid", [name])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_unique_index_and_goes_back():
    """Forwards the unique index is renamed, not rebuilt (the same relation: no table
    lock for the length of a build); backwards the pattern copies return."""
    migrate(
        [
            ("cases", "0031_complaint_report_measures"),
            ("outbox", "0005_message_state_to_deliveries"),
        ]
    )
    try:
        for table in ["cases_case", "cases_caseevent", "outbox_outboxmessage"]:
            assert redundant(table), table  # what the migration is to drop
        before = index_oid("cases_case_reference_key")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert index_oid("case_reference_unique") == before
    for table in ["cases_case", "cases_caseevent", "cases_deadline", "cases_trackinglink"]:
        assert redundant(table) == [], table
    for table in ["outbox_outboxmessage", "outbox_outboxdelivery"]:
        assert redundant(table) == [], table
