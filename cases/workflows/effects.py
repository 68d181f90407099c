"""What steps of every kind set in motion: deadlines through the deadline services and
letter requests through the outbox, in the same transaction as the step."""

from typing import Any

from backend.accounts.models import User
from backend.outbox.services import outbox_publish
from cases import deadlines, letter_facts
from cases.models import Case, CaseEvent, Deadline, DeadlineKind, DeadlineState

OPEN_DEADLINE_STATES = [DeadlineState.RUNNING, DeadlineState.SUSPENDED]


def open_deadline(case: Case, kind: DeadlineKind) -> Deadline | None:
    return case.deadlines.filter(kind=kind, state__in=OPEN_DEADLINE_STATES).first()


def deadline_meet_open(case: Case, kind: DeadlineKind, by: User, reason: str) -> None:
    """The case's open deadline of this kind is met, if it has one."""
    deadline = open_deadline(case, kind)
    if deadline is not None:
        deadlines.deadline_meet(deadline=deadline, by=by, reason=reason)


def close_open_deadlines(case: Case, by: User, reason: str) -> None:
    """A closed case has no running term (the sweep must not chase it)."""
    for deadline in case.deadlines.filter(state__in=OPEN_DEADLINE_STATES):
        deadlines.deadline_cancel(deadline=deadline, by=by, reason=reason)


def extension_split(
    weeks: int, *, first: bool, params: dict[str, Any], names: tuple[str, str], cap: int
) -> dict[str, int]:
    """A term's new extension parameters: the first extension up to the statutory cap
    (9:11(2), 7:10(3)) and anything beyond it, or any later one, as the further extension
    with consent (``names``: the capped and the further parameter)."""
    capped, further = names
    already = int(params.get(further, 0))
    if first:
        return {capped: min(weeks, cap), further: already + max(weeks - cap, 0)}
    return {further: already + weeks}


def letter_request(case: Case, event: CaseEvent, letter: str, **payload: Any) -> None:
    """Ask for a letter (rendered by the letters app from the outbox), once per step, with
    the case's facts as they are now: each effect asks last, after its own changes, so the
    letter states the case as the step left it (``cases.letter_facts``)."""
    outbox_publish(
        topic="letter.requested",
        payload={
            "case": case.reference,
            "letter": letter,
            "event": event.pk,
            **payload,
            "facts": letter_facts.facts_take(case),
        },
        dedup_key=f"{case.reference}:{letter}:{event.pk}",
        case=case,
    )
