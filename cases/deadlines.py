"""Deadline services: start, extend, suspend, resume, meet and cancel terms on a case.

The workflows call these; each runs in one transaction, records the change in the
deadline's history and the case timeline, and keeps the case's queue due date current.
Due dates always come from the pure term functions in ``cases.legal`` (legal terms, with
the Algemene termijnenwet) or from the municipality's working-day calendar (service norms).
"""

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from backend.accounts.models import User
from backend.db_rows import rows_insert_together
from backend.domain import DomainConflict, as_json_value
from backend.versioned_cache import Versioned
from cases.legal.calendar import LegalCalendar, ServiceNormCalendar, Step
from cases.legal.terms import (
    TERMS,
    Interpretation,
    TermResult,
    decision_term_counted_from,
    suspension_days,
)
from cases.models import (
    NO_DUE_DATE,
    OPEN_DEADLINE_STATES,
    Case,
    CaseEvent,
    CaseKind,
    ClosingDay,
    Deadline,
    DeadlineChange,
    DeadlineChangeKind,
    DeadlineKind,
    DeadlineState,
    DecreeDay,
    EventKind,
)
from cases.selectors import rows_written

logger = logging.getLogger(__name__)

SERVICE_NORM_TERM = "service-norm"


# Terms whose function takes the municipality's interpretation of unsettled points.
_INTERPRETED = {"objection-decision", "complaint-handling"}


def interpretation() -> Interpretation:
    """The configured reading of unsettled points (settings.LEGAL_INTERPRETATION)."""
    return Interpretation(**settings.LEGAL_INTERPRETATION)


def term_compute(
    term: str, start_date: datetime.date, cal: LegalCalendar | None = None, **params: Any
) -> TermResult:
    """A legal term with the live calendar (or ``cal``) and the configured interpretation."""
    if term in _INTERPRETED:
        params["interpretation"] = interpretation()
    return TERMS[term](start_date, cal or legal_calendar(), **params)


# Read on every filing, step and case page, changed a few times a year: kept per process,
# checked against a version each change bumps (backend/versioned_cache.py; the receivers
# are connected in CasesConfig.ready()).
legal_calendar_kept = Versioned(
    "calendar:legal",
    lambda: LegalCalendar(decree_days=dict(DecreeDay.objects.values_list("date", "name"))),
)
closing_days_kept = Versioned(
    "calendar:closing-days", lambda: dict(ClosingDay.objects.values_list("date", "name"))
)


def legal_calendar() -> LegalCalendar:
    """The Atw calendar with the decree days staff maintain in the admin."""
    return legal_calendar_kept.get()


def short_term_calendar() -> LegalCalendar | None:
    """The calendar for the postal week (6:9(2)) and the two-week terms of 4:17(3) and
    4:18: the Atw calendar, or None when the municipality counts them plainly
    (``Interpretation.atw_on_short_terms``)."""
    return legal_calendar() if interpretation().atw_on_short_terms else None


def norm_calendar() -> ServiceNormCalendar:
    """The municipality's working days, for service norms."""
    return _service_calendar("norm", closing_days_kept.get(), None)


def municipal_calendar() -> ServiceNormCalendar:
    """The days the municipality can set a date on (a repair term's end, a hearing, a
    pay-by date): not a Saturday, Sunday, holiday or decree day (Atw), nor a day it is
    closed."""
    return _service_calendar("municipal", closing_days_kept.get(), legal_calendar())


# Each made once for the closing days and Atw calendar it is made of (the objects the
# versioned caches keep), so the days it has worked out are kept with it: a new one per
# request worked out every day of every request again.
_service_calendars: dict[str, tuple[dict, LegalCalendar | None, ServiceNormCalendar]] = {}


def _service_calendar(
    name: str, closing_days: dict, national: LegalCalendar | None
) -> ServiceNormCalendar:
    kept = _service_calendars.get(name)
    if kept is not None and kept[0] is closing_days and kept[1] is national:
        return kept[2]
    calendar = ServiceNormCalendar(closing_days=closing_days, national=national)
    _service_calendars[name] = (closing_days, national, calendar)
    return calendar


def municipal_date(day: datetime.date) -> datetime.date:
    """``day`` if the municipality can set a date on it, otherwise the next day it can."""
    return municipal_calendar().next_working_day(day)


