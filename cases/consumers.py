"""This app as an outbox consumer, registered in ``CasesConfig.ready()``.

- ``case-file``: what the case file must record when a letter goes out. The letters app
  says so by an event (``letter.sent``), never by calling in here: the decision on an
  objection being sent ends a running penalty payment (Awb 4:17(1)).
- ``receipts``: a digital filing (web form, integration; ``AUTO_RECEIPT_CHANNELS``) has
  its receipt confirmed by the service itself right after filing (Awb 6:14, 9:6) - the
  workflow's own step, so the letter and the terms follow as when a handler takes it. A
  resident who files on a Friday evening does not wait for a handler; phone, counter,
  post and e-mail filings keep the handler's step.
"""

import datetime
import logging

from django.conf import settings

from backend.domain import DomainConflict
from backend.outbox.consumers import Consumer
from backend.outbox.models import OutboxMessage
from cases import events
from cases.dispatch import ADDRESSEE
from cases.penalties import DECISION_LETTER, objection_decision_sent
from cases.workflows import service as workflow

logger = logging.getLogger(__name__)

RECEIVED = "received"  # both workflows' first state


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


def _filed_digitally(message: OutboxMessage) -> bool:
    return message.payload.get("channel") in settings.AUTO_RECEIPT_CHANNELS


def receipt_confirm(message: OutboxMessage) -> None:
    case = message.case
    if str(case.status) != RECEIVED:
        return  # a handler confirmed it already, or the case moved on
    try:
        workflow.case_transition(
            case=case,
            name="confirm_receipt",
            data={},
            by=None,
            taken_as=workflow.Taker.SYSTEM,
        )
    except DomainConflict:
        # Confirmed by a handler between the read above and the step's row lock.
        logger.info("Receipt of case %s was confirmed meanwhile", case.pk)


RECEIPTS = Consumer(
    name="receipts",
    topics=frozenset({events.CASE_FILED}),
    handle=receipt_confirm,
    wants_now=_filed_digitally,
    # Within a minute (the periodic relay run) is soon enough for a receipt, and a filing
    # then sends nothing to the broker for it.
    start_after_commit=False,
    retry_after=datetime.timedelta(seconds=30),
)
