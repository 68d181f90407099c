"""This app's entry in the register of processing activities (models-free: the app
registers it in ``ready()``)."""

SUBJECT_ACCESS = {
    "id": "data-subject-access",
    "name": "Inzage in eigen gegevens (inzageverzoek)",
    "purpose": "Een inwoner op verzoek alle gegevens geven die de gemeente over hem of "
    "haar heeft in klacht- en bezwaardossiers, en wat daarmee is gedaan.",
    "legal_basis": "AVG art. 6 lid 1 onder c en art. 15 (recht op inzage).",
    "data_categories": "Alles uit de dossiers over de betrokkene: contactgegevens, BSN, "
    "wat hij of zij schreef, bijlagen, brieven, contactmomenten en het "
    "verwerkingenlogboek.",
    "retention": "Het exportbestand wordt niet bewaard; dat de export is gemaakt, staat "
    "in het verwerkingenlogboek zo lang als het dossier.",
}
RETENTION_ACTIVITY = {
    "id": "retention",
    "name": "Vernietigen na de bewaartermijn",
    "purpose": "Gesloten dossiers vernietigen als hun bewaartermijn voorbij is; alleen "
    "anonieme cijfers blijven over.",
    "legal_basis": "AVG art. 5 lid 1 onder e (opslagbeperking); Archiefwet 1995 art. 3 en "
    "5 met de selectielijst.",
    "data_categories": "Alle gegevens van het dossier (ze worden verwijderd).",
    "retention": "Het verslag van de vernietiging blijft in het verwerkingenlogboek.",
}
