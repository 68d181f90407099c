"""What each complaint step sets in motion, in the same transaction as the step:
deadlines (through the deadline services), letter requests (outbox) and nothing else.
The letters issue renders the requested letters from the outbox."""

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from backend.accounts.models import User
from backend.outbox.services import outbox_publish
from cases import deadlines
from cases.models import Case, CaseEvent, Deadline, DeadlineKind, DeadlineState
from cases.workflows.complaint import Complaint

# Who a letter goes to (letters.recipients): the complainant (or their representative)
# and the person complained about.
PERSON = "person_complained_about"
BOTH = ["complainant", PERSON]

Effect = Callable[[Complaint, dict[str, Any], User, CaseEvent], None]


def open_deadline(case: Case, kind: DeadlineKind) -> Deadline | None:
    return case.deadlines.filter(
        kind=kind, state__in=[DeadlineState.RUNNING, DeadlineState.SUSPENDED]
    ).first()


def _meet(case: Complaint, kind: DeadlineKind, by: User, reason: str) -> None:
    deadline = open_deadline(case, kind)
    if deadline is not None:
        deadlines.deadline_meet(deadline=deadline, by=by, reason=reason)


def letter_request(case: Case, event: CaseEvent, letter: str, **payload: Any) -> None:
    outbox_publish(
        topic="letter.requested",
        payload={"case": case.reference, "letter": letter, "event": event.pk, **payload},
        dedup_key=f"{case.reference}:{letter}:{event.pk}",
        case=case,
    )


def close_open_deadlines(case: Complaint, by: User, reason: str) -> None:
    """A closed case has no running term (the sweep must not chase it)."""
    for deadline in case.deadlines.filter(
        state__in=[DeadlineState.RUNNING, DeadlineState.SUSPENDED]
    ):
        deadlines.deadline_cancel(deadline=deadline, by=by, reason=reason)


def confirm_receipt(case: Complaint, data: dict, by: User, event: CaseEvent) -> None:
    _meet(case, DeadlineKind.RECEIPT_CONFIRMATION, by, "receipt confirmed (Awb 9:6)")
    letter_request(case, event, "complaint_receipt")


def resolve_informally(case: Complaint, data: dict, by: User, event: CaseEvent) -> None:
    _meet(case, DeadlineKind.FIRST_CONTACT, by, "resolved in conversation")
    _meet(case, DeadlineKind.COMPLAINT_HANDLING, by, "resolved informally (Awb 9:5)")
    close_open_deadlines(case, by, "resolved informally (Awb 9:5)")
    letter_request(case, event, "complaint_informal_resolution")


def start_formal_handling(case: Complaint, data: dict, by: User, event: CaseEvent) -> None:
    letter_request(  # Awb 9:9
        case, event, "complaint_copy_to_person_complained_about", recipients=[PERSON]
    )


def plan_hearing(case: Complaint, data: dict, by: User, event: CaseEvent) -> None:
    # 9:10(1): the complainant and the person complained about are both heard.
    letter_request(case, event, "complaint_hearing_invitation", recipients=BOTH)


def involve_committee(case: Complaint, data: dict, by: User, event: CaseEvent) -> None:
    deadline = open_deadline(case, DeadlineKind.COMPLAINT_HANDLING)
    if deadline is not None:
        deadlines.deadline_extend(
            deadline=deadline,
            by=by,
            reason=f"advisory committee: {data['name']} (Awb 9:11(1))",
            with_committee=True,
        )


def extend_term(case: Complaint, data: dict, by: User, event: CaseEvent) -> None:
    deadline = open_deadline(case, DeadlineKind.COMPLAINT_HANDLING)
    if deadline is None:
        return
    first = case.complaint.extensions == 1
    name = "extension_weeks" if first else "consented_weeks"
    weeks = data["weeks"] + (0 if first else int(deadline.params.get("consented_weeks", 0)))
    deadlines.deadline_extend(
        deadline=deadline,
        by=by,
        reason=data["reason"],
        letter_reference=f"{case.reference}:complaint_extension_notice:{event.pk}",
        **{name: weeks},
    )
    deadline.refresh_from_db()
    letter_request(
        case,
        event,
        "complaint_extension_notice",
        new_due_date=deadline.due_date.isoformat(),
        # 9:11(2): the complainant and the person complained about are both told.
        recipients=BOTH,
    )


def record_outcome(case: Complaint, data: dict, by: User, event: CaseEvent) -> None:
    _meet(case, DeadlineKind.COMPLAINT_HANDLING, by, "outcome sent (Awb 9:12)")
    close_open_deadlines(case, by, "outcome sent")
    letter_request(case, event, "complaint_outcome")


def not_handle(case: Complaint, data: dict, by: User, event: CaseEvent) -> None:
    close_open_deadlines(case, by, f"not handled (Awb 9:8): {data['ground']}")
    # 9:8(2): the notice goes out at the latest 4 weeks after receipt.
    received = timezone.localtime(case.received_at).date()
    notice_due = deadlines.term_compute("complaint-not-handled-notice", received).end_date
    letter_request(
        case,
        event,
        "complaint_not_handled_notice",
        ground=data["ground"],
        notice_due=notice_due.isoformat(),
        on_time=timezone.localdate() <= notice_due,
    )


def forward(case: Complaint, data: dict, by: User, event: CaseEvent) -> None:
    close_open_deadlines(case, by, f"forwarded to {data['to']}")


def withdraw(case: Complaint, data: dict, by: User, event: CaseEvent) -> None:
    close_open_deadlines(case, by, "withdrawn by the complainant")


EFFECTS: dict[str, Effect] = {
    "confirm_receipt": confirm_receipt,
    "resolve_informally": resolve_informally,
    "start_formal_handling": start_formal_handling,
    "plan_hearing": plan_hearing,
    "involve_committee": involve_committee,
    "extend_term": extend_term,
    "record_outcome": record_outcome,
    "not_handle": not_handle,
    "forward": forward,
    "withdraw": withdraw,
}
