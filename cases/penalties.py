"""Penalty payments for a late objection decision (Awb 4:17-4:18 via 7:14).

The case shows whether a notice of default counts (received after the decision term
expired), the first penalty day, the days and amount accrued so far, the 42-day cap and
the two-week term to fix the amount by decision after the last day. The rules are the
pure functions of ``cases.legal.penalty``; this module applies them to a case.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from backend.accounts.models import User
from backend.domain import DomainConflict, ensure_not_in_future
from cases import deadlines
from cases.dispatch import letter_day
from cases.figures import figures_refresh
from cases.legal import penalty
from cases.legal.calendar import LegalCalendar
from cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    Deadline,
    DeadlineKind,
    DeadlineState,
    EventKind,
    NoticeOfDefault,
    ObjectionDetails,
    PenaltyDecision,
)
from cases.workflows.effects import letter_request

# Awb 4:87(1): a payment obligation is paid within six weeks after it arose.
PAY_WITHIN = datetime.timedelta(weeks=6)

# The letter whose first sending to the addressee ends a running penalty (Awb 4:17(1));
# its kind as the decision step requests it (a test holds the two equal).
DECISION_LETTER = "objection_decision"


@dataclass(frozen=True)
class PenaltyStatus:
    term_expired: datetime.date
    notice_received: datetime.date | None
    notice_counts: bool
    first_day: datetime.date | None
    last_day: datetime.date | None
    days: int
    amount: str
    cap_reached: bool
    accruing: bool
    fix_amount_by: datetime.date | None


def _decision_term(case: Case) -> Deadline | None:
    return (
        case.deadlines.filter(kind=DeadlineKind.OBJECTION_DECISION)
        .exclude(state=DeadlineState.CANCELLED)
        .order_by("-created_at")
        .first()
    )


def _sent_on(case: Case) -> datetime.date | None:
    """The day the decision was sent: the penalty runs up to and including it (4:17)."""
    return getattr(getattr(case, "objection", None), "decision_sent_on", None)


def penalty_status(case: Case, today: datetime.date | None = None) -> PenaltyStatus | None:
    """The penalty position of an objection, or None before any notice of default."""
    return penalty_status_on(case, today, deadlines.short_term_calendar())


def penalty_status_on(
    case: Case, today: datetime.date | None, cal: LegalCalendar | None
) -> PenaltyStatus | None:
    """``penalty_status`` with the calendar for the two-week terms given (None: counted
    plainly), so a caller looping over cases reads it once."""
    if case.kind != CaseKind.OBJECTION:
        return None
    notices = list(case.notices_of_default.all())
    # Most objections have no notice of default: their term is not read.
    term = _decision_term(case) if notices else None
    if term is None:
        return None
    today = today or timezone.localdate()
    expired = term.due_date
    counting = [n for n in notices if n.received_on > expired]
    notice = counting[0] if counting else notices[-1]
    first = penalty.penalty_first_day(expired, notice.received_on, cal) if counting else None
    decided = _sent_on(case)
    until = decided or today
    days = penalty.penalty_days(first, until) if first else 0
    last = first + datetime.timedelta(days=days - 1) if first and days else None
    amount = penalty.penalty_amount(days, notice.received_on) if days else None
    return PenaltyStatus(
        term_expired=expired,
        notice_received=notice.received_on,
        notice_counts=bool(counting),
        first_day=first,
        last_day=last,
        days=days,
        amount=f"{amount.total:.2f}" if amount else "0.00",
        cap_reached=days >= penalty.PENALTY_MAX_DAYS,
        accruing=bool(first) and decided is None and first <= today and days < 42,
        fix_amount_by=penalty.fix_amount_deadline(last, cal)
        if last and (decided or days >= 42)
        else None,
    )


@transaction.atomic
def notice_of_default_record(
    *, case: Case, received_on: datetime.date, by: User, note: str = ""
) -> NoticeOfDefault:
    """Record a notice of default; whether it counts is computed, never assumed."""
    if not by.has_perm("cases.objection_record_default"):
        raise PermissionDenied(gettext("Only legal staff record a notice of default."))
    if case.kind != CaseKind.OBJECTION:
        raise DomainConflict(gettext("A notice of default concerns a decision on an objection."))
    ensure_not_in_future("received_on", received_on)
    notice = NoticeOfDefault.objects.create(
        case=case, received_on=received_on, recorded_by=by, note=note
    )
    status = penalty_status(case)
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.NOTE,
        actor=by,
        text="Notice of default recorded (Awb 4:17).",
        data={
            "received_on": received_on.isoformat(),
            "counts": bool(status and status.notice_counts),
            "first_penalty_day": status.first_day.isoformat()
            if status and status.first_day
            else None,
        },
    )
    return notice


@transaction.atomic
def penalty_decision_take(*, case: Case, by: User, no_penalty_ground: str = "") -> PenaltyDecision:
    """Fix the penalty owed by decision (Awb 4:18) and request the letter.

    Possible once the penalty has stopped running: the decision on the objection was sent,
    or the 42 days are full. The figures are computed here, never given by the caller.
    With ``no_penalty_ground`` legal staff decide that none is owed (4:17(6)): the letter
    says so and why.
    """
    if not by.has_perm("cases.objection_fix_penalty"):
        raise PermissionDenied(gettext("Only legal staff fix a penalty payment."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if PenaltyDecision.objects.filter(case=case).exists():
        raise DomainConflict(gettext("The penalty for this objection has already been fixed."))
    today = timezone.localdate()
    status = penalty_status(case, today)
    if status is None or not status.notice_counts:
        raise DomainConflict(
            gettext(
                "No penalty is owed: there is no notice of default received after the term expired."
            )
        )
    if not status.days:
        raise DomainConflict(
            gettext("No penalty is owed: the decision was sent before the first day.")
        )
    if status.fix_amount_by is None:
        raise DomainConflict(
            gettext(
                "The penalty is still running: fix it once the decision is sent (e-mailed, or "
                "its print batch confirmed as posted) or the 42 days are full (Awb 4:18)."
            )
        )
    notice = next(n for n in case.notices_of_default.all() if n.received_on > status.term_expired)
    owed = not no_penalty_ground
    amount = penalty.penalty_amount(status.days if owed else 0, notice.received_on)
    decision = PenaltyDecision.objects.create(
        case=case,
        notice=notice,
        first_day=status.first_day,
        last_day=status.last_day,
        days=amount.days,
        amount=amount.total,
        # Six weeks from the day the decision goes out (its letter's date), a working day.
        pay_by=deadlines.municipal_date(letter_day(case) + PAY_WITHIN) if owed else None,
        no_penalty_ground=no_penalty_ground,
        decided_by=by,
    )
    event = CaseEvent.objects.create(
        case=case,
        kind=EventKind.NOTE,
        actor=by,
        text="Penalty payment fixed by decision (Awb 4:18)."
        if owed
        else "Decided that no penalty is owed (Awb 4:17(6)).",
        data={
            "days": amount.days,
            "amount": str(amount.total),
            "ground": no_penalty_ground,
            "late": today > status.fix_amount_by,
        },
    )
    figures_refresh(case)  # a closed case: the penalty paid counts
    letter_request(
        case,
        event,
        "objection_penalty_decision",
        penalty={
            "days": amount.days,
            "amount": str(amount.total),
            "ground": no_penalty_ground,
            "lines": [
                {"days": line.days, "per_day": str(line.per_day), "subtotal": str(line.subtotal)}
                for line in amount.bands
            ],
            "notice_received": notice.received_on.isoformat(),
            "term_expired": status.term_expired.isoformat(),
            "first_day": status.first_day.isoformat(),
            "last_day": status.last_day.isoformat(),
            "pay_by": decision.pay_by.isoformat() if decision.pay_by else None,
        },
    )
    return decision


def objection_decision_sent(*, case: Case, on: datetime.date) -> None:
    """Record the day the decision on the objection went out; the first sending counts.

    Called by letter delivery when the decision letter is e-mailed or its print batch is
    confirmed as posted. Ends a running penalty (Awb 4:17(1): the last penalty day).
    """
    updated = ObjectionDetails.objects.filter(case=case, decision_sent_on__isnull=True).update(
        decision_sent_on=on
    )
    if updated:
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.NOTE,
            text="Decision on the objection sent.",
            data={"sent_on": on.isoformat()},
        )
