"""Administrators no longer read timelines (they hold personal data)."""

from django.db import migrations

from backend.accounts.roles import roles_sync


def sync(apps, schema_editor):
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_committee_recommendation")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
