"""What the cases app tells the processing log: the activity a case is processed for,
and who its data subjects are (``backend.processing_log``).

A case's data subjects are its parties: by their BSN's keyed digest when the BSN is
known (the same person across cases), else by the party's id.
"""

from collections.abc import Iterable
from typing import Any

from backend.processing_log.models import SubjectType
from backend.processing_log.recorder import Subject, note
from cases.models import Case, CaseKind, Party
from cases.selectors import QueueRow, related_in_memory

# Filled in per municipality from its own selection list; the admin edits it.
RETENTION = (
    "Zo lang als de Selectielijst gemeenten en intergemeentelijke organen voor dit soort "
    "dossiers aangeeft, gerekend vanaf het sluiten van het dossier; daarna vernietigd."
)
COMPLAINT_HANDLING = {
    "id": "complaint-handling",
    "name": "Behandelen van klachten",
    "purpose": "Een klacht over de gemeente behandelen: contact opnemen, horen, "
    "oplossen of beoordelen, en de klager schriftelijk laten weten wat de uitkomst is.",
    "legal_basis": "AVG art. 6 lid 1 onder c en e; Awb hoofdstuk 9 (klachtbehandeling).",
    "data_categories": "Naam, adres, e-mail, telefoon, voorkeuren voor contact, de "
    "klacht zelf en bijlagen, gespreksverslagen, brieven; BSN alleen als dat nodig is; "
    "of iemand extra zorg nodig heeft.",
    "retention": RETENTION,
}
OBJECTION_HANDLING = {
    "id": "objection-handling",
    "name": "Behandelen van bezwaarschriften",
    "purpose": "Een bezwaar tegen een besluit behandelen: het bezwaar compleet maken, "
    "contact opnemen, horen, advies vragen, en een beslissing op bezwaar nemen.",
    "legal_basis": "AVG art. 6 lid 1 onder c en e; Awb hoofdstukken 6 en 7 (bezwaar).",
    "data_categories": "Naam, adres, e-mail, telefoon, BSN als het besluit over een "
    "persoon gaat, het bezwaar en bijlagen, verslagen van hoorzittingen, adviezen, "
    "beslissingen; of iemand extra zorg nodig heeft.",
    "retention": RETENTION,
}
ACTIVITY_BY_KIND = {
    CaseKind.COMPLAINT: COMPLAINT_HANDLING["id"],
    CaseKind.OBJECTION: OBJECTION_HANDLING["id"],
}


def party_subject(pk: int, bsn_index: str) -> Subject:
    if bsn_index:
        return Subject(bsn_index, SubjectType.BSN_DIGEST)
    return Subject(str(pk), SubjectType.PARTY)


def case_subjects(case: Case, parties: Iterable[Party] | None = None) -> list[Subject]:
    """The case's parties as data subjects: ``parties`` (those being written, not yet to
    be read), else the parties already read (a case page), else in one query."""
    if parties is None:
        parties = related_in_memory(case, "parties")
    if parties is not None:
        return [party_subject(party.pk, party.bsn_index) for party in parties]
    rows = Party.objects.filter(case=case).order_by("pk").values_list("pk", "bsn_index")
    return [party_subject(pk, bsn_index) for pk, bsn_index in rows]


def _queue_subject(key: str) -> Subject:
    """A queue row's ``filer_subject`` (``selectors._queue_cases``) as a data subject."""
    if key.startswith("b"):
        return Subject(key[1:], SubjectType.BSN_DIGEST)
    return Subject(key[1:], SubjectType.PARTY)


def queue_page_processed(rows: Iterable[QueueRow], *, searched: bool) -> None:
    """Note a queue page shown with its filers' names (callers who see personal data):
    one record per filer, for the activity of the case's kind. ``searched``: the page
    answers a text search (what was searched for is not kept)."""
    by_kind: dict[str, list[Subject]] = {}
    for row in rows:
        if row.filer_subject:
            by_kind.setdefault(row.kind, []).append(_queue_subject(row.filer_subject))
    for kind, subjects in by_kind.items():
        note(
            activity=ACTIVITY_BY_KIND[CaseKind(kind)],
            subjects=subjects,
            attributes={"casehandling.queue_searched": searched},
        )


def case_processed(
    case: Case,
    *,
    name: str = "",
    attributes: dict[str, Any] | None = None,
    parties: Iterable[Party] | None = None,
) -> None:
    """Note that the current request or task processes this case's personal data (its
    parties'; ``parties``: those being written, not yet to be read), for the activity of
    its kind."""
    note(
        activity=ACTIVITY_BY_KIND[CaseKind(case.kind)],
        subjects=case_subjects(case, parties),
        name=name,
        attributes={"casehandling.case_reference": case.reference, **(attributes or {})},
    )
