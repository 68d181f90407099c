"""The resident's tracking link: follow one case without an account.

Filing makes a link (its key shown once, in the filing's answer); the key is stored as
its SHA-256 only. Whoever holds it reads the case's status in plain language, the next
step and its date and the letters addressed to them, adds information or attachments,
withdraws the case (the workflow's own withdraw step) and rates the handling once it is
closed. It reaches that one case and nothing else; an unknown, revoked or expired key
is answered exactly as an unknown one (404), after the same single indexed lookup. A
link lasts while the case is open and ``TRACKING_DAYS_AFTER_CLOSING`` days after it
closed.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    DeadlineKind,
    DeadlineState,
    EventKind,
    Satisfaction,
)
from cases.services import NewAttachment, attachments_store, case_rate
from cases.workflows import service as workflow

# What a resident reads for each state: the phase, in plain language (B1). A test holds
# every state of both workflows to a phase.
PHASES: dict[str, dict[str, str]] = {
    CaseKind.COMPLAINT: {
        "received": "received",
        "awaiting_contact": "contact",
        "written_contact": "in_writing",
        "formal_handling": "handling",
        "hearing_planned": "hearing",
        "hearing_done": "deciding",
        "resolved_informally": "solved",
        "closed": "answered",
        "not_handled": "not_handled",
        "forwarded": "forwarded",
        "withdrawn": "withdrawn",
    },
    CaseKind.OBJECTION: {
        "received": "received",
        "admissibility_check": "checking",
        "repair_requested": "repair",
        "premature_hold": "on_hold",
        "informal_contact": "contact",
        "formal_handling": "handling",
        "hearing_planned": "hearing",
        "heard": "deciding",
        "decision_drafted": "deciding",
        "decided": "decided",
        "closed": "decided",
        "withdrawn": "withdrawn",
    },
}
PHASE_TEXT = {
    "received": _("We have received it. We will contact you soon."),
    "contact": _("We want to talk to you about it. We will call you."),
    "in_writing": _("We are handling it in writing, as agreed with you."),
    "checking": _("We are checking whether we can handle your objection."),
    "repair": _("We asked you for more information. Please send it before the date in our letter."),
    "on_hold": _("We are waiting for the decision you object to. Then we will handle it."),
    "handling": _("We are looking into it."),
    "hearing": _("We have invited you to tell your side of the story (a hearing)."),
    "deciding": _("We are writing our answer."),
    "solved": _("We solved it together with you. You got a letter about it."),
    "answered": _("We have answered you in a letter."),
    "decided": _("We have decided. You got our decision in a letter."),
    "not_handled": _("We do not handle it. Our letter says why."),
    "forwarded": _("We sent it on to the organisation that handles it."),
    "withdrawn": _("You withdrew it. We stopped handling it."),
}
NEXT_TEXT = {
    DeadlineKind.FIRST_CONTACT: _("We call you"),
    DeadlineKind.RECEIPT_CONFIRMATION: _("You get a letter that we received it"),
    DeadlineKind.COMPLAINT_HANDLING: _("You get our answer"),
    DeadlineKind.NOT_HANDLED_NOTICE: _("You hear whether we handle it"),
    DeadlineKind.OBJECTION_DECISION: _("You get our decision"),
}


@dataclass(frozen=True)
class NextStep:
    what: str
    by: datetime.date


@dataclass(frozen=True)
class Tracking:
    reference: str
    kind: str
    phase: str
    status_text: str
    next_step: NextStep | None
    handler: str  # a first name, or ""
    closed: bool
    may_withdraw: bool
    may_rate: bool


def tracking_view(case: Case) -> Tracking:
    phase = PHASES[case.kind][str(case.status)]
    soonest = (
        case.deadlines.filter(state=DeadlineState.RUNNING, kind__in=list(NEXT_TEXT))
        .order_by("due_date", "id")
        .first()
    )
    shown = settings.TRACKING_SHOW_HANDLER_FIRST_NAME and case.assignee is not None
    return Tracking(
        reference=case.reference,
        kind=case.kind,
        phase=phase,
        status_text=str(PHASE_TEXT[phase]),
        next_step=(NextStep(str(NEXT_TEXT[soonest.kind]), soonest.due_date) if soonest else None),
        handler=case.assignee.first_name if shown else "",
        closed=case.closed_at is not None,
        may_withdraw="withdraw" in workflow.steps_open_to(workflow.Taker.FILER, case),
        may_rate=(
            case.closed_at is not None and not Satisfaction.objects.filter(case=case).exists()
        ),
    )


@transaction.atomic
def tracking_add_information(
    *, case: Case, text: str, attachments: Sequence[NewAttachment]
) -> CaseEvent:
    """What the resident adds: on the timeline for the handler, files as attachments."""
    if case.closed_at is not None:
        raise ValidationError({"text": gettext("This case is closed; call us if you need to.")})
    if not text.strip() and not attachments:
        raise ValidationError({"text": gettext("Write what you want to add, or attach a file.")})
    stored = attachments_store(case=case, attachments=attachments, by=None)
    return CaseEvent.objects.create(
        case=case,
        kind=EventKind.NOTE,
        text=f"Information from the resident (tracking link): {text.strip()}",
        data={"from": "resident", "attachments": [each.pk for each in stored]},
    )


def tracking_withdraw(*, case: Case, reason: str) -> Case:
    """The resident withdraws: the workflow's withdraw step, taken as the filer."""
    return workflow.case_transition(
        case=case,
        name="withdraw",
        data={"reason": reason},
        by=None,
        taken_as=workflow.Taker.FILER,
    )


def tracking_rate(*, case: Case, rating: int, comment: str) -> Satisfaction:
    return case_rate(case=case, rating=rating, comment=comment, by=None)
