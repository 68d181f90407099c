"""Walking objections and complaints through the API at chosen dates, for the tests of
the legal rules (dates that follow the law and the facts)."""

import datetime

from django.utils import timezone

from backend.accounts.roles import Role
from cases.models import Case, DeadlineKind
from tests.cases.steps import ok
from tests.cases.test_filing_api import complaint_body, objection_body


def at(day: str, hour: int = 9) -> datetime.datetime:
    """That day at ``hour`` o'clock in the Netherlands."""
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def objection_filed(client, team, *, decision_date: str, **fields) -> Case:
    """Filed now (move the clock first), in the team's queue."""
    body = objection_body()
    body["objection"].update({"decisionDate": decision_date, **fields})
    response = client.post("/api/v1/objections", body)
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    Case.objects.filter(pk=case.pk).update(team=team)
    return case


def complaint_filed(client, team, handler) -> Case:
    response = client.post("/api/v1/complaints", complaint_body())
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    Case.objects.filter(pk=case.pk).update(team=team, assignee=handler)
    return case


def decision_due(case: Case) -> datetime.date:
    return case.deadlines.get(kind=DeadlineKind.OBJECTION_DECISION).due_date


def handling_due(case: Case) -> datetime.date:
    return case.deadlines.get(kind=DeadlineKind.COMPLAINT_HANDLING).due_date


def repaired(lawyer, case, time_machine, *, requested: str, repaired_on: str, recorded: str):
    """Ask for repair on ``requested``; the grounds came in on ``repaired_on``; a lawyer
    records that on ``recorded``."""
    time_machine.move_to(at(requested))
    ok(lawyer, case, "request_repair", missing=["gronden"])
    time_machine.move_to(at(recorded))
    ok(lawyer, case, "record_repair", repairedOn=repaired_on, grounds="Alsnog de gronden.")


ROLES = [Role.CASE_HANDLER, Role.LEGAL_STAFF, Role.TEAM_LEAD]