def ensure_municipal_day(field: str, day: datetime.date) -> None:
    """Refuse a date the municipality sets (a hearing) on a day it cannot: 400 on ``field``
    naming the day and the first one that can."""
    calendar = municipal_calendar()
    why = calendar.closed_because(day)
    if why is not None and day.weekday() >= 5:
        why = date_format(day, "l")  # the weekday in the caller's language
    first = calendar.next_working_day(day)
    if why is not None:
        raise ValidationError(
            {
                field: gettext(
                    "%(day)s is not a working day (%(why)s): choose a working day, e.g. %(next)s."
                )
                % {"day": day.isoformat(), "why": why, "next": first.isoformat()}
            }
        )


def years_without_decree(
    start: datetime.date, end: datetime.date, cal: LegalCalendar | None = None
) -> list[int]:
    """The years from ``start`` to ``end`` for which no decree day is entered (Atw art.
    3(3)); from ``cal``'s decree days when given, else from the database. Every decree so
    far equates at least the Friday after Ascension Day, so a year without any decree day
    is a year whose decree has not been entered yet."""
    years = set(range(start.year, end.year + 1))
    if cal is not None:
        entered = {day.year for day in cal.decree_days}
    else:
        entered = set(
            DecreeDay.objects.filter(date__year__in=years).values_list("date__year", flat=True)
        )
    return sorted(years - entered)


def decree_years_missing(today: datetime.date | None = None) -> list[int]:
    """The years without decree days that a running or suspended term already reaches."""
    today = today or timezone.localdate()
    latest = Deadline.objects.filter(state__in=OPEN_DEADLINE_STATES).aggregate(
        latest=Max("due_date")
    )["latest"]
    return years_without_decree(today, max(latest or today, today))


def _decree_check(
    term: str, start: datetime.date, end: datetime.date, cal: LegalCalendar
) -> list[Step]:
    missing = years_without_decree(start, end, cal)
    if not missing:
        return []
    years = ", ".join(str(year) for year in missing)
    # A log event for operations (no personal data: the term and the years only); legal
    # staff see the same warning in the admin's list of decree days.
    logger.warning(
        "decree_days_missing term=%s years=%s: enter the Atw decree for these years", term, years
    )
    return [
        Step(
            "atw-3(3)",
            f"no decree days are entered for {years} (Atw art. 3(3)): the date may move when "
            "the decree is entered",
        )
    ]


@dataclass(frozen=True)
class Computed:
    due_date: datetime.date
    legal_basis: str
    steps: list[Step]


def deadline_compute(
    *,
    term: str,
    start_date: datetime.date,
    params: dict[str, Any],
    norms: ServiceNormCalendar | None = None,
    legal: LegalCalendar | None = None,
) -> Computed:
    """The due date a term gives from its start and parameters (``norms``, ``legal``: the
    calendars, when the caller has read them already)."""
    if term == SERVICE_NORM_TERM:
        days = int(params["working_days"])
        due = (norms or norm_calendar()).add_working_days(start_date, days)
        return Computed(due, f"service norm: {days} working days", [])
    cal = legal or legal_calendar()  # one read of the decree days for term and check
    try:
        result = term_compute(term, start_date, cal, **params)
    except ValueError as error:
        raise ValidationError({"params": str(error)}) from error
    steps = [*result.steps, *_decree_check(term, start_date, result.end_date, cal)]
    return Computed(result.end_date, result.legal_basis, steps)


def _event_new(
    case: Case, kind: str, by: User | None, deadline: Deadline, **data: Any
) -> CaseEvent:
    return CaseEvent(
        case=case,
        kind=kind,
        actor=by,
        data={"deadline": deadline.kind, **{k: as_json_value(v) for k, v in data.items()}},
    )


def _event(case: Case, kind: str, by: User | None, deadline: Deadline, **data: Any) -> None:
    _event_new(case, kind, by, deadline, **data).save()


def cases_due_refresh(case_ids: Iterable[int]) -> None:
    """Each case's queue position follows its soonest running deadline (one UPDATE)."""
    soonest = (
        Deadline.objects.filter(case=OuterRef("pk"), state=DeadlineState.RUNNING)
        .order_by("due_date")
        .values("due_date")[:1]
    )
    Case.objects.filter(pk__in=list(case_ids)).update(
        queue_due_date=Coalesce(Subquery(soonest), Value(NO_DUE_DATE))
    )


