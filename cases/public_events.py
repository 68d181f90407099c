"""The case file's events other systems may subscribe to (webhooks), registered with the
platform's catalogue in ``CasesConfig.ready()``: each names its case by reference and
points to the resource to read (``dataref``). ``letter.requested`` is internal."""

from django.utils.translation import gettext_lazy as _

from backend.outbox.models import OutboxMessage
from backend.webhooks.catalogue import EventType
from cases import events
from cases.api.step_links import case_path


def _reference(message: OutboxMessage) -> str:
    return message.payload["reference"]


def _case(message: OutboxMessage) -> str:
    return case_path("case-detail", message.payload["reference"])


def _letter(message: OutboxMessage) -> str:
    case = case_path("case-detail", message.payload["reference"])
    return f"{case}/letters/{message.payload['letter']}"


DESCRIPTIONS = {
    events.CASE_FILED: (_("A complaint or objection was filed."), _case),
    events.CASE_STEP_TAKEN: (_("A workflow step was taken (data: step, before, after)."), _case),
    events.DEADLINE_WARNING: (_("A legal or service term ends soon."), _case),
    events.DEADLINE_MISSED: (_("A term passed unmet and was escalated."), _case),
    events.PENALTY_RUNNING: (_("A penalty payment for a late decision accrues (Awb 4:17)."), _case),
    events.LETTER_CREATED: (_("A letter was made."), _letter),
    events.LETTER_SENT: (_("A letter went out for the first time."), _letter),
}

PUBLIC = tuple(
    EventType(topic=topic, description=description, subject=_reference, dataref=dataref)
    for topic, (description, dataref) in DESCRIPTIONS.items()
)
