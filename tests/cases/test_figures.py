"""The figures (issue 17.7): one anonymous row per closed case, written when it closes;
the report aggregates them per period, kind, channel, team and outcome, with the same
figures for residents who need extra care; JSON and CSV; team leads and administrators."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.accounts.roles import Role
from cases.figures import ReportFilters, figures_report
from cases.models import Case, CaseFigures
from tests.cases.steps import ok
from tests.cases.test_complaint_workflow import call, morning
from tests.cases.test_filing_api import complaint_body
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

YEAR = ReportFilters(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))


def row(n, **fields) -> CaseFigures:
    values = {
        "case_id": n,
        "kind": "complaint",
        "channel": "web",
        "team_code": "klachten",
        "outcome": "closed",
        "received_on": datetime.date(2026, 3, 1),
        "closed_on": datetime.date(2026, 3, 1) + datetime.timedelta(days=fields.get("days", 10)),
        "handling_days": fields.pop("days", 10),
        "first_contact_hours": None,
        "first_contact_on_time": None,
        "resolved_informally": False,
        "decided_on_time": None,
        "needs_extra_care": False,
        **fields,
    }
    return CaseFigures.objects.create(**values)


@pytest.fixture
def seeded(db):
    """Five complaints and two objections, hand-counted below."""
    row(1, days=2, channel="phone", resolved_informally=True, first_contact_hours=3,
        first_contact_on_time=True, decided_on_time=True, outcome="resolved_informally",
        satisfaction=5)  # fmt: skip
    row(2, days=4, channel="phone", resolved_informally=True, first_contact_hours=30,
        first_contact_on_time=False, decided_on_time=True, outcome="resolved_informally",
        needs_extra_care=True, satisfaction=4)  # fmt: skip
    row(3, days=40, channel="web", first_contact_hours=5, first_contact_on_time=True,
        decided_on_time=False, extensions=1, satisfaction=2)  # fmt: skip
    row(4, days=20, channel="counter", decided_on_time=True, needs_extra_care=True)
    row(5, days=6, channel="web", outcome="withdrawn")
    row(6, kind="objection", days=90, team_code="bezwaar", decided_on_time=False,
        postponements=1, penalty_paid=Decimal("1442.00"), outcome="closed")  # fmt: skip
    row(7, kind="objection", days=70, team_code="bezwaar", decided_on_time=True,
        resolved_informally=True, outcome="withdrawn")  # fmt: skip
    # Closed in another year: not counted.
    row(8, days=3, closed_on=datetime.date(2025, 12, 31), received_on=datetime.date(2025, 12, 28))


def test_one_line_for_the_year_against_hand_counted_figures(seeded):
    (line,) = figures_report(YEAR)
    assert line["cases"] == 7
    # first contact: counted where the norm applied (1, 2, 3): 2 of 3 within it
    assert line["first_contact_within_norm"] == round(2 / 3, 4)
    assert line["first_contact_hours_median"] == 5  # of 3, 5, 30
    assert line["resolved_informally"] == round(3 / 7, 4)
    # decided on time: counted where the term ended (1, 2, 3, 4, 6, 7): 4 of 6
    assert line["decided_on_time"] == round(4 / 6, 4)
    # handling days 2, 4, 6, 20, 40, 70, 90: median the 4th, p90 the ceil(6.3) = 7th
    assert line["handling_days_median"] == 20
    assert line["handling_days_p90"] == 90
    assert (line["extensions"], line["postponements"]) == (1, 1)
    assert line["penalties_paid"] == "1442.00"
    assert line["ratings"] == 3
    assert line["satisfaction_average"] == round(11 / 3, 2)
    care = line["extra_care"]
    assert care["cases"] == 2  # 2 and 4
    assert care["resolved_informally"] == 0.5
    assert care["handling_days_median"] == 4  # of 4, 20
    assert care["first_contact_within_norm"] == 0.0  # only 2 counted, missed


def test_by_channel_and_filters(seeded):
    lines = {
        line["group"]: line
        for line in figures_report(
            ReportFilters(YEAR.start, YEAR.end, kind="complaint", group="channel")
        )
    }
    assert set(lines) == {"counter", "phone", "web"}
    assert lines["phone"]["cases"] == 2
    assert lines["phone"]["resolved_informally"] == 1.0
    assert lines["web"]["handling_days_median"] == 6  # of 6, 40
    assert lines["counter"]["extra_care"]["cases"] == 1
    assert lines["web"]["extra_care"] is None


def test_the_report_is_one_statement_on_postgresql_and_six_elsewhere(seeded):
    filters = ReportFilters(YEAR.start, YEAR.end, group="team_code")
    with CaptureQueriesContext(connection) as queries:
        figures_report(filters)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        figures_report(filters, portable=True)
    assert len(queries) == 6


@pytest.mark.parametrize("group", ["", "kind", "channel", "team_code", "outcome"])
def test_the_portable_sql_gives_what_postgresql_gives(seeded, group):
    """The ranks (SQLite, ``make run``) and percentile_disc (PostgreSQL) are one rule."""
    filters = ReportFilters(YEAR.start, YEAR.end, group=group)
    assert figures_report(filters, portable=True) == figures_report(filters)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 400),
            st.booleans(),
            st.one_of(st.none(), st.integers(0, 500)),
            st.sampled_from(["web", "phone", "counter"]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_both_agree_on_any_rows(db, rows):
    CaseFigures.objects.all().delete()
    for n, (days, care, hours, channel) in enumerate(rows, 1):
        row(n, days=days, needs_extra_care=care, first_contact_hours=hours, channel=channel)
    for group in ("", "channel"):
        filters = ReportFilters(datetime.date(2026, 1, 1), datetime.date(2027, 12, 31), group=group)
        assert figures_report(filters, portable=True) == figures_report(filters)


def closed_by_phone(hc, anon, team) -> Case:
    """A web complaint the handler resolved on the phone (which closes it)."""
    reference = anon.post("/api/v1/complaints", complaint_body()).json()["reference"]
    Case.objects.filter(reference=reference).update(team=team)
    case = Case.objects.get(reference=reference)
    ok(hc, case, "confirm_receipt")
    call(hc, case, "reached", morning())
    ok(hc, case, "resolve_informally", solution="Opgelost.", confirmedVia="phone",
       confirmedAt=morning().isoformat())  # fmt: skip
    return case


def test_a_case_closed_by_phone_writes_its_figures(client_for, users, anon, team):
    hc = client_for(users[Role.CASE_HANDLER])
    case = closed_by_phone(hc, anon, team)
    reference = case.reference
    figures = CaseFigures.objects.get(case_id=case.pk)
    assert figures.outcome == "resolved_informally"
    assert figures.resolved_informally is True
    assert figures.first_contact_on_time is True
    assert figures.decided_on_time is True
    assert figures.channel == "web"
    assert figures.team_code == team.code
    assert figures.satisfaction is None
    # A rating afterwards is counted too.
    rated = hc.post(f"/api/v1/cases/{reference}/satisfaction", {"rating": 4}, format="json")
    assert rated.status_code == 201, rated.content
    assert CaseFigures.objects.get(case_id=case.pk).satisfaction == 4


def test_an_open_case_has_no_figures(client_for, anon):
    reference = anon.post("/api/v1/complaints", complaint_body()).json()["reference"]
    assert not CaseFigures.objects.filter(case_id=Case.objects.get(reference=reference).pk).exists()


# -- The endpoint ----------------------------------------------------------------------

PATH = "/api/v1/reports/figures?start=2026-01-01&end=2026-12-31"


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.ADMINISTRATOR])
def test_team_leads_and_administrators_get_the_figures(seeded, users, client_for, role):
    response = client_for(users[role]).get(PATH + "&groupBy=kind")
    assert response.status_code == 200
    body = response.json()
    assert [line["group"] for line in body["results"]] == ["complaint", "objection"]
    assert body["results"][1]["penaltiesPaid"] == "1442.00"
    assert body["results"][0]["extraCare"]["cases"] == 2


def test_the_figures_as_csv(seeded, users, client_for):
    response = client_for(users[Role.TEAM_LEAD]).get(PATH, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["cases"] == "7"
    assert rows[0]["extra_care_cases"] == "2"
    assert rows[0]["handling_days_p90"] == "90"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?start=2026-12-31&end=2026-01-01", "end"),
        ("?start=1066-01-01&end=2026-01-01", "start"),
        ("?groupBy=subject", "groupBy"),
        ("?kind=other", "kind"),
    ],
)
def test_bad_parameters_are_field_errors(users, client_for, query, field):
    response = client_for(users[Role.TEAM_LEAD]).get("/api/v1/reports/figures" + query)
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == field


@pytest.mark.parametrize(
    "role", [Role.RESIDENT, Role.CASE_HANDLER, Role.LEGAL_STAFF, Role.INTEGRATION_CLIENT]
)
def test_no_one_else_gets_the_figures(users, client_for, role):
    assert client_for(users[role]).get(PATH).status_code == 403


def test_a_superuser_without_the_role_gets_what_an_administrator_gets(client_for):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    # A superuser holds the administrator's grants (backend/accounts/backends.py).
    assert client_for(root).get(PATH).status_code == 200


def test_anonymous_is_refused(anon):
    assert anon.get(PATH).status_code == 401


def test_the_figures_of_closed_cases_can_be_rebuilt(client_for, users, anon, team, capsys):
    case = closed_by_phone(client_for(users[Role.CASE_HANDLER]), anon, team)
    CaseFigures.objects.all().delete()  # as before an upgrade
    call_command("figures_rebuild")
    assert "1 closed case(s) counted." in capsys.readouterr().out
    assert CaseFigures.objects.get(case_id=case.pk).resolved_informally is True
