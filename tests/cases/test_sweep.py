"""The deadline sweep: warnings before the end, escalation after, each exactly once."""

import datetime

import pytest

from backend.accounts.roles import Role
from cases import deadlines, sweep
from cases.legal.calendar import LegalCalendar
from cases.models import (
    NO_DUE_DATE,
    CaseEvent,
    DeadlineKind,
    DeadlineNotification,
    DeadlineState,
)
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def handling(case, start):
    """A complaint handling term (Awb 9:11): due six weeks after ``start``."""
    return deadlines.deadline_start(
        case=case, kind=DeadlineKind.COMPLAINT_HANDLING, term="complaint-handling",
        start_date=start,
    )  # fmt: skip


def test_horizon_counts_working_days_past_weekends_and_holidays():
    cal = LegalCalendar()
    # Thursday 17 April 2025; Good Friday, the weekend and Easter Monday are rest days.
    assert sweep.working_day_horizon(cal, D(2025, 4, 17), 1) == D(2025, 4, 22)
    assert sweep.working_day_horizon(cal, D(2025, 4, 17), 0) == D(2025, 4, 21)
    assert sweep.working_day_horizon(cal, D(2025, 4, 14), 5) == D(2025, 4, 23)


def test_warns_the_assignee_five_and_one_working_day_before(users, team, mailoutbox):
    handler = users[Role.CASE_HANDLER]
    handler.email = "behandelaar@gemeente.example"
    handler.save()
    case = CaseFactory(team=team, assignee=handler)
    deadline = handling(case, D(2025, 4, 14))  # due Monday 26 May 2025

    assert sweep.deadlines_sweep(today=D(2025, 5, 16)).warned == 0  # 6 working days left
    first = sweep.deadlines_sweep(today=D(2025, 5, 19))  # 5 left
    again = sweep.deadlines_sweep(today=D(2025, 5, 20))
    last = sweep.deadlines_sweep(today=D(2025, 5, 23))  # 1 left

    assert (first.warned, again.warned, last.warned) == (1, 0, 1)
    stages = deadline.notifications.values_list("stage", "days_before", "recipient")
    assert sorted(stages) == [("warning", 1, handler.pk), ("warning", 5, handler.pk)]
    assert CaseEvent.objects.filter(case=case, kind="deadline_warning").count() == 2

    assert sweep.deadline_notifications_send() == 2
    assert [m.to for m in mailoutbox] == [["behandelaar@gemeente.example"]] * 2
    assert case.reference in mailoutbox[0].subject
    assert sweep.deadline_notifications_send() == 0  # sent once


def test_unassigned_case_warns_the_team_lead(users, team, mailoutbox):
    lead = users[Role.TEAM_LEAD]
    lead.email = "teamleider@gemeente.example"
    lead.save()
    handling(CaseFactory(team=team), D(2025, 4, 14))

    sweep.deadlines_sweep(today=D(2025, 5, 23))
    sweep.deadline_notifications_send()

    assert {tuple(m.to) for m in mailoutbox} == {("teamleider@gemeente.example",)}


def test_missed_term_is_marked_and_escalated_to_the_team_lead(users, team, mailoutbox):
    lead = users[Role.TEAM_LEAD]
    lead.email = "teamleider@gemeente.example"
    lead.save()
    other_lead = UserFactory(role=Role.TEAM_LEAD, email="elders@gemeente.example")
    case = CaseFactory(team=team, assignee=users[Role.CASE_HANDLER])
    deadline = handling(case, D(2025, 4, 14))

    result = sweep.deadlines_sweep(today=D(2025, 5, 27))
    repeat = sweep.deadlines_sweep(today=D(2025, 5, 28))
    sweep.deadline_notifications_send()

    deadline.refresh_from_db()
    assert (result.missed, repeat.missed) == (1, 0)
    assert deadline.state == DeadlineState.MISSED
    assert deadline.closed_on == D(2025, 5, 27)
    assert deadline.changes.filter(kind="missed").count() == 1
    assert DeadlineNotification.objects.filter(stage="missed").count() == 1
    event = CaseEvent.objects.get(case=case, kind="deadline_missed")
    assert event.data["escalated_to"] == "team_lead"
    assert [m.to for m in mailoutbox] == [["teamleider@gemeente.example"]]
    assert other_lead.email not in mailoutbox[0].to
    case.refresh_from_db()
    assert case.queue_due_date == NO_DUE_DATE


def test_suspended_and_met_terms_are_left_alone():
    suspended = handling(CaseFactory(), D(2025, 4, 14))
    deadlines.deadline_suspend(deadline=suspended, on=D(2025, 4, 20), by=None, reason="herstel")
    met = handling(CaseFactory(), D(2025, 4, 14))
    deadlines.deadline_meet(deadline=met, by=None)

    result = sweep.deadlines_sweep(today=D(2025, 6, 30))

    assert (result.warned, result.missed) == (0, 0)
    assert not DeadlineNotification.objects.exists()


def test_notification_mail_holds_no_personal_data(users, team, mailoutbox):
    handler = users[Role.CASE_HANDLER]
    handler.email = "behandelaar@gemeente.example"
    handler.save()
    case = CaseFactory(team=team, assignee=handler, subject="Klacht over buurman Jansen")
    from tests.factories import PartyFactory

    PartyFactory(case=case, name="Fatima el Amrani")
    handling(case, D(2025, 4, 14))

    sweep.deadlines_sweep(today=D(2025, 5, 23))
    sweep.deadline_notifications_send()

    text = "".join(m.subject + m.body for m in mailoutbox)
    assert case.reference in text
    assert "Amrani" not in text
    assert "Jansen" not in text
