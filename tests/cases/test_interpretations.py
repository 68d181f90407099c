"""Every configurable legal interpretation changes what cases get, not only what the
calculator says: for each setting a case is walked under each value (the README, "Legal
interpretations", lists them with their defaults and sources)."""

import dataclasses
import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from backend.accounts.roles import Role
from cases.legal.terms import Interpretation
from cases.models import CaseEvent, DeadlineKind, DeadlineNotification, DecreeDay, EventKind
from tests.cases.legal_flows import (
    at,
    complaint_filed,
    decision_due,
    handling_due,
    objection_filed,
    repaired,
)
from tests.cases.steps import ok, reached, step
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat
READINGS = {field.name for field in dataclasses.fields(Interpretation)}
TESTED: set[str] = set()


def reading(settings, name: str, value: bool) -> None:
    TESTED.add(name)
    settings.LEGAL_INTERPRETATION = {name: value}


@pytest.fixture(autouse=True)
def decree_days(db):
    for day in ("2025-05-30",):
        DecreeDay.objects.get_or_create(
            date=D(day),
            defaults={"name": "Vrijdag na Hemelvaartsdag", "source": "Stcrt. 2022, 7812"},
        )


@pytest.fixture
def lawyer(client_for, team):
    user = UserFactory(username="jurist", role=Role.LEGAL_STAFF, teams=[team])
    client = client_for(user)
    client.user = user
    return client


@pytest.fixture
def file(client_for, users, team, time_machine, lawyer):
    """An objection filed on ``filed`` against a decision of ``decision``, confirmed."""

    def make(decision: str, filed: str = "2025-04-01", confirm: bool = True):
        time_machine.move_to(at(filed))
        case = objection_filed(client_for(users[Role.RESIDENT]), team, decision_date=decision)
        reached(case, lawyer.user)
        if confirm:
            ok(lawyer, case, "confirm_receipt")
        return case

    return make


@pytest.mark.parametrize(("value", "due"), [(True, "2025-06-17"), (False, "2025-06-16")])
def test_decision_term_from_extended_period_end(settings, file, value, due):
    """The period of the decision of 24 March 2025 ends on 5 May (Liberation Day) by plain
    counting, on 6 May by the Atw; the 6-week decision term counts from one or the other."""
    reading(settings, "decision_term_from_extended_period_end", value)
    assert decision_due(file("2025-03-24")) == D(due)


@pytest.mark.parametrize(("value", "due"), [(True, "2025-07-10"), (False, "2025-07-14")])
def test_extension_from_unextended_end(settings, file, lawyer, value, due):
    """Decision term from 17 April 2025: plain end Ascension Day 29 May, by the Atw Monday
    2 June (30 May is a decree day). Postponed 6 weeks from 29 May, or from 2 June."""
    reading(settings, "extension_from_unextended_end", value)
    case = file("2025-03-06")
    assert decision_due(case) == D("2025-06-02")
    ok(lawyer, case, "accept")
    ok(lawyer, case, "postpone", weeks=6, reason="Advies nodig")
    assert decision_due(case) == D(due)


@pytest.mark.parametrize(("value", "due"), [(True, "2025-07-12"), (False, "2025-07-14")])
def test_art4_on_extended_term(settings, client_for, users, team, time_machine, value, due):
    """A complaint received on Saturday 5 April 2025, a committee (10 weeks) and 4 weeks'
    extension: 14 weeks, ending on a Saturday. As extended it is longer than 12 weeks, so
    the Atw does not apply (True); the statutory 10 weeks alone would get it (False)."""
    reading(settings, "art4_on_extended_term", value)
    handler = users[Role.CASE_HANDLER]
    client = client_for(handler)
    time_machine.move_to(at("2025-04-05", 10))
    case = complaint_filed(client_for(users[Role.RESIDENT]), team, handler)
    ok(client, case, "confirm_receipt")
    ok(client, case, "start_formal_handling")
    ok(client, case, "involve_committee", name="Klachtadviescommissie")
    ok(client, case, "extend_term", weeks=4, reason="Hoorzitting later")
    assert handling_due(case) == D(due)


@pytest.mark.parametrize(("value", "due"), [(False, "2025-08-04"), (True, "2025-08-02")])
def test_suspension_counts_for_art4(settings, file, lawyer, time_machine, value, due):
    """Decision term from 6 May 2025, a committee (12 weeks) and 4 suspended days: ends on
    Saturday 2 August. Counted as a longer term (True) the Atw no longer applies."""
    reading(settings, "suspension_counts_for_art4", value)
    case = file("2025-03-25")
    repaired(lawyer, case, time_machine,
             requested="2025-05-12", repaired_on="2025-05-17", recorded="2025-05-19")  # fmt: skip
    ok(lawyer, case, "accept")
    ok(lawyer, case, "refer_committee", name="Bezwaarschriftencommissie")
    assert decision_due(case) == D(due)


@pytest.mark.parametrize(("value", "due"), [(False, "2025-06-19"), (True, "2025-06-20")])
def test_suspension_includes_repair_day(settings, file, lawyer, time_machine, value, due):
    """Asked on 12 May, repaired on 15 May: 13-14 May, or 13-15 May with the day itself."""
    reading(settings, "suspension_includes_repair_day", value)
    case = file("2025-03-25")
    repaired(lawyer, case, time_machine,
             requested="2025-05-12", repaired_on="2025-05-15", recorded="2025-05-15")  # fmt: skip
    assert decision_due(case) == D(due)


