"""One GIN index by person and by trace instead of two B-trees (docs/design.md, decision
31): built before the old ones are dropped, and without locking the log's writes."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from backend.processing_log.indexes import NAME, WriteOptimisedIndex
from backend.processing_log.migration_ops import AddIndexOnline, RemoveIndexOnline


def _btree_gin(apps: object, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """GIN over text columns. The extension is trusted (the database's owner may create
    it) and stays when the migration is reversed: something else may use it."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")


class Migration(migrations.Migration):
    atomic = False  # CREATE and DROP INDEX CONCURRENTLY run outside a transaction

    dependencies = [
        ("processing_log", "0003_activity_without_constraint"),
    ]

    operations = [
        migrations.RunPython(_btree_gin, migrations.RunPython.noop, elidable=False),
        AddIndexOnline(
            model_name="processingrecord",
            index=WriteOptimisedIndex(fields=["data_subject_id", "trace_id"], name=NAME),
        ),
        RemoveIndexOnline(model_name="processingrecord", name="processing_subject_idx"),
        RemoveIndexOnline(model_name="processingrecord", name="processing_trace_idx"),
    ]