def case_due_refresh(case: Case) -> None:
    cases_due_refresh([case.pk])


@transaction.atomic
def deadline_start(
    *,
    case: Case,
    kind: DeadlineKind,
    term: str,
    start_date: datetime.date,
    params: dict[str, Any] | None = None,
    is_norm: bool = False,
    by: User | None = None,
    reason: str = "",
) -> Deadline:
    """Start a term on a case. One open deadline per kind: a second start conflicts."""
    params = dict(params or {})
    computed = deadline_compute(term=term, start_date=start_date, params=params)
    if case.deadlines.filter(
        kind=kind, state__in=[DeadlineState.RUNNING, DeadlineState.SUSPENDED]
    ).exists():
        raise DomainConflict(
            gettext("A %(kind)s deadline is already running on this case.") % {"kind": kind}
        )
    deadline = _deadline_new(kind, term, start_date, params, is_norm, computed)
    deadline.case = case
    deadline.save()
    _started(deadline, by, reason).save()
    _event(case, EventKind.DEADLINE_STARTED, by, deadline, due_date=computed.due_date)
    case_due_refresh(case)
    return deadline


def _locked(deadline: Deadline, *states: str) -> Deadline:
    locked = Deadline.objects.select_for_update().select_related("case").get(pk=deadline.pk)
    if locked.state not in states:
        raise DomainConflict(
            gettext("This deadline is %(state)s; that does not allow this change.")
            % {"state": locked.state},
            state=locked.state,
        )
    return locked


@transaction.atomic
def deadline_extend(
    *,
    deadline: Deadline,
    by: User | None,
    reason: str,
    letter_reference: str = "",
    **param_changes: Any,
) -> Deadline:
    """Change a term's parameters (an extension, a committee, consent) and recompute.

    The term function enforces the legal caps (e.g. 9:11(2): one postponement of at most
    4 weeks) and an extension may not shorten the term.
    """
    if not reason.strip():
        raise ValidationError({"reason": gettext("Say why the term is extended.")})
    locked = _locked(deadline, DeadlineState.RUNNING, DeadlineState.SUSPENDED)
    params = {**locked.params, **param_changes}
    computed = deadline_compute(term=locked.term, start_date=locked.start_date, params=params)
    if computed.due_date < locked.due_date:
        raise ValidationError({"params": gettext("An extension cannot make the term shorter.")})
    before = locked.due_date
    locked.params, locked.due_date, locked.legal_basis = (
        params,
        computed.due_date,
        computed.legal_basis,
    )
    locked.save(update_fields=["params", "due_date", "legal_basis"])
    DeadlineChange.objects.create(
        deadline=locked,
        kind=DeadlineChangeKind.EXTENDED,
        by=by,
        reason=reason,
        letter_reference=letter_reference,
        due_before=before,
        due_after=computed.due_date,
        params=param_changes,
    )
    _event(
        locked.case,
        EventKind.DEADLINE_EXTENDED,
        by,
        locked,
        due_before=before,
        due_after=computed.due_date,
    )
    case_due_refresh(locked.case)
    return locked


@transaction.atomic
def deadline_suspend(
    *,
    deadline: Deadline,
    on: datetime.date,
    by: User | None,
    reason: str,
    letter_reference: str = "",
) -> Deadline:
    """Suspend a running term from the day after ``on`` (e.g. a repair request, 7:10(2))."""
    locked = _locked(deadline, DeadlineState.RUNNING)
    locked.state, locked.suspended_since = DeadlineState.SUSPENDED, on
    locked.save(update_fields=["state", "suspended_since"])
    DeadlineChange.objects.create(
        deadline=locked,
        kind=DeadlineChangeKind.SUSPENDED,
        by=by,
        reason=reason,
        letter_reference=letter_reference,
        due_before=locked.due_date,
    )
    _event(locked.case, EventKind.DEADLINE_SUSPENDED, by, locked, since=on)
    case_due_refresh(locked.case)
    return locked