@pytest.mark.parametrize(
    ("value", "days", "due"), [(False, 5, "2025-06-23"), (True, 10, "2025-06-27")]
)
def test_suspension_before_term_counts(settings, file, lawyer, time_machine, value, days, due):
    """Decision term from 6 May 2025 (first day 7 May); repair asked on 1 May and made on
    12 May. Only 7-11 May fell inside the running term (False, the default); with True
    2-11 May count."""
    reading(settings, "suspension_before_term_counts", value)
    case = file("2025-03-24")
    repaired(lawyer, case, time_machine,
             requested="2025-05-01", repaired_on="2025-05-12", recorded="2025-05-12")  # fmt: skip
    term = case.deadlines.get(kind=DeadlineKind.OBJECTION_DECISION)
    assert term.params["suspended_days"] == days
    assert term.due_date == D(due)


@pytest.mark.parametrize("value", [True, False])
def test_atw_on_short_terms_postal_week(settings, file, lawyer, value):
    """Awb 6:9(2): period ends Monday 28 April 2025; posted that day and received on
    Tuesday 6 May. The week after the period ends on 5 May, Liberation Day: with the Atw
    it runs to 6 May (on time); counted plainly the objection is late."""
    reading(settings, "atw_on_short_terms", value)
    case = file("2025-03-17", filed="2025-05-06")
    response = step(lawyer, case, "accept", postedOn="2025-04-28")
    if value:
        assert response.status_code == 200
        assert response.json()["objection"]["onTime"] is True
    else:
        assert response.status_code == 400  # late: say why it is excusable (6:11)
        assert response.json()["invalidParams"][0]["name"] == "excusableReason"


@pytest.mark.parametrize(("value", "first"), [(True, "2025-06-02"), (False, "2025-05-29")])
def test_atw_on_short_terms_penalty(settings, file, lawyer, time_machine, value, first):
    """Awb 4:17(3): notice of default received Thursday 15 May 2025, after the term
    expired; two weeks later is Ascension Day, 29 May (then a decree day and a weekend)."""
    reading(settings, "atw_on_short_terms", value)
    case = file("2025-01-06", filed="2025-02-03")  # on time; term ends 31 March
    ok(lawyer, case, "accept")
    time_machine.move_to(at("2025-05-15"))
    notice = lawyer.post(f"/api/v1/cases/{case.reference}/notices-of-default",
                         {"receivedOn": "2025-05-15"}, format="json")  # fmt: skip
    assert notice.status_code == 201, notice.content
    time_machine.move_to(at("2025-06-03"))
    penalty = lawyer.get(f"/api/v1/cases/{case.reference}").json()["penalty"]
    assert penalty["firstDay"] == first
    calculator = lawyer.get(
        "/api/v1/legal-terms/penalty-payment",
        {"termExpired": "2025-03-31", "noticeOfDefaultReceived": "2025-05-15"},
    ).json()
    assert calculator["firstPenaltyDay"] == first


@pytest.mark.parametrize(
    ("value", "from_", "due"),
    [(True, "2025-04-01", "2025-05-13"), (False, "2025-02-17", "2025-03-31")],
)
def test_decision_term_from_receipt_after_period(settings, file, lawyer, value, from_, due):
    """A late objection (period of the decision of 6 January ended 17 February 2025),
    received 1 April and admitted as excusable (6:11). Counted by the letter of 7:10(1)
    its term has expired on the day it is admitted: the handler is warned."""
    reading(settings, "decision_term_from_receipt_after_period", value)
    case = file("2025-01-06")
    term = case.deadlines.get(kind=DeadlineKind.OBJECTION_DECISION)
    assert (term.start_date, term.due_date) == (D(from_), D(due))
    ok(lawyer, case, "accept", excusableReason="Opgenomen in het ziekenhuis.")
    warned = CaseEvent.objects.filter(case=case, kind=EventKind.DEADLINE_WARNING).exists()
    assert warned is (not value)
    assert DeadlineNotification.objects.filter(deadline=term).exists() is (not value)


def test_every_reading_is_walked_here():
    """A new setting in ``Interpretation`` needs its own walk above."""
    assert {
        "decision_term_from_extended_period_end",
        "extension_from_unextended_end",
        "art4_on_extended_term",
        "suspension_counts_for_art4",
        "suspension_includes_repair_day",
        "suspension_before_term_counts",
        "atw_on_short_terms",
        "decision_term_from_receipt_after_period",
    } == READINGS
    names = {n[len("test_"):].removesuffix("_postal_week").removesuffix("_penalty")
             for n in globals() if n.startswith("test_")}  # fmt: skip
    assert names >= READINGS


@pytest.mark.parametrize(
    ("chosen", "error"),
    [
        ({"suspension_before_term_count": True}, "cases.E001"),
        ({"atw_on_short_terms": "yes"}, "cases.E002"),
    ],
)
def test_a_misspelt_reading_stops_the_service(settings, chosen, error):
    settings.LEGAL_INTERPRETATION = chosen
    with pytest.raises(SystemCheckError, match=error):
        call_command("check")
