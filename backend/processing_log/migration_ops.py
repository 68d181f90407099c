"""Index operations that do not lock a busy table's writes while they run on PostgreSQL
(``CREATE`` and ``DROP INDEX CONCURRENTLY``; the migration must not be atomic), and are
the plain operations elsewhere."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations import AddIndex, RemoveIndex
from django.db.migrations.state import ProjectState


class AddIndexOnline(AddIndexConcurrently):
    """``AddIndex`` without a lock on the table's writes on PostgreSQL (a table written by
    every request, such as the processing log, whose index takes minutes to build at tens
    of millions of rows); plain elsewhere. The migration must not be atomic."""

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState, to_state: ProjectState,
    ) -> None:  # fmt: skip
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState, to_state: ProjectState,
    ) -> None:  # fmt: skip
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class RemoveIndexOnline(RemoveIndexConcurrently):
    """``RemoveIndex`` without a lock on the table's writes on PostgreSQL."""

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState, to_state: ProjectState,
    ) -> None:  # fmt: skip
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState, to_state: ProjectState,
    ) -> None:  # fmt: skip
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
