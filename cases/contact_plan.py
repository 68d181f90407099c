"""Phone first: when to try the next call, and when writing takes over.

The policy ("Prettig contact met de overheid") asks for a call before anything formal;
a call that does not get through is tried again at another time of day, and after
``COMPLAINT_FAILED_CALLS`` failed calls at different times of day the handler may switch
to writing. What the workbench shows a handler is read from the same rules the steps
check (``cases.workflows.conditions``), so the advice and the step never disagree.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings

from cases.models import (
    OPEN_DEADLINE_STATES,
    Case,
    ContactMoment,
    ContactOutcome,
    ContactTime,
    DeadlineKind,
)
from cases.workflows.conditions import failed_call_dayparts, had_conversation


@dataclass(frozen=True)
class CallPlan:
    reached: bool
    # Times of day already tried without getting through, in the day's order.
    tried: tuple[str, ...]
    # Failed calls at other times of day still needed before writing may take over.
    calls_needed: int
    # When to try next: the resident's preferred times not yet tried first, then any
    # time of day not yet tried. Empty once reached or every time of day was tried.
    next_times: tuple[str, ...]
    callback_at: datetime.datetime | None
    # The service norm for the first contact, when it still runs.
    first_contact_due: datetime.date | None

    @property
    def written_contact_possible(self) -> bool:
        return not self.reached and self.calls_needed == 0


def call_plan(case: Case, preferred: list[str] | None = None) -> CallPlan:
    """The plan for this case's calls (its contact moments and terms read as loaded)."""
    reached = had_conversation(case)
    failed = failed_call_dayparts(case)
    order = list(ContactTime.values)
    tried = tuple(time for time in order if time in failed)
    untried = [time for time in order if time not in failed]
    wanted = [time for time in (preferred or []) if time in untried]
    next_times = () if reached else tuple(wanted + [t for t in untried if t not in wanted])
    return CallPlan(
        reached=reached,
        tried=tried,
        calls_needed=max(0, settings.COMPLAINT_FAILED_CALLS - len(failed)),
        next_times=next_times,
        callback_at=_callback_requested(case),
        first_contact_due=next(
            (
                term.due_date
                for term in case.deadlines.all()
                if term.kind == DeadlineKind.FIRST_CONTACT and term.state in OPEN_DEADLINE_STATES
            ),
            None,
        ),
    )


def _callback_requested(case: Case) -> datetime.datetime | None:
    """The moment the resident asked to be called back at, when that was the last call."""
    moments: list[ContactMoment] = sorted(
        case.contact_moments.all(), key=lambda m: (m.occurred_at, m.pk or 0)
    )
    if not moments:
        return None
    last = moments[-1]
    if last.outcome != ContactOutcome.CALLBACK_REQUESTED or last.callback_at is None:
        return None
    return last.callback_at
