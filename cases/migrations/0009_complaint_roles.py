"""Give the roles the complaint workflow's step permissions and log_contact."""

from django.db import migrations

from backend.accounts.roles import roles_sync


def sync(apps, schema_editor):
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_complaint_workflow")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
