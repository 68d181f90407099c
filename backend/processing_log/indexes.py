"""The processing log's lookup index: GIN on PostgreSQL, so that writing stays cheap.

The log is written on every read of personal data (a queue page: 50 records) and read
rarely (a person's copy, legal staff's search, an erasure; an auditor following a trace).
A B-tree per person and one per trace took 50 random inserts each into their leaf pages
for every queue page: PostgreSQL's work for the page's log INSERT was 1.7 ms with them,
1.1 ms with one GIN index over both columns (``btree_gin``), whose fast update appends a
request's entries to a pending list and merges them into the index in bulk later (the
beat task ``processing_log_pending_merge`` does, so that no request has to). A lookup by
person or trace reads the index and sorts what it finds (docs/design.md, decision 31).

Other databases (SQLite for ``make run``) get a B-tree over the same columns.
"""

from typing import Any

from django.db import connection, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

NAME = "processing_lookup_idx"


class WriteOptimisedIndex(models.Index):
    """GIN (with fast update, PostgreSQL's default) on PostgreSQL, B-tree elsewhere."""

    def create_sql(
        self, model: type[models.Model], schema_editor: BaseDatabaseSchemaEditor, using: str = "",
        **kwargs: Any,
    ) -> Any:  # fmt: skip
        if schema_editor.connection.vendor == "postgresql":
            using = " USING gin"
        return super().create_sql(model, schema_editor, using=using, **kwargs)


def pending_merge() -> int:
    """Merge the lookup index's pending list into the index (PostgreSQL; elsewhere there is
    none): the index pages it cleared. Run by beat every minute, so that the list stays
    far below ``gin_pending_list_limit`` (4 MB) - past it, the request whose insert
    crosses it merges the whole list itself, a pause of 0.1 to 0.3 s."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [NAME])
        return cursor.fetchone()[0]
