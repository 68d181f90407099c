"""History the database itself keeps from being changed (PostgreSQL triggers).

``save()`` refusing to change a timeline entry stops this code, not a bulk ``update()``,
a raw statement, a script or a console. A table made append-only here refuses UPDATE
and DELETE in the database: the trigger raises, the statement and its transaction fail.

One way to remove rows remains, because the law requires it: erasure at the end of the
retention period (AVG art. 5(1)(e), the Archiefwet's selection list). Only in a
transaction that says so (``erasure_allow()``, a ``SET LOCAL``) may rows be deleted;
they can still never be changed. TRUNCATE (table owners only: migrations and the test
suite's flush) is not covered.

An app makes its tables append-only from a migration: ``append_only_operation(tables)``.
"""

from django.db import connection, migrations, transaction

# The setting a transaction sets (locally) to delete history at the end of retention.
ERASING_SETTING = "casehandling.erasing"
_FUNCTION = "append_only_refuse"

_CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('{ERASING_SETTING}', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'History is added to, never changed; erasure only at the end of '
                     'retention.';
END;
$$;
"""


def _trigger_sql(table: str) -> str:
    return (
        f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";'
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}();"
    )


def _drop_sql(table: str) -> str:
    return f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";'


def append_only_operation(tables: list[str]) -> migrations.RunPython:
    """A migration operation that makes ``tables`` append-only on PostgreSQL (SQLite, the
    embedded default for trying the service out, keeps the ``save()`` guard only)."""

    def forward(apps, schema_editor) -> None:  # noqa: ANN001 - Django's migration API
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(_CREATE_FUNCTION, None)  # no parameters: its % are plpgsql's
        for table in tables:
            schema_editor.execute(_trigger_sql(table))

    def backward(apps, schema_editor) -> None:  # noqa: ANN001
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(_drop_sql(table))

    return migrations.RunPython(forward, backward, elidable=False)


def erasure_allow() -> None:
    """Allow deleting append-only rows until the current transaction ends (the retention
    run's erasure); changing them stays refused. ``SET LOCAL``: the permission ends with
    the transaction, committed or not, and never reaches another one."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("erasure_allow() belongs inside a transaction (transaction.atomic).")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [ERASING_SETTING])
