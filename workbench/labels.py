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


def _labels(choices: type[models.TextChoices]) -> dict[str, object]:
    # Each choice's lazy label, looked up once per class: ``choices.values`` builds a new
    # list at every call, which a queue page of 25 rows asked for a hundred times.
    found = _KNOWN.get(choices)
    if found is None:
        found = _KNOWN[choices] = {member.value: member.label for member in choices}
    return found


_KNOWN: dict[type[models.TextChoices], dict[str, object]] = {}


def label(group: str, code: object) -> str:
    """``label("outcome", "no_answer")`` -> "geen gehoor" (in the active language). A code
    no choice knows is shown as it is."""
    choices = CHOICES.get(group)
    text = _labels(choices).get(code) if choices is not None else None
    if text is not None:
        return str(text)
    return "" if code is None else str(code)


def status_label(kind: str, status: str) -> str:
    workflow = WORKFLOWS.get(kind)
    text = _labels(workflow.states).get(status) if workflow is not None else None
    return str(text) if text is not None else status
