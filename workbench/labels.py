"""The words a person reads for the codes the API speaks: each enumerated value's label,
translated, taken from the choices the models and workflows declare (never spelt again
here)."""

from django.db import models

from cases.models import (
    CaseKind,
    Channel,
    ContactMomentChannel,
    ContactOutcome,
    ContactTime,
    DeadlineKind,
    DeadlineState,
    EventKind,
    PartyRole,
)
from cases.workflows.registry import WORKFLOWS

CHOICES: dict[str, type[models.TextChoices]] = {
    "kind": CaseKind,
    "channel": Channel,
    "contact_channel": ContactMomentChannel,
    "outcome": ContactOutcome,
    "time": ContactTime,
    "deadline": DeadlineKind,
    "deadline_state": DeadlineState,
    "event": EventKind,
    "party_role": PartyRole,
}


def label(group: str, code: object) -> str:
    """``label("outcome", "no_answer")`` -> "geen gehoor" (in the active language). A code
    no choice knows is shown as it is."""
    choices = CHOICES.get(group)
    if choices is not None and code in choices.values:
        return str(choices(code).label)
    return "" if code is None else str(code)


def status_label(kind: str, status: str) -> str:
    workflow = WORKFLOWS.get(kind)
    if workflow is not None and status in workflow.states.values:
        return str(workflow.states(status).label)
    return status
