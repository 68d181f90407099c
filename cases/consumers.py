"""This app as an outbox consumer: what the case file must record when a letter goes out.

The letters app says so by an event (``letter.sent``), never by calling in here: the
decision on an objection being sent ends a running penalty payment (Awb 4:17(1)).
Registered in ``CasesConfig.ready()``.
"""

import datetime

from backend.outbox.consumers import Consumer
from backend.outbox.models import OutboxMessage
from cases import events
from cases.dispatch import ADDRESSEE
from cases.penalties import DECISION_LETTER, objection_decision_sent


def letter_sent_handle(message: OutboxMessage) -> None:
    data = message.payload
    if data["letterKind"] == DECISION_LETTER and data["recipient"] == ADDRESSEE:
        objection_decision_sent(case=message.case, on=datetime.date.fromisoformat(data["sentOn"]))


CASE_FILE = Consumer(
    name="case-file",
    topics=frozenset({events.LETTER_SENT}),
    handle=letter_sent_handle,
    # Recording a date fails only if the database does; retried soon, for an hour or so.
    retry_after=datetime.timedelta(seconds=30),
)
