"""Give the roles the objection workflow's step permissions."""

from django.db import migrations

from backend.accounts.roles import roles_sync


def sync(apps, schema_editor):
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_objection_workflow")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
