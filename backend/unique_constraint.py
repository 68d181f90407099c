"""A field's ``unique=True`` turned into a named ``UniqueConstraint``, keeping its index.

On PostgreSQL, Django gives a unique ``CharField`` a second index beside its unique one:
``<table>_<column>_<hash>_like``, with ``varchar_pattern_ops``, for ``LIKE 'abc%'``. A
key looked up by equality (a reference, a hash, a deduplication key) never reads it, and
every insert maintains it. Declared as a ``UniqueConstraint`` the key has the unique
index alone. The migration keeps the index already built (renamed, not rebuilt: at a
million cases that is a lock on the table for as long as the build takes) and drops the
pattern copy; other databases keep the unique index they have under its own name.
"""

import copy
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import StateApps
from django.db.models import Field, UniqueConstraint


def unique_field_to_constraint(
    *, app_label: str, model_name: str, field_name: str, field: Field, name: str
) -> Operation:
    """The migration operation: ``field`` is the field as it is now declared (without
    ``unique``), ``name`` the constraint's."""

    def _renamed(apps: StateApps, editor: BaseDatabaseSchemaEditor, forwards: bool) -> None:
        if editor.connection.vendor != "postgresql":
            return
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        column = model._meta.get_field(field_name).column
        quote = editor.quote_name
        with editor.connection.cursor() as cursor:
            found = editor.connection.introspection.get_constraints(cursor, table)
        if forwards:
            for constraint, facts in found.items():
                if facts["columns"] != [column] or facts["primary_key"]:
                    continue
                if facts["unique"] and constraint != name:
                    editor.execute(
                        f"ALTER TABLE {quote(table)} RENAME CONSTRAINT {quote(constraint)} "
                        f"TO {quote(name)}"
                    )
                elif facts["index"] and not facts["unique"] and constraint.endswith("_like"):
                    editor.execute(f"DROP INDEX {quote(constraint)}")
            return
        editor.execute(
            f"ALTER TABLE {quote(table)} RENAME CONSTRAINT {quote(name)} "
            f"TO {quote(f'{table}_{column}_key')}"
        )
        # The state here is the one without ``unique``; the pattern index is for the field
        # as it was.
        unique = copy.copy(model._meta.get_field(field_name))
        unique._unique = True
        like: Any = editor._create_like_index_sql(model, unique)
        if like is not None:
            editor.execute(like)

    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AlterField(model_name=model_name, name=field_name, field=field),
            migrations.AddConstraint(
                model_name=model_name,
                constraint=UniqueConstraint(fields=[field_name], name=name),
            ),
        ],
        database_operations=[
            migrations.RunPython(
                lambda apps, editor: _renamed(apps, editor, forwards=True),
                lambda apps, editor: _renamed(apps, editor, forwards=False),
                elidable=False,
            )
        ],
    )
