"""Days equated with public holidays by royal decree (Atw art. 3(3)), as listed in
docs/legal.md (the 2023-2028 decrees). Staff add later ones in the admin (Juridisch > Atw-dagen)."""

import datetime

from django.db import migrations

# The publication numbers came later (0023_decree_day_sources). The text below is data:
SOURCE = "Besluit ex art. 3(3) Algemene termijnenwet (Staatscourant), per shared/docs/LEGAL.md"

DAYS = [
    (datetime.date(2023, 4, 28), "Vrijdag na Koningsdag"),
    (datetime.date(2023, 5, 19), "Vrijdag na Hemelvaartsdag"),
    (datetime.date(2024, 5, 10), "Vrijdag na Hemelvaartsdag"),
    (datetime.date(2024, 12, 27), "Vrijdag na Tweede Kerstdag"),
    (datetime.date(2025, 5, 30), "Vrijdag na Hemelvaartsdag"),
    (datetime.date(2026, 1, 2), "Vrijdag na Nieuwjaarsdag"),
    (datetime.date(2026, 5, 15), "Vrijdag na Hemelvaartsdag"),
    (datetime.date(2027, 5, 7), "Vrijdag na Hemelvaartsdag"),
    (datetime.date(2028, 4, 28), "Vrijdag na Koningsdag"),
    (datetime.date(2028, 5, 26), "Vrijdag na Hemelvaartsdag"),
]


def seed(apps, schema_editor):
    DecreeDay = apps.get_model("cases", "DecreeDay")
    for day, name in DAYS:
        DecreeDay.objects.get_or_create(date=day, defaults={"name": name, "source": SOURCE})


def unseed(apps, schema_editor):
    apps.get_model("cases", "DecreeDay").objects.filter(date__in=[d for d, _ in DAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_deadlines")]

    operations = [migrations.RunPython(seed, unseed)]
