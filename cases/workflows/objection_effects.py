"""What each objection step sets in motion, in the same transaction as the step:
deadlines (suspension during repair, committee, postponement), letter requests (outbox).

``prepare_accept`` computes what the law decides rather than the caller: timeliness (6:9).
Each step names its effect in ``cases.workflows.objection``."""

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from backend.accounts.models import User
from backend.domain import as_json_value
from cases import deadlines
from cases.dispatch import letter_day
from cases.legal.terms import OBJECTION_POSTPONEMENT_MAX_WEEKS, objection_timeliness
from cases.models import (
    Case,
    CaseEvent,
    DeadlineKind,
    DeadlineNotification,
    DeadlineState,
    EventKind,
    NotificationStage,
)
from cases.workflows.conditions import had_conversation
from cases.workflows.effects import (
    close_open_deadlines,
    extension_split,
    letter_request,
    open_deadline,
)


def _decision_term(case: Case):  # noqa: ANN202
    return open_deadline(case, DeadlineKind.OBJECTION_DECISION)


def prepare_accept(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    """Awb 6:9: on time is computed from the dates, with the postal rule."""
    details = case.objection
    period = deadlines.term_compute("objection-period", details.decision_date)
    received = timezone.localtime(case.received_at).date()
    timeliness = objection_timeliness(
        received,
        period.end_date,
        data.get("posted_on"),
        period_start=period.start_date,
        cal=deadlines.short_term_calendar(),
    )
    return {**data, "on_time": timeliness.on_time, "timeliness": timeliness.reason}


def accept(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    """Admitted: if the decision term has already passed, or ends within the warning
    horizon, the handler is warned now, not only when the sweep next runs. That happens
    to objections admitted although they came after the period (6:9(2) by post, or late
    and excused, 6:11): their term is counted from receipt (the configured reading,
    ``Interpretation.decision_term_from_receipt_after_period``), or by the letter of
    7:10(1) from the period's end, which may lie weeks back."""
    term = (
        case.deadlines.filter(
            kind=DeadlineKind.OBJECTION_DECISION,
            state__in=[DeadlineState.RUNNING, DeadlineState.MISSED],
        )
        .order_by("-created_at")
        .first()
    )
    if term is None:
        return
    today = timezone.localdate()
    left = deadlines.legal_calendar().working_days_left(today, term.due_date)
    stages = sorted(settings.DEADLINE_WARNING_DAYS)
    if term.state == DeadlineState.RUNNING and left > max(stages, default=0):
        return
    # Recorded as the sweep's stage this falls in, so the sweep does not warn twice.
    stage = next((days for days in stages if days >= left), 0)
    DeadlineNotification.objects.get_or_create(
        deadline=term,
        stage=NotificationStage.WARNING,
        days_before=stage,
        defaults={"recipient_id": case.assignee_id or by.pk},
    )
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.DEADLINE_WARNING,
        actor=by,
        data={
            "deadline": term.kind,
            "due_date": term.due_date.isoformat(),
            "counted_from": term.start_date.isoformat(),
            "working_days_left": left,
            "reason": "admitted with little or none of the decision term left (Awb 7:10)",
        },
    )


def prepare_request_repair(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    """The objector is asked on the day the request goes out (its letter's date), and the
    decision term is suspended from the day after (7:10(2)); the repair term (6:6) runs
    from then and ends on a day the municipality works."""
    requested = letter_day(case)
    weeks = data.get("term_weeks", 2)
    due = deadlines.municipal_date(requested + datetime.timedelta(weeks=weeks))
    return {**data, "requested_on": requested, "repair_due": due}


def prepare_plan_hearing(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    """The invitation counts from the day it goes out (7:2: more than 10 days ahead)."""
    return {**data, "invited_on": data.get("invited_on") or letter_day(case)}


def confirm_receipt(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    receipt = open_deadline(case, DeadlineKind.RECEIPT_CONFIRMATION)
    if receipt is not None:
        deadlines.deadline_meet(deadline=receipt, by=by, reason="receipt confirmed (Awb 6:14)")
    letter_request(case, event, "objection_receipt")


def request_repair(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    term = _decision_term(case)
    if term is not None and term.state == DeadlineState.RUNNING:
        deadlines.deadline_suspend(
            deadline=term,
            on=case.objection.repair_requested_on,
            by=by,
            reason="repair requested (Awb 6:6, 7:10(2))",
            letter_reference=f"{case.reference}:objection_repair_request:{event.pk}",
        )
    letter_request(
        case,
        event,
        "objection_repair_request",
        missing=data["missing"],
        repair_due=case.objection.repair_due.isoformat(),
    )


def _resume(case: Case, on: datetime.date, by: User, reason: str) -> None:
    term = _decision_term(case)
    if term is not None and term.state == DeadlineState.SUSPENDED:
        deadlines.deadline_resume(deadline=term, on=on, by=by, reason=reason)


def record_repair(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    """Awb 7:10(2): the suspension ends on the day of repair; a repair that came after the
    repair term had lapsed unused ended it on the term's last day."""
    details = case.objection
    on = details.repaired_on
    if details.repair_due is not None:
        on = min(on, details.repair_due)
    _resume(case, on, by, f"repaired on {details.repaired_on.isoformat()}")


def repair_lapsed(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    """Awb 7:10(2): the suspension ends on the last day of the lapsed repair term, however
    late the lapse is recorded."""
    due = case.objection.repair_due
    _resume(case, due, by, f"repair term lapsed on {due.isoformat()}")


def informal_contact_confirmation(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    """What the call led to, confirmed in writing (seed: "Prettig contact met de overheid");
    when the calls did not get through there is no conversation to confirm."""
    if not had_conversation(case):
        return
    letter_request(case, event, "objection_informal_contact_confirmation", step=event.data["step"])


def plan_hearing(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    details = case.objection
    letter_request(
        case,
        event,
        "objection_hearing_invitation",
        hearing_at=as_json_value(details.hearing_at),
        inspection_from=details.inspection_from.isoformat(),
        inspection_place=details.inspection_place,
    )


def refer_committee(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    term = _decision_term(case)
    if term is not None:
        deadlines.deadline_extend(
            deadline=term,
            by=by,
            reason=f"advisory committee {data['name']} (Awb 7:13, 7:10(1))",
            letter_reference=f"{case.reference}:objection_committee_referral:{event.pk}",
            with_committee=True,
        )
    letter_request(case, event, "objection_committee_referral")


def postpone(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    term = _decision_term(case)
    if term is None:
        return
    deadlines.deadline_extend(
        deadline=term,
        by=by,
        reason=data["reason"],
        letter_reference=f"{case.reference}:objection_postponement_notice:{event.pk}",
        **extension_split(
            data["weeks"],
            first=case.objection.postponements == 1,
            params=term.params,
            names=("postponement_weeks", "further_weeks"),
            cap=OBJECTION_POSTPONEMENT_MAX_WEEKS,
        ),
    )
    term.refresh_from_db()
    letter_request(
        case, event, "objection_postponement_notice", new_due_date=term.due_date.isoformat()
    )


def approve_decision(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    term = _decision_term(case)
    if term is not None:
        deadlines.deadline_meet(deadline=term, by=by, reason="decision taken (Awb 7:11)")
    letter_request(case, event, "objection_decision", outcome=case.objection.outcome)


def close(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    close_open_deadlines(case, by, "closed")


def withdraw(case: Case, data: dict, by: User, event: CaseEvent) -> None:
    close_open_deadlines(case, by, "withdrawn by the objector")
    letter_request(case, event, "objection_withdrawal_confirmation")
