"""Everything the service holds about one person, as one ZIP (AVG art. 15).

A person is found by their BSN (every party with its keyed digest, across cases) or as a
party on a case (and, when that party has a BSN, everyone with the same one). The ZIP
holds, per case, ``<reference>/zaak.json`` (the case, their own party record with the
BSN in the clear, the case's details, contact moments, the timeline, attachments and
letters listed), the attachments and letters as files, ``verwerkingen.json`` (the
processing log about them, in the standard's fields, without who acted: staff are not
named) and ``LEESMIJ.txt`` (what is where, in Dutch). Legal staff check it before it is
handed over; the export itself is in the processing log.

Left out on purpose: who on the staff did what (the timeline's and contact moments'
actors), and other people's records (the other parties of a case are named only as
their role).
"""

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from backend.domain import as_json_value
from backend.processing_log.api import record_attributes
from backend.processing_log.models import ProcessingRecord, StatusCode
from backend.processing_log.recorder import Subject
from cases.antivirus import servable
from cases.dispatch import ADDRESSEE
from cases.models import Case, Party
from cases.processing import party_subject
from letters.models import Letter

# A party's own fields left out of the export: internal keys, the BSN as stored.
_PARTY_HIDDEN = {"id", "case", "bsn_encrypted", "bsn_index"}
_CASE_FIELDS = (
    "reference",
    "kind",
    "status",
    "subject",
    "description",
    "channel",
    "received_at",
    "closed_at",
)
_DETAILS_HIDDEN = {"case", "employee"}  # the colleague complained about is not theirs
_README = """Uw gegevens bij de gemeente: klachten en bezwaren
==================================================

Dit bestand is gemaakt op {made} op uw verzoek om inzage (AVG artikel 15).

Per zaak staat er een map met het nummer van de zaak, bijvoorbeeld KL-2026-000123.
In die map vindt u:
- zaak.json: de zaak, uw gegevens (ook uw BSN als u dat gaf), wat u schreef,
  de contactmomenten, de stappen in de zaak, en een lijst van bijlagen en brieven;
- bijlagen/: de bestanden die u meestuurde;
- brieven/: de brieven die wij stuurden, als PDF.

verwerkingen.json laat zien wanneer uw gegevens zijn gebruikt en waarvoor
(het verwerkingenlogboek). Wie bij de gemeente dat deed, staat er niet in.

manifest.json geeft van elk bestand een controlegetal (SHA-256).

Vragen? Neem contact op met de gemeente en noem de zaaknummers.
"""


def parties_for_bsn(digest: str) -> list[Party]:
    return list(
        Party.objects.filter(bsn_index=digest).select_related("case").order_by("case_id", "id")
    )


def parties_for_case_party(reference: str, party_id: int) -> list[Party]:
    """The party and, when it has a BSN, every party with the same one."""
    party = Party.objects.filter(case__reference=reference, pk=party_id).first()
    if party is None:
        return []
    if party.bsn_index:
        return parties_for_bsn(party.bsn_index)
    return [party]


def subjects_of(parties: Iterable[Party]) -> list[Subject]:
    return list(dict.fromkeys(party_subject(p.pk, p.bsn_index) for p in parties))


def _plain(instance: models.Model, hidden: set[str]) -> dict[str, Any]:
    return {
        field.name: as_json_value(field.value_from_object(instance))
        for field in instance._meta.concrete_fields
        if field.name not in hidden and field.attname not in hidden
    }


def _case_record(case: Case, party: Party, files: dict[str, bytes]) -> dict[str, Any]:
    folder = case.reference
    details = case.complaint if case.kind == "complaint" else case.objection
    attachments = []
    for number, attachment in enumerate(case.attachments.order_by("uploaded_at", "id"), 1):
        entry = {
            "filename": attachment.filename,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "uploaded_at": as_json_value(attachment.uploaded_at),
            "file": None,
        }
        if servable(attachment):
            name = f"{folder}/bijlagen/{number}-{attachment.filename}"
            with attachment.file.open("rb") as handle:
                files[name] = handle.read()
            entry["file"] = name
        attachments.append(entry)
    letters = []
    for letter in Letter.objects.filter(case=case).order_by("dated_on", "id"):
        if letter.recipient_key != ADDRESSEE:  # a colleague's copy is not theirs
            continue
        name = f"{folder}/brieven/{letter.dated_on.isoformat()}-{letter.kind}-{letter.pk}.pdf"
        with letter.file.open("rb") as handle:
            files[name] = handle.read()
        letters.append(
            {
                "kind": letter.kind,
                "dated_on": as_json_value(letter.dated_on),
                "language": letter.language,
                "recipient": letter.recipient,
                "file": name,
            }
        )
    return {
        "case": {name: as_json_value(getattr(case, name)) for name in _CASE_FIELDS},
        "you": {**_plain(party, _PARTY_HIDDEN), "bsn": party.bsn or None},
        "other_parties": [
            other.role for other in case.parties.order_by("id") if other.pk != party.pk
        ],
        "details": _plain(details, _DETAILS_HIDDEN | {"id"}) if details else {},
        "contact_moments": [
            {
                "occurred_at": as_json_value(moment.occurred_at),
                "channel": moment.channel,
                "outcome": moment.outcome,
                "note": moment.note,
            }
            for moment in case.contact_moments.order_by("occurred_at", "id")
        ],
        "timeline": [
            {
                "occurred_at": as_json_value(event.occurred_at),
                "kind": event.kind,
                "text": event.text,
            }
            for event in case.events.order_by("occurred_at", "id")
        ],
        "attachments": attachments,
        "letters": letters,
    }


def _processing_record(record: ProcessingRecord) -> dict[str, Any]:
    """A record in the standard's fields only: who acted is left out."""
    return {
        "trace_id": record.trace_id,
        "operation_id": record.operation_id,
        "parent_operation_id": record.parent_operation_id,
        "status_code": StatusCode(record.status_code).label,
        "name": record.name,
        "start_time": as_json_value(record.start_time),
        "end_time": as_json_value(record.end_time),
        "attributes": record_attributes(record),
    }


def person_export(parties: list[Party]) -> bytes:
    """The ZIP of everything about the person these parties are."""
    files: dict[str, bytes] = {}
    for party in parties:
        case = Case.objects.select_related("complaint", "objection").get(pk=party.case_id)
        record = _case_record(case, party, files)
        files[f"{case.reference}/zaak.json"] = _json(record)
    subject_ids = [subject.id for subject in subjects_of(parties)]
    log = ProcessingRecord.objects.filter(data_subject_id__in=subject_ids).order_by(
        "start_time", "id"
    )
    files["verwerkingen.json"] = _json([_processing_record(r) for r in log])
    made = timezone.localtime().strftime("%d-%m-%Y %H:%M")
    files["LEESMIJ.txt"] = _README.format(made=made).encode()
    manifest = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    files["manifest.json"] = _json(manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _json(value: Any) -> bytes:
    # default=str: amounts (Decimal) as written, e.g. "1442.00"
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).encode()
