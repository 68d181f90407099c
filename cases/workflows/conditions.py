"""Conditions both kinds share: what the phone-first route and the terms require before a
step. Each kind names the ones it uses in its own ``@step`` declarations."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, ContactOutcome, Deadline, DeadlineKind, DeadlineState
from cases.workflows.spec import condition

_OPEN = (DeadlineState.RUNNING, DeadlineState.SUSPENDED)


def had_conversation(case: Case) -> bool:
    """A conversation with the resident is logged (a contact moment: reached)."""
    return any(moment.outcome == ContactOutcome.REACHED for moment in case.contact_moments.all())


def failed_call_dayparts(case: Case) -> set[str]:
    """The times of day (``ContactMoment.daypart``) of the phone calls that did not get
    through."""
    return {
        moment.daypart
        for moment in case.contact_moments.all()
        if moment.channel == "phone" and moment.outcome != ContactOutcome.REACHED
    }


def _tried_at_different_times(case: Case) -> bool:
    return len(failed_call_dayparts(case)) >= settings.COMPLAINT_FAILED_CALLS


@condition(
    article="beleid: eerst bellen (COMPLAINT_FAILED_CALLS)",
    message=_("First try to call: enough failed calls, each at another time of day."),
)
def failed_attempts_at_different_times(case: Case) -> bool:
    """Enough failed calls, each at another time of day, to switch to writing."""
    return _tried_at_different_times(case)


@condition(
    article="beleid: Prettig contact met de overheid",
    message=_("A conversation with the resident is logged (a contact moment: reached)."),
)
def reached_in_conversation(case: Case) -> bool:
    """What a conversation led to can only be confirmed after one took place."""
    return had_conversation(case)


@condition(
    article="beleid: Prettig contact met de overheid (COMPLAINT_FAILED_CALLS)",
    message=_(
        "First call the resident: a logged conversation, or enough failed calls, each at "
        "another time of day."
    ),
)
def called_first(case: Case) -> bool:
    """The formal route follows a call, or calls that did not get through."""
    return had_conversation(case) or _tried_at_different_times(case)


def _term(case: Case, kind: DeadlineKind) -> Deadline | None:
    """The case's current term of this kind (not cancelled), newest first."""
    terms = [
        d for d in case.deadlines.all() if d.kind == kind and d.state != DeadlineState.CANCELLED
    ]
    return max(terms, key=lambda d: (d.created_at, d.pk), default=None)


def term_still_open(case: Case, kind: DeadlineKind, today: datetime.date | None = None) -> bool:
    """Whether the term runs (or is suspended) and has not passed its due date, whether or
    not the sweep has marked it missed yet."""
    term = _term(case, kind)
    if term is None or term.state not in _OPEN:
        return False
    today = today or timezone.localdate()
    return term.state == DeadlineState.SUSPENDED or today <= term.due_date


@condition(
    article="Awb 9:11(2)",
    message=_("The handling term has not expired: it can only be extended before it ends."),
)
def handling_term_not_expired(case: Case) -> bool:
    return term_still_open(case, DeadlineKind.COMPLAINT_HANDLING)


@condition(
    article="Awb 7:10(3), 7:13",
    message=_(
        "The decision term has not expired: it can only be postponed, or the committee "
        "involved, before it ends."
    ),
)
def decision_term_not_expired(case: Case) -> bool:
    return term_still_open(case, DeadlineKind.OBJECTION_DECISION)


def hearing_has_taken_place(case: Case, planned: datetime.datetime | None) -> bool:
    return planned is not None and timezone.now() >= planned