@transaction.atomic
def deadline_resume(
    *, deadline: Deadline, on: datetime.date, by: User | None, reason: str
) -> Deadline:
    """Resume a suspended term on ``on``: the day the repair happened or the last day of
    the repair term that lapsed, never the day it is recorded.

    The days from the day after the suspension up to but not including ``on`` are added
    to the term (the default reading of 7:10(2), docs/legal.md); days before the term's first
    day only when the interpretation says so.
    """
    locked = _locked(deadline, DeadlineState.SUSPENDED)
    if on < locked.suspended_since:
        raise ValidationError({"on": gettext("The term cannot resume before it was suspended.")})
    paused = suspension_days(
        locked.suspended_since,
        on,
        interpretation(),
        term_starts=locked.start_date + datetime.timedelta(days=1),
    )
    params = {
        **locked.params,
        "suspended_days": int(locked.params.get("suspended_days", 0)) + paused,
    }
    computed = deadline_compute(term=locked.term, start_date=locked.start_date, params=params)
    before = locked.due_date
    locked.state, locked.suspended_since = DeadlineState.RUNNING, None
    locked.params, locked.due_date = params, computed.due_date
    locked.save(update_fields=["state", "suspended_since", "params", "due_date"])
    DeadlineChange.objects.create(
        deadline=locked,
        kind=DeadlineChangeKind.RESUMED,
        by=by,
        reason=reason,
        due_before=before,
        due_after=computed.due_date,
        params={"suspended_days": paused},
    )
    _event(
        locked.case,
        EventKind.DEADLINE_RESUMED,
        by,
        locked,
        paused_days=paused,
        due_after=computed.due_date,
    )
    case_due_refresh(locked.case)
    return locked


def _close(
    deadline: Deadline, state: DeadlineState, kind: DeadlineChangeKind, event: str,
    *, on: datetime.date, by: User | None, reason: str, also: tuple[str, ...] = (),
) -> Deadline:  # fmt: skip
    locked = _locked(deadline, DeadlineState.RUNNING, DeadlineState.SUSPENDED, *also)
    locked.state, locked.closed_on, locked.suspended_since = state, on, None
    locked.save(update_fields=["state", "closed_on", "suspended_since"])
    DeadlineChange.objects.create(
        deadline=locked, kind=kind, by=by, reason=reason, due_before=locked.due_date
    )
    _event(locked.case, event, by, locked, on=on, due_date=locked.due_date)
    case_due_refresh(locked.case)
    return locked


@transaction.atomic
def deadline_meet(
    *, deadline: Deadline, by: User | None, on: datetime.date | None = None, reason: str = ""
) -> Deadline:
    """The required step was taken (the letter went out, the decision was sent) on ``on``.

    A term the sweep marked missed can still be met on a day up to its due date: the step
    was taken in time and recorded late, and the record follows what happened.
    """
    on = on or timezone.localdate()
    also = (DeadlineState.MISSED,) if on <= deadline.due_date else ()
    return _close(
        deadline, DeadlineState.MET, DeadlineChangeKind.MET, EventKind.DEADLINE_MET,
        on=on, by=by, reason=reason, also=also,
    )  # fmt: skip


@transaction.atomic
def deadline_cancel(*, deadline: Deadline, by: User | None, reason: str) -> Deadline:
    """The term no longer applies (e.g. the objection was withdrawn)."""
    if not reason.strip():
        raise ValidationError({"reason": gettext("Say why the term no longer applies.")})
    return _close(
        deadline, DeadlineState.CANCELLED, DeadlineChangeKind.CANCELLED,
        EventKind.DEADLINE_CANCELLED, on=timezone.localdate(), by=by, reason=reason,
    )  # fmt: skip


