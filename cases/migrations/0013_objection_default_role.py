"""Legal staff record notices of default."""

from django.db import migrations

from backend.accounts.roles import roles_sync


def sync(apps, schema_editor):
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_notice_of_default")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
