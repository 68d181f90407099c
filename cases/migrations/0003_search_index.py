"""GIN index for full-text search on PostgreSQL (SQLite, the embedded default, has none).

The expression is built with the same SearchVector the selector uses, so the planner
matches the query to the index.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "case_search_document_fts"


def _index() -> GinIndex:
    return GinIndex(SearchVector("search_document", config=settings.SEARCH_CONFIG), name=INDEX_NAME)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("cases", "Case"), _index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("cases", "Case"), _index())


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_roles")]

    operations = [migrations.RunPython(add_index, remove_index)]