def deadlines_for_new_case(
    *, case: Case, decision_date: datetime.date | None = None
) -> list[Deadline]:
    """The terms that start when a case is received, computed but not saved: the service
    norms and the legal term. The filing sets the case's queue position from them
    (``queue_due_date_of``) before it inserts the case, then ``deadlines_record`` writes
    them all at once.

    Complaint: handling term (9:11) from receipt. Objection (``decision_date``: of the
    decision objected to): decision term (7:10) from the day after the objection period
    (6:7) ended.
    """
    received = timezone.localtime(case.received_at).date()
    norms = settings.SERVICE_NORMS[str(case.kind)]
    calendar, legal = norm_calendar(), legal_calendar()
    starts: list[tuple[DeadlineKind, str, datetime.date, dict[str, Any], bool]] = [
        (kind, SERVICE_NORM_TERM, received, {"working_days": norms[kind]}, True)
        for kind in (DeadlineKind.RECEIPT_CONFIRMATION, DeadlineKind.FIRST_CONTACT)
    ]
    if case.kind == CaseKind.COMPLAINT:
        starts.append((DeadlineKind.COMPLAINT_HANDLING, "complaint-handling", received, {}, False))
    else:
        if decision_date is None:
            raise ValueError("An objection's terms need the date of the decision objected to.")
        counted_from = decision_counted_from(decision_date, received, legal)
        starts.append(
            (DeadlineKind.OBJECTION_DECISION, "objection-decision", counted_from, {}, False)
        )
    deadlines = []
    for kind, term, start_date, params, is_norm in starts:
        computed = deadline_compute(
            term=term, start_date=start_date, params=params, norms=calendar, legal=legal
        )
        deadlines.append(_deadline_new(kind, term, start_date, params, is_norm, computed))
    return deadlines


def _deadline_new(
    kind: DeadlineKind,
    term: str,
    start_date: datetime.date,
    params: dict[str, Any],
    is_norm: bool,
    computed: Computed,
) -> Deadline:
    return Deadline(
        kind=kind,
        is_norm=is_norm,
        term=term,
        params=params,
        start_date=start_date,
        due_date=computed.due_date,
        legal_basis=computed.legal_basis,
    )


def _started(deadline: Deadline, by: User | None, reason: str = "") -> DeadlineChange:
    """The history's first line of a term."""
    return DeadlineChange(
        deadline=deadline,
        kind=DeadlineChangeKind.STARTED,
        by=by,
        reason=reason,
        due_after=deadline.due_date,
        params=deadline.params,
    )


def queue_due_date_of(deadlines: Iterable[Deadline]) -> datetime.date:
    """A case's queue position: its soonest running term (as ``cases_due_refresh``)."""
    running = [d.due_date for d in deadlines if d.state == DeadlineState.RUNNING]
    return min(running, default=NO_DUE_DATE)


def deadlines_record(
    *,
    case: Case,
    deadlines: list[Deadline],
    by: User | None,
    events: Sequence[CaseEvent] = (),
    before: Sequence[Sequence[Model]] = (),
    together: Sequence[Sequence[Model]] = (),
    then: Sequence[tuple[str, list]] = (),
) -> list[Deadline]:
    """Write a new case's terms, their history and their timeline entries - one INSERT
    each, with ``events`` (the filing's own, all it has so far) in the same INSERT as the
    terms' entries, after ``before`` (the case and what the terms' rows come after) and
    with ``together`` (more new rows of the filing). When the terms have their keys
    already (``keys_reserve``) it is all one round trip; otherwise the terms' keys come
    back first. The case is new: no term runs on it yet, so there is nothing to check or
    to conflict with.
    """
    for deadline in deadlines:
        deadline.case = case
    groups = [*before, deadlines]
    if deadlines and deadlines[0].pk is None:
        rows_insert_together(*before, keyed=deadlines)
        groups = []
    changes = [_started(deadline, by) for deadline in deadlines]
    for deadline, change in zip(deadlines, changes, strict=True):
        rows_written(deadline, "changes", [change])
    entries = [
        *events,
        *(
            _event_new(case, EventKind.DEADLINE_STARTED, by, d, due_date=d.due_date)
            for d in deadlines
        ),
    ]
    rows_insert_together(*groups, changes, *together, keyed=entries, then=then)
    # These are all of the new case's timeline: its page shows them without a read back.
    rows_written(case, "events", entries)
    return deadlines


def decision_counted_from(
    decision_date: datetime.date, received: datetime.date, cal: LegalCalendar | None = None
) -> datetime.date:
    """The day an objection's decision term is counted from (Awb 7:10(1)), for a decision
    of ``decision_date`` objected to on ``received``, as the configured interpretation
    reads it (see ``decision_term_counted_from``)."""
    period = term_compute("objection-period", decision_date, cal)
    return decision_term_counted_from(period, received, interpretation())[0]
