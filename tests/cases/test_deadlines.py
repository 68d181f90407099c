"""Deadline services on real cases: start, extend, suspend, resume, meet, cancel."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from backend.accounts.roles import Role
from backend.domain import DomainConflict
from cases import deadlines
from cases.models import (
    NO_DUE_DATE,
    Case,
    CaseEvent,
    DeadlineKind,
    DeadlineState,
    DecreeDay,
)
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def filed(client, path="/api/v1/complaints", body=None):
    response = client.post(path, body or complaint_body())
    assert response.status_code == 201, response.content
    return Case.objects.get(reference=response.json()["reference"])


def test_filing_a_complaint_starts_norms_and_the_handling_term(anon, time_machine):
    """Awb 9:11: 6 weeks after receipt; norms: contact 2, receipt 3 working days."""
    time_machine.move_to(datetime.datetime(2025, 4, 14, 10, 0, tzinfo=datetime.UTC))  # Monday

    case = filed(anon)

    due = {d.kind: d for d in case.deadlines.all()}
    assert due[DeadlineKind.FIRST_CONTACT].due_date == D(2025, 4, 16)
    assert due[DeadlineKind.FIRST_CONTACT].is_norm is True
    # Good Friday 18 April and Easter Monday 21 April are not working days.
    assert due[DeadlineKind.RECEIPT_CONFIRMATION].due_date == D(2025, 4, 17)
    assert due[DeadlineKind.COMPLAINT_HANDLING].due_date == D(2025, 5, 26)
    assert due[DeadlineKind.COMPLAINT_HANDLING].is_norm is False
    assert "9:11" in due[DeadlineKind.COMPLAINT_HANDLING].legal_basis
    case.refresh_from_db()
    assert case.queue_due_date == D(2025, 4, 16)
    assert CaseEvent.objects.filter(case=case, kind="deadline_started").count() == 3


def test_filing_an_objection_starts_the_decision_term_after_the_objection_period(
    client_for, users, time_machine
):
    """Awb 7:10: 6 weeks from the day after the (Atw-extended) objection period ended."""
    time_machine.move_to(datetime.datetime(2025, 4, 1, 10, 0, tzinfo=datetime.UTC))
    body = objection_body()
    body["objection"]["decisionDate"] = "2025-03-24"  # period: 25 Mar .. Mon 5 May -> 6 May

    case = filed(client_for(users[Role.RESIDENT]), "/api/v1/objections", body)

    decision = case.deadlines.get(kind=DeadlineKind.OBJECTION_DECISION)
    assert decision.start_date == D(2025, 5, 6)
    assert decision.due_date == D(2025, 6, 17)
    assert "7:10" in decision.legal_basis


def test_extension_moves_the_due_date_and_is_recorded(users):
    case = CaseFactory()
    deadline = deadlines.deadline_start(
        case=case, kind=DeadlineKind.COMPLAINT_HANDLING, term="complaint-handling",
        start_date=D(2025, 4, 14),
    )  # fmt: skip
    assert deadline.due_date == D(2025, 5, 26)

    extended = deadlines.deadline_extend(
        deadline=deadline,
        by=users[Role.CASE_HANDLER],
        reason="Hoorzitting pas in juni mogelijk",
        letter_reference="BRIEF-1",
        extension_weeks=4,
    )

    assert extended.due_date == D(2025, 6, 23)
    change = extended.changes.get(kind="extended")
    assert (change.due_before, change.due_after) == (D(2025, 5, 26), D(2025, 6, 23))
    assert change.by == users[Role.CASE_HANDLER]
    assert change.letter_reference == "BRIEF-1"
    assert CaseEvent.objects.get(case=case, kind="deadline_extended").data["due_after"] == (
        "2025-06-23"
    )


def test_extension_beyond_the_legal_cap_is_refused(users):
    """Awb 9:11(2): one postponement of at most 4 weeks."""
    case = CaseFactory()
    deadline = deadlines.deadline_start(
        case=case, kind=DeadlineKind.COMPLAINT_HANDLING, term="complaint-handling",
        start_date=D(2025, 4, 14),
    )  # fmt: skip
    with pytest.raises(ValidationError):
        deadlines.deadline_extend(deadline=deadline, by=None, reason="te druk", extension_weeks=5)
    deadline.refresh_from_db()
    assert deadline.due_date == D(2025, 5, 26)


def test_suspension_shifts_the_term_by_the_real_pause(users):
    """Awb 7:10(2): the days from the day after the repair request up to the repair."""
    case = CaseFactory(objection=True)
    deadline = deadlines.deadline_start(
        case=case, kind=DeadlineKind.OBJECTION_DECISION, term="objection-decision",
        start_date=D(2025, 5, 6),
    )  # fmt: skip
    before = deadline.due_date

    deadlines.deadline_suspend(
        deadline=deadline, on=D(2025, 5, 12), by=None, reason="Herstelverzuim: gronden"
    )
    case.refresh_from_db()
    assert case.queue_due_date == NO_DUE_DATE  # a suspended term has no due date yet
    resumed = deadlines.deadline_resume(
        deadline=deadline, on=D(2025, 5, 20), by=None, reason="Gronden ontvangen"
    )

    assert resumed.state == DeadlineState.RUNNING
    assert resumed.params["suspended_days"] == 7  # 13..19 May
    assert resumed.due_date >= before + datetime.timedelta(days=7)
    assert resumed.changes.get(kind="resumed").params == {"suspended_days": 7}


def test_one_open_deadline_per_kind():
    case = CaseFactory()
    deadlines.deadline_start(
        case=case, kind=DeadlineKind.COMPLAINT_HANDLING, term="complaint-handling",
        start_date=D(2025, 4, 14),
    )  # fmt: skip
    with pytest.raises(DomainConflict):
        deadlines.deadline_start(
            case=case, kind=DeadlineKind.COMPLAINT_HANDLING, term="complaint-handling",
            start_date=D(2025, 4, 14),
        )  # fmt: skip


def test_meet_and_cancel_end_a_term_and_free_the_queue_position():
    case = CaseFactory()
    handling = deadlines.deadline_start(
        case=case, kind=DeadlineKind.COMPLAINT_HANDLING, term="complaint-handling",
        start_date=D(2025, 4, 14),
    )  # fmt: skip
    norm = deadlines.deadline_start(
        case=case, kind=DeadlineKind.FIRST_CONTACT, term="service-norm",
        start_date=D(2025, 4, 14), params={"working_days": 2}, is_norm=True,
    )  # fmt: skip
    case.refresh_from_db()
    assert case.queue_due_date == norm.due_date

    deadlines.deadline_meet(deadline=norm, by=None, on=D(2025, 4, 15))
    case.refresh_from_db()
    assert case.queue_due_date == handling.due_date

    deadlines.deadline_cancel(deadline=handling, by=None, reason="Klacht ingetrokken")
    case.refresh_from_db()
    assert case.queue_due_date == NO_DUE_DATE
    with pytest.raises(DomainConflict):
        deadlines.deadline_meet(deadline=handling, by=None)


def test_decree_day_in_the_database_moves_a_term(anon, time_machine):
    """Atw art. 3(3): a day staff add in the admin counts like a holiday."""
    time_machine.move_to(datetime.datetime(2025, 4, 11, 10, 0, tzinfo=datetime.UTC))  # Fri
    without = filed(anon).deadlines.get(kind=DeadlineKind.COMPLAINT_HANDLING).due_date
    assert without == D(2025, 5, 23)  # a Friday
    DecreeDay.objects.create(date=D(2025, 5, 23), name="Testdag", source="test")

    with_decree = filed(anon).deadlines.get(kind=DeadlineKind.COMPLAINT_HANDLING).due_date

    assert with_decree == D(2025, 5, 26)


def test_case_detail_shows_deadlines_with_working_days_left(anon, client_for, users, time_machine):
    time_machine.move_to(datetime.datetime(2025, 4, 14, 10, 0, tzinfo=datetime.UTC))
    case = filed(anon)
    case.team = users[Role.CASE_HANDLER].teams.get()
    case.save(update_fields=["team"])

    body = client_for(users[Role.CASE_HANDLER]).get(f"/api/v1/cases/{case.reference}").json()

    by_kind = {d["kind"]: d for d in body["deadlines"]}
    handling = by_kind["complaint_handling"]
    assert handling["dueDate"] == "2025-05-26"
    assert handling["state"] == "running"
    assert handling["isNorm"] is False
    assert handling["workingDaysLeft"] > 20
    assert by_kind["first_contact"]["workingDaysLeft"] == 2
    assert handling["history"][0]["kind"] == "started"
    assert body["nextDueDate"] == "2025-04-16"


def test_today_is_used_for_working_days_left(anon, client_for, users, time_machine):
    time_machine.move_to(datetime.datetime(2025, 4, 14, 10, 0, tzinfo=datetime.UTC))
    case = filed(anon)
    time_machine.move_to(datetime.datetime(2025, 4, 16, 10, 0, tzinfo=datetime.UTC))
    body = client_for(users[Role.ADMINISTRATOR]).get(f"/api/v1/cases/{case.reference}").json()
    first_contact = next(d for d in body["deadlines"] if d["kind"] == "first_contact")
    assert first_contact["workingDaysLeft"] == 0
    assert timezone.localdate() == D(2025, 4, 16)
