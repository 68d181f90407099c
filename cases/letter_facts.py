"""What a letter states about its case, as it was right after the step that asked for it.

A letter is rendered after the step's transaction commits (the letters consumer), and
may be rendered again later (dated again, previewed). A later step - a postponement a
second afterwards, a hearing moved, a reason edited - must never change what an earlier
letter says. So the step's transaction takes these facts with the letter request
(``cases.workflows.effects.letter_request``) and the letter is rendered from them:
``facts_take`` writes them, ``facts_read`` gives them back as the objects the templates
read. Who the letter goes to (the address) stays live: a letter reaches the resident
where they live when it is sent.

Only values the case itself holds are taken; names of people who are not a party (the
handler) are taken by display name only.
"""

import copy
import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from backend.domain import as_json_value
from cases.models import Attachment, Case, DeadlineKind

FACTS_VERSION = 1
# What of the case itself a letter can state.
_CASE_FIELDS = ("subject", "description", "received_at", "closed_at")
# The due dates letters name: the newest deadline of each kind.
_DEADLINE_KINDS = (
    DeadlineKind.FIRST_CONTACT,
    DeadlineKind.COMPLAINT_HANDLING,
    DeadlineKind.OBJECTION_DECISION,
)


def _details(case: Case) -> models.Model:
    return case.complaint if case.kind == "complaint" else case.objection


def _plain_fields(instance: models.Model) -> list[models.Field]:
    """The instance's own values (no relations: who they point to is read live)."""
    return [
        field
        for field in instance._meta.concrete_fields
        if not field.is_relation and not field.primary_key
    ]


def facts_take(case: Case) -> dict[str, Any]:
    """The facts, as JSON, of ``case`` as it is now (in the step's transaction)."""
    details = _details(case)
    newest: dict[str, str] = {}
    for kind, due in (
        case.deadlines.filter(kind__in=_DEADLINE_KINDS)
        .order_by("-created_at", "-id")
        .values_list("kind", "due_date")
    ):
        newest.setdefault(kind, due.isoformat())
    return {
        "version": FACTS_VERSION,
        "taken_at": as_json_value(timezone.now()),
        "case": {name: as_json_value(getattr(case, name)) for name in _CASE_FIELDS},
        "details": {
            field.name: as_json_value(field.value_from_object(details))
            for field in _plain_fields(details)
        },
        "deadlines": newest,
        "handler": case.assignee.display_name if case.assignee_id else "",
        # Files nobody may open (infected) are not named as sent along.
        "attachments": list(
            case.attachments.exclude(scan_status=Attachment.ScanStatus.INFECTED)
            .order_by("uploaded_at", "id")
            .values_list("id", "filename")
        ),
    }


@dataclass(frozen=True)
class CaseFacts:
    """The case and its details as they were (copies: never saved), and what a letter
    says about them."""

    case: Case
    details: models.Model
    deadlines: dict[str, datetime.date]
    handler: str
    attachments: list[tuple[int, str]]
    taken_at: datetime.datetime | None

    def due(self, kind: DeadlineKind) -> datetime.date | None:
        return self.deadlines.get(kind)


def _restored(
    instance: models.Model, values: dict[str, Any], fields: list[models.Field]
) -> models.Model:
    frozen = copy.copy(instance)  # Django copies its field cache with it
    by_name = {field.name: field for field in fields}
    for name, value in values.items():
        field = by_name.get(name)
        if field is not None:  # a field removed since: nothing to show
            # Past the field's descriptor: a copy is never saved, and some fields
            # (the workflow's status) refuse being set directly.
            frozen.__dict__[field.attname] = field.to_python(value)
    return frozen


def facts_read(case: Case, facts: dict[str, Any] | None) -> CaseFacts:
    """The facts a letter is rendered from: those taken with its request, or - for a
    request made before facts were taken - the case as it is now."""
    if not facts:
        facts = facts_take(case)
    case_fields = [case._meta.get_field(name) for name in _CASE_FIELDS]
    details = _details(case)
    return CaseFacts(
        case=_restored(case, facts["case"], case_fields),
        details=_restored(details, facts["details"], _plain_fields(details)),
        deadlines={
            kind: datetime.date.fromisoformat(due) for kind, due in facts["deadlines"].items()
        },
        handler=facts["handler"],
        attachments=[(pk, name) for pk, name in facts["attachments"]],
        taken_at=datetime.datetime.fromisoformat(facts["taken_at"]),
    )
