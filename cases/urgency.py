"""How urgent a case is, as a traffic light: the one rule the workbench's queue and case
page show.

Working days are the municipality's (``norm_calendar``): the days a handler can act.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from cases.deadlines import norm_calendar


class DueSignal(StrEnum):
    OVERDUE = "overdue"  # red: the date has passed
    SOON = "soon"  # orange: at most WORKBENCH_DUE_SOON_DAYS working days left
    ON_TRACK = "on_track"  # green
    NONE = "none"  # closed, or nothing due


@dataclass(frozen=True)
class Due:
    date: datetime.date | None
    signal: DueSignal
    # Municipal working days after today up to the date; negative once overdue.
    days_left: int | None

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def due_state(due: datetime.date | None, today: datetime.date, *, is_open: bool = True) -> Due:
    if due is None or not is_open:
        return Due(due, DueSignal.NONE, None)
    left = norm_calendar().working_days_between(today, due)
    if due < today:
        signal = DueSignal.OVERDUE
    elif left <= settings.WORKBENCH_DUE_SOON_DAYS:
        signal = DueSignal.SOON
    else:
        signal = DueSignal.ON_TRACK
    return Due(due, signal, left)
