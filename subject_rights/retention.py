"""Erasing closed cases at the end of their retention period (AVG art. 5(1)(e); the
Archiefwet's selection list), unless a legal hold keeps them.

Per kind and final status a ``RetentionRule`` says how many years a closed case is kept
(the status's own rule, else the kind's rule for every status). ``retention_due`` lists
what is past its period; ``retention_run`` erases it, case by case, each in its own
transaction: the anonymous figures are written one last time, then the letters (records
and PDFs), attachments, tracking links, parties, contact moments, timeline, terms and the
processing log about the case go - through the append-only door (``erasure_allow``) - and
one processing record says it was done. ``dry_run`` lists without touching anything.
"""

import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from backend.append_only import erasure_allow
from backend.processing_log.models import ProcessingRecord
from backend.processing_log.recorder import Subject, note
from cases.figures import figures_refresh
from cases.models import Case, CaseKind, PenaltyDecision, RetentionRule
from cases.processing import case_subjects
from letters.models import Letter, LetterDelivery
from subject_rights.activities import RETENTION_ACTIVITY

logger = logging.getLogger(__name__)

# Defaults, created after migrate when a kind has no rule yet; the administrator edits
# them in the admin (kind, final status, years, source).
_SOURCE = (
    "Selectielijst gemeenten en intergemeentelijke organen (VNG, 2020), processen "
    "'Behandelen klacht' en 'Behandelen bezwaarschrift'. Standaard van deze dienst: "
    "controleer de bewaartermijn van elk resultaattype met de archivaris en pas hem hier aan."
)
DEFAULT_RULES = (
    {"kind": CaseKind.COMPLAINT, "status": "", "years": 5, "source": _SOURCE},
    {"kind": CaseKind.OBJECTION, "status": "", "years": 10, "source": _SOURCE},
)


def rules_sync(**_: object) -> None:
    """post_migrate receiver: every kind has a default rule (existing ones untouched)."""
    for rule in DEFAULT_RULES:
        RetentionRule.objects.get_or_create(kind=rule["kind"], status=rule["status"], defaults=rule)


@dataclass(frozen=True)
class Due:
    reference: str
    kind: str
    status: str
    closed_on: datetime.date
    years: int


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def retention_due(today: datetime.date | None = None) -> Iterator[Due]:
    """Closed cases past their period, not on hold, oldest first."""
    today = today or timezone.localdate()
    rules = {(rule.kind, rule.status): rule.years for rule in RetentionRule.objects.all()}
    if not rules:
        return
    # Nothing closed within the shortest period can be due: that bounds the scan.
    shortest = min(rules.values())
    latest_close = _years_after(today, -shortest)
    candidates = (
        Case.objects.filter(closed_at__isnull=False, legal_hold=False)
        .filter(closed_at__date__lt=latest_close)
        .order_by("closed_at", "id")
        .values_list("reference", "kind", "status", "closed_at")
    )
    for reference, kind, status, closed_at in candidates.iterator(chunk_size=500):
        years = rules.get((kind, status), rules.get((kind, "")))
        if years is None:
            continue  # no rule for this kind: kept
        closed_on = timezone.localdate(closed_at)
        if _years_after(closed_on, years) <= today:
            yield Due(reference, kind, status, closed_on, years)


@transaction.atomic
def case_erase(reference: str) -> bool:
    """Erase one case (see the module); False when it is gone, reopened or on hold since
    it was listed."""
    case = (
        Case.objects.select_for_update()
        .filter(reference=reference, closed_at__isnull=False, legal_hold=False)
        .first()
    )
    if case is None:
        return False
    figures_refresh(case)
    subjects = case_subjects(case)
    erasure_allow()
    letters = Letter.objects.filter(case=case)
    files = [letter.file.name for letter in letters]
    files += [attachment.file.name for attachment in case.attachments.all()]
    # Raw deletes: letters and penalty decisions are protected from a case's cascade on
    # purpose (nothing else may take them along); the keys are checked at commit.
    LetterDelivery.objects.filter(letter__case=case)._raw_delete(LetterDelivery.objects.db)
    letters._raw_delete(letters.db)
    PenaltyDecision.objects.filter(case=case)._raw_delete(PenaltyDecision.objects.db)
    # By key, not JSON containment: SQLite (``make run``) has no containment lookup.
    ProcessingRecord.objects.alias(
        case_reference=KeyTextTransform("casehandling.case_reference", "attributes")
    ).filter(
        data_subject_id__in=[subject.id for subject in subjects], case_reference=reference
    )._raw_delete(ProcessingRecord.objects.db)
    case.delete()  # parties, timeline, terms, contact moments, links, outbox events
    _erasure_noted(case, subjects)
    transaction.on_commit(lambda: _files_delete(files))
    logger.info("retention: erased case %s (%s, %s)", reference, case.kind, case.status)
    return True


def _erasure_noted(case: Case, subjects: list[Subject]) -> None:
    """The one record of the erasure, about the people the case was about."""
    note(
        activity=RETENTION_ACTIVITY["id"],
        subjects=subjects,
        name="retention-erase",
        attributes={"casehandling.case_reference": case.reference},
    )


def _files_delete(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


@dataclass
class RetentionRun:
    due: list[Due]
    erased: int = 0


def retention_run(*, dry_run: bool = False, today: datetime.date | None = None) -> RetentionRun:
    """Erase every case past its period (or, ``dry_run``, only list them)."""
    run = RetentionRun(due=list(retention_due(today)))
    if dry_run:
        return run
    for due in run.due:
        run.erased += case_erase(due.reference)
    logger.info("retention: %s of %s due erased", run.erased, len(run.due))
    return run
