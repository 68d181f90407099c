"""The case file's events, as other systems and apps hear of them through the outbox.

Each is published in the transaction of the change it reports. Payloads are minimal and
carry no personal data (a reference, a kind, a step, dates): a consumer that needs more
reads the resource. Topic names are a contract (webhooks publish them): add, never
rename. The letters app publishes the ``letter.*`` topics with the builders here, so a
consumer of them (this app's, ``cases.consumers``) and the publisher share one spelling.
"""

import datetime
from typing import Any

from backend.outbox.models import OutboxMessage
from cases.models import Case, CaseEvent, Deadline, DeadlineNotification

CASE_FILED = "case.filed"
CASE_STEP_TAKEN = "case.step_taken"
DEADLINE_WARNING = "deadline.warning"
DEADLINE_MISSED = "deadline.missed"
PENALTY_RUNNING = "penalty.running"
LETTER_CREATED = "letter.created"
LETTER_SENT = "letter.sent"

TOPICS = (
    CASE_FILED,
    CASE_STEP_TAKEN,
    DEADLINE_WARNING,
    DEADLINE_MISSED,
    PENALTY_RUNNING,
    LETTER_CREATED,
    LETTER_SENT,
)


def _event(topic: str, case: Case, key: object, data: dict[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        topic=topic,
        case=case,
        dedup_key=f"{topic}:{key}",
        payload={"reference": case.reference, "kind": case.kind, **data},
    )


def case_filed(case: Case) -> OutboxMessage:
    return _event(CASE_FILED, case, case.pk, {"channel": case.channel, "status": case.status})


def case_step_taken(case: Case, event: CaseEvent) -> OutboxMessage:
    """One per timeline entry of a step: ``before``/``after`` are the workflow states."""
    status = event.data["status"]
    return _event(
        CASE_STEP_TAKEN,
        case,
        event.pk,
        {"step": event.data["step"], "before": status["before"], "after": status["after"]},
    )


def _deadline_data(deadline: Deadline) -> dict[str, Any]:
    return {"deadline": deadline.kind, "dueDate": deadline.due_date.isoformat()}


def deadline_warning(notification: DeadlineNotification) -> OutboxMessage:
    deadline = notification.deadline
    return _event(
        DEADLINE_WARNING,
        deadline.case,
        notification.pk,
        {**_deadline_data(deadline), "workingDaysBefore": notification.days_before},
    )


def deadline_missed(notification: DeadlineNotification) -> OutboxMessage:
    deadline = notification.deadline
    return _event(DEADLINE_MISSED, deadline.case, notification.pk, _deadline_data(deadline))


def penalty_running(
    case: Case, notification: DeadlineNotification, *, day: int, amount: str
) -> OutboxMessage:
    """A penalty payment for a late decision accrues (Awb 4:17): once per penalty day."""
    return _event(
        PENALTY_RUNNING, case, notification.pk, {"penaltyDay": day, "amountSoFar": amount}
    )


def letter_created(case: Case, *, letter: int, kind: str, recipient: str) -> OutboxMessage:
    return _event(
        LETTER_CREATED, case, letter, {"letter": letter, "letterKind": kind, "recipient": recipient}
    )


def letter_sent(
    case: Case, *, letter: int, kind: str, recipient: str, channel: str, on: datetime.date
) -> OutboxMessage:
    """The first sending of a letter (e-mailed, or its print batch posted); a resend of
    the same letter is not a new event - its terms ran from the first."""
    return _event(
        LETTER_SENT,
        case,
        letter,
        {
            "letter": letter,
            "letterKind": kind,
            "recipient": recipient,
            "channel": channel,
            "sentOn": on.isoformat(),
        },
    )
