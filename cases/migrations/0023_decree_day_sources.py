"""Each decree day carries its publication (Atw art. 3(3)): the decree for 2023-2025 is
Stcrt. 2022, 7812; the one for 2026-2028 Stcrt. 2025, 24713. Days staff entered with
another source keep it."""

from django.db import migrations

OLD = "Besluit ex art. 3(3) Algemene termijnenwet (Staatscourant), per shared/docs/LEGAL.md"
DECREES = [
    (2023, 2025, "Besluit ex art. 3(3) Algemene termijnenwet, Stcrt. 2022, 7812"),
    (2026, 2028, "Besluit ex art. 3(3) Algemene termijnenwet, Stcrt. 2025, 24713"),
]


def source(apps, schema_editor):
    DecreeDay = apps.get_model("cases", "DecreeDay")
    for first, last, publication in DECREES:
        DecreeDay.objects.filter(
            date__year__gte=first, date__year__lte=last, source__in=[OLD, ""]
        ).update(source=publication)


def unsource(apps, schema_editor):
    DecreeDay = apps.get_model("cases", "DecreeDay")
    DecreeDay.objects.filter(source__in=[p for _, _, p in DECREES]).update(source=OLD)


class Migration(migrations.Migration):
    dependencies = [("cases", "0022_step_permissions")]

    operations = [migrations.RunPython(source, unsource)]
