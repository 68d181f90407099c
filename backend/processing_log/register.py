"""The register of processing activities: each app registers its own in ``ready()``
(``activity_register``); after every ``migrate`` (and a test database's flush) the
missing ones are created. Administrators edit the texts in the admin afterwards; what
they wrote is never overwritten."""

from typing import Any

from django.apps import apps as global_apps

# The platform's own activity: legal staff reading the log (accountability, AVG 5(2)).
INSPECTION = {
    "id": "processing-log-inspection",
    "name": "Inzien van het verwerkingenlogboek",
    "purpose": "Verantwoorden wie welke persoonsgegevens verwerkte, en een inwoner "
    "laten zien wat met zijn of haar gegevens is gedaan.",
    "legal_basis": "AVG art. 5 lid 2 (verantwoordingsplicht), art. 6 lid 1 onder c en "
    "art. 15 (recht op inzage).",
    "data_categories": "Verwijzingen naar betrokkenen (versleuteld BSN of partij-id), "
    "welke medewerker of welk systeem handelde, wanneer.",
    "retention": "Zo lang als het dossier waar de verwerking over ging.",
}


_ACTIVITIES: dict[str, dict[str, str]] = {}


def activity_register(entry: dict[str, str]) -> None:
    """Add an activity (``id``, ``name``, ``purpose``, ``legal_basis``,
    ``data_categories``, ``retention``) to the register."""
    _ACTIVITIES[entry["id"]] = entry


def activity_registered(activity_id: str) -> bool:
    return activity_id in _ACTIVITIES


def activities_sync(apps: Any = None, **_: Any) -> None:
    """post_migrate receiver: every registered activity exists (texts kept as edited)."""
    apps = apps or global_apps
    try:
        activity = apps.get_model("processing_log", "ProcessingActivity")
    except LookupError:  # a migration state before the register existed
        return
    existing = set(activity.objects.values_list("id", flat=True))
    activity.objects.bulk_create(
        [activity(**entry) for key, entry in _ACTIVITIES.items() if key not in existing]
    )
