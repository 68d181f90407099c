"""What each complaint step sets in motion, in the same transaction as the step:
deadlines (through the deadline services), letter requests (outbox) and nothing else.
The letters app renders the requested letters from the outbox. Each step names its
effect in ``cases.workflows.complaint``."""

from django.utils import timezone

from backend.accounts.models import User
from cases import deadlines
from cases.legal.terms import COMPLAINT_POSTPONEMENT_MAX_WEEKS
from cases.models import Case, CaseEvent, DeadlineKind
from cases.workflows.effects import (
    close_open_deadlines,
    deadline_meet_open,
    extension_split,
    letter_request,
    open_deadline,
)

# Who a letter goes to (letters.recipients): the complainant (or their representative)
# and the person complained about.
PERSON = "person_complained_about"
BOTH = ["complainant", PERSON]


def confirm_receipt(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    deadline_meet_open(case, DeadlineKind.RECEIPT_CONFIRMATION, by, "receipt confirmed (Awb 9:6)")
    letter_request(case, event, "complaint_receipt")


def resolve_informally(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    deadline_meet_open(case, DeadlineKind.FIRST_CONTACT, by, "resolved in conversation")
    deadline_meet_open(case, DeadlineKind.COMPLAINT_HANDLING, by, "resolved informally (Awb 9:5)")
    close_open_deadlines(case, by, "resolved informally (Awb 9:5)")
    letter_request(case, event, "complaint_informal_resolution")


def start_formal_handling(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    letter_request(  # Awb 9:9
        case, event, "complaint_copy_to_person_complained_about", recipients=[PERSON]
    )


def plan_hearing(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    # 9:10(1): the complainant and the person complained about are both heard.
    letter_request(case, event, "complaint_hearing_invitation", recipients=BOTH)


def involve_committee(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    deadline = open_deadline(case, DeadlineKind.COMPLAINT_HANDLING)
    if deadline is not None:
        deadlines.deadline_extend(
            deadline=deadline,
            by=by,
            reason=f"advisory committee: {data['name']} (Awb 9:11(1))",
            with_committee=True,
        )


def extend_term(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    deadline = open_deadline(case, DeadlineKind.COMPLAINT_HANDLING)
    if deadline is None:
        return
    deadlines.deadline_extend(
        deadline=deadline,
        by=by,
        reason=data["reason"],
        letter_reference=f"{case.reference}:complaint_extension_notice:{event.pk}",
        **extension_split(
            data["weeks"],
            first=case.complaint.extensions == 1,
            params=deadline.params,
            names=("extension_weeks", "consented_weeks"),
            cap=COMPLAINT_POSTPONEMENT_MAX_WEEKS,
        ),
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


def record_outcome(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    deadline_meet_open(case, DeadlineKind.COMPLAINT_HANDLING, by, "outcome sent (Awb 9:12)")
    close_open_deadlines(case, by, "outcome sent")
    letter_request(case, event, "complaint_outcome")


def not_handle(case: Case, data: dict, by: User, event: CaseEvent) -> None:
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


def forward(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    close_open_deadlines(case, by, f"forwarded to {data['to']}")


def withdraw(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    close_open_deadlines(case, by, "withdrawn by the complainant")
    letter_request(case, event, "complaint_withdrawal_confirmation")
