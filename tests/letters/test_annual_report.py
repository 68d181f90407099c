"""The annual complaint report (Awb 9:12a, issue 17.8): numbers, subject areas, outcomes,
on-time and informal shares and the team leads' measures; JSON, a tagged PDF/A made as
letters are, and CSV; no personal data; team leads and administrators read it, team
leads write the measures."""

import csv
import datetime
import io
import os
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from backend.accounts.roles import Role
from cases.models import CaseFigures
from tests.cases.test_filing_api import complaint_body
from tests.factories import UserFactory
from tests.letters.pdfa import pdfa_problems, struct_types

pytestmark = pytest.mark.django_db

# This year: the open case filed below counts as received in it.
YEAR = timezone.localdate().year
PATH = f"/api/v1/reports/complaints/{YEAR}"
MEASURES = "De balie heeft een rustige wachtruimte gekregen.\nMedewerkers volgden een training."


def figures(n, **fields):
    values = {
        "case_id": n,
        "kind": "complaint",
        "channel": "web",
        "team_code": "klachten",
        "outcome": "closed",
        "judgement": "",
        "received_on": datetime.date(YEAR, 2, 1),
        "closed_on": datetime.date(YEAR, 3, 1),
        "handling_days": 28,
        "resolved_informally": False,
        "decided_on_time": True,
        "needs_extra_care": False,
    }
    values.update(fields)
    return CaseFigures.objects.create(**values)


@pytest.fixture
def year(anon, team):
    figures(1, channel="phone", outcome="resolved_informally", resolved_informally=True,
            handling_days=3)  # fmt: skip
    figures(2, channel="counter", judgement="founded", handling_days=40, decided_on_time=False)
    figures(3, judgement="unfounded", handling_days=20)
    figures(4, kind="objection", team_code="bezwaar")  # not a complaint: not in it
    # Received the year before, handled this year: handled, not received.
    figures(5, received_on=datetime.date(YEAR - 1, 12, 20), judgement="founded")
    # Filed this year and still open: received, and open at the year's end.
    body = complaint_body()
    body["parties"][0]["name"] = "Cornelia Tuinstra"
    assert anon.post("/api/v1/complaints", body, format="json").status_code == 201


def test_the_numbers_of_the_year(year, users, client_for):
    report = client_for(users[Role.TEAM_LEAD]).get(PATH).json()
    assert report["received"] == 4 + 1 - 1  # 1, 2, 3 and the open one; not 5
    assert report["handled"] == 4
    assert report["openAtYearEnd"] == 1
    assert {r["value"]: r["cases"] for r in report["byChannel"]} == {
        "web": 2, "phone": 1, "counter": 1
    }  # fmt: skip
    assert report["bySubjectArea"] == [{"value": "klachten", "cases": 4}]
    assert {r["value"]: r["cases"] for r in report["byJudgement"]} == {
        "founded": 2, "unfounded": 1, "": 1
    }  # fmt: skip
    assert report["decidedOnTime"] == 0.75
    assert report["resolvedInformally"] == 0.25
    assert report["handlingDaysMedian"] == 20  # of 3, 20, 28, 40
    assert report["measures"] == ""


def test_team_leads_write_the_measures(year, users, client_for):
    lead = client_for(users[Role.TEAM_LEAD])
    written = lead.put(f"{PATH}/measures", {"text": MEASURES}, format="json")
    assert written.status_code == 200, written.content
    assert lead.get(PATH).json()["measures"] == MEASURES


@pytest.mark.parametrize(
    "role",
    [Role.RESIDENT, Role.CASE_HANDLER, Role.LEGAL_STAFF, Role.INTEGRATION_CLIENT,
     Role.ADMINISTRATOR],
)  # fmt: skip
def test_no_one_else_writes_them(users, client_for, role):
    response = client_for(users[role]).put(f"{PATH}/measures", {"text": "x"}, format="json")
    assert response.status_code == 403


def test_a_superuser_writes_no_measures(client_for):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert client_for(root).put(f"{PATH}/measures", {"text": "x"}, format="json").status_code == 403


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_report_as_a_tagged_pdfa(year, users, client_for, language):
    lead = client_for(users[Role.TEAM_LEAD])
    lead.put(f"{PATH}/measures", {"text": MEASURES}, format="json")
    response = lead.get(f"{PATH}?language={language}", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == f'attachment; filename="jaarverslag-klachten-{YEAR}.pdf"'
    )
    pdf = response.content
    assert pdfa_problems(pdf, language) == []
    if picture_dir := os.environ.get("LETTERS_PREVIEW_DIR"):
        Path(picture_dir).mkdir(parents=True, exist_ok=True)
        Path(picture_dir, f"annual_complaint_report-{language}.pdf").write_bytes(pdf)
    assert {"/H1", "/Table", "/TH", "/TD"} <= struct_types(pdf)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    title = "Jaarverslag klachten" if language == "nl" else "Annual complaint report"
    assert f"{title} {YEAR}" in text
    assert "9:12a" in text
    on_time = {
        "nl": "Afgehandeld binnen de wettelijke termijn",
        "en": "Handled within the legal term",
    }
    assert on_time[language] in text
    assert "Klachten" in text  # the team's name as the subject area
    assert "75%" in text
    assert "rustige wachtruimte" in text
    assert "Cornelia" not in text  # no personal data


def test_the_report_as_csv(year, users, client_for):
    response = client_for(users[Role.ADMINISTRATOR]).get(PATH, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "item", "value"]
    assert ["summary", "handled", "4"] in rows
    assert ["by_channel", "phone", "1"] in rows


@pytest.mark.parametrize("year_given", [1999, 2999])
def test_a_year_out_of_range_is_a_field_error(users, client_for, year_given):
    response = client_for(users[Role.TEAM_LEAD]).get(f"/api/v1/reports/complaints/{year_given}")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "year"


@pytest.mark.parametrize(
    "role", [Role.RESIDENT, Role.CASE_HANDLER, Role.LEGAL_STAFF, Role.INTEGRATION_CLIENT]
)
def test_only_team_leads_and_administrators_read_it(users, client_for, role):
    assert client_for(users[role]).get(PATH).status_code == 403
