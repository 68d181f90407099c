"""GET /api/v1/legal-terms/{term} and /legal-terms/penalty-payment."""

import datetime

import pytest
from django.utils import timezone

from backend.accounts.roles import Role
from cases.models import Case, DeadlineKind
from tests.cases.test_filing_api import objection_body
from tests.conftest import ALL_ROLES

pytestmark = pytest.mark.django_db


def test_objection_period_explains_the_atw_steps(anon):
    """Awb 6:7/6:8 + Atw art. 1 and 3: raw end Sunday 4 May 2025 -> Tuesday 6 May."""
    response = anon.get("/api/v1/legal-terms/objection-period?startDate=2025-03-23")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["term"] == "objection-period"
    assert body["startDate"] == "2025-03-23"
    assert body["endDate"] == "2025-05-06"
    assert "6:7" in body["legalBasis"]
    texts = " ".join(step["text"] for step in body["steps"])
    assert "2025-05-04 is a Sunday" in texts
    assert "Bevrijdingsdag" in texts
    assert response["API-Version"] == "1.0.0"


def test_complaint_handling_with_committee_and_extension(anon):
    """Awb 9:11: 10 weeks with a committee, plus at most 4 weeks."""
    plain = anon.get("/api/v1/legal-terms/complaint-handling?startDate=2025-04-14").json()
    committee = anon.get(
        "/api/v1/legal-terms/complaint-handling?startDate=2025-04-14&withCommittee=true"
    ).json()
    extended = anon.get(
        "/api/v1/legal-terms/complaint-handling?startDate=2025-04-14&withCommittee=true"
        "&extensionWeeks=4"
    ).json()

    assert plain["endDate"] == "2025-05-26"
    assert committee["endDate"] == "2025-06-23"
    assert extended["endDate"] == "2025-07-21"


def test_objection_decision_term(anon):
    """Awb 7:10: 6 weeks from the day after the objection period ended; 12 with committee."""
    six = anon.get("/api/v1/legal-terms/objection-decision?startDate=2025-05-06").json()
    twelve = anon.get(
        "/api/v1/legal-terms/objection-decision?startDate=2025-05-06&withCommittee=true"
    ).json()
    assert six["endDate"] == "2025-06-17"
    assert twelve["endDate"] == "2025-07-29"


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("/legal-terms/parking-permit?startDate=2025-01-01", "term"),
        ("/legal-terms/objection-period?startDate=01-01-2025", "startDate"),
        ("/legal-terms/objection-period", "startDate"),
        (
            "/legal-terms/complaint-handling?startDate=2025-01-01&extensionWeeks=-1",
            "extensionWeeks",
        ),
        ("/legal-terms/complaint-handling?startDate=2025-01-01&extensionWeeks=5", "extensionWeeks"),
        ("/legal-terms/objection-decision?startDate=2025-01-01&extensionWeeks=7", "extensionWeeks"),
        ("/legal-terms/objection-period?startDate=2025-01-01&extensionWeeks=1", "extensionWeeks"),
        ("/legal-terms/objection-period?startDate=2025-01-01&start_date=x", "start_date"),
        ("/legal-terms/penalty-payment?termExpired=2025-01-01", "noticeOfDefaultReceived"),
        ("/legal-terms/penalty-payment?days=-3", "days"),
        ("/legal-terms/penalty-payment?days=3&termExpired=2025-01-01", "days"),
        # Plausible ranges: no overflow, no dates before the law or the penalty tables.
        ("/legal-terms/objection-decision?startDate=9999-12-31", "startDate"),
        ("/legal-terms/objection-period?startDate=0001-01-01", "startDate"),
        ("/legal-terms/complaint-handling?startDate=2101-01-01", "startDate"),
        ("/legal-terms/penalty-payment?days=1000000000000000000", "days"),
        (
            "/legal-terms/penalty-payment?termExpired=2008-01-01&noticeOfDefaultReceived=2008-03-01",
            "noticeOfDefaultReceived",
        ),
        (
            "/legal-terms/penalty-payment?termExpired=2025-01-01&noticeOfDefaultReceived=9999-12-31",
            "noticeOfDefaultReceived",
        ),
        (
            "/legal-terms/objection-decision?startDate=2025-01-01&extensionWeeks=105",
            "extensionWeeks",
        ),
    ],
)
def test_invalid_input_is_a_400_problem_naming_the_parameter(anon, query, name):
    response = anon.get(f"/api/v1{query}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert name in [p["name"] for p in response.json()["invalidParams"]]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_may_use_the_calculator(client_for, users, role):
    response = client_for(users[role]).get(
        "/api/v1/legal-terms/complaint-handling?startDate=2025-04-14"
    )
    assert response.status_code == 200


def test_penalty_for_n_days(anon):
    """Awb 4:17(2): 14 x 23 + 14 x 35 + 14 x 45 = 1,442; capped at 42 days."""
    body = anon.get("/api/v1/legal-terms/penalty-payment?days=42").json()
    assert body["amount"] == "1442.00"
    assert body["currency"] == "EUR"
    assert [band["perDay"] for band in body["bands"]] == ["23.00", "35.00", "45.00"]
    capped = anon.get("/api/v1/legal-terms/penalty-payment?days=60").json()
    assert capped["amount"] == "1442.00"
    assert anon.get("/api/v1/legal-terms/penalty-payment?days=15").json()["amount"] == "357.00"


def test_penalty_from_dates(anon):
    """Notice received after expiry; penalty from two weeks after receipt, until sent."""
    body = anon.get(
        "/api/v1/legal-terms/penalty-payment?termExpired=2025-06-17"
        "&noticeOfDefaultReceived=2025-06-20&decisionSent=2025-07-10"
    ).json()
    assert body["noticeCounts"] is True
    assert body["firstPenaltyDay"] == "2025-07-04"
    assert body["lastPenaltyDay"] == "2025-07-10"
    assert body["days"] == 7
    assert body["amount"] == "161.00"
    assert body["fixAmountBy"] == "2025-07-24"


def test_premature_notice_of_default_does_not_count(anon):
    """Awb 4:17(1): a notice received before the term expired is no notice."""
    body = anon.get(
        "/api/v1/legal-terms/penalty-payment?termExpired=2025-06-17"
        "&noticeOfDefaultReceived=2025-06-10"
    ).json()
    assert body["noticeCounts"] is False
    assert body["amount"] == "0.00"


def test_the_term_on_every_objection_matches_the_calculator(client_for, users, time_machine):
    time_machine.move_to(datetime.datetime(2025, 4, 1, 10, 0, tzinfo=datetime.UTC))
    body = objection_body()
    body["objection"]["decisionDate"] = "2025-03-24"
    reference = (
        client_for(users[Role.RESIDENT]).post("/api/v1/objections", body).json()["reference"]
    )
    deadline = Case.objects.get(reference=reference).deadlines.get(
        kind=DeadlineKind.OBJECTION_DECISION
    )
    client = client_for(users[Role.LEGAL_STAFF])

    period = client.get("/api/v1/legal-terms/objection-period?startDate=2025-03-24").json()
    decision = client.get(
        f"/api/v1/legal-terms/objection-decision?startDate={period['endDate']}"
    ).json()

    assert deadline.due_date.isoformat() == decision["endDate"]
    assert timezone.localdate() == datetime.date(2025, 4, 1)


def test_calculator_is_in_the_openapi_document(anon):
    paths = anon.get("/api/v1/openapi.json").json()["paths"]
    assert "/legal-terms/{term}" in paths
    assert "/legal-terms/penalty-payment" in paths
    params = {p["name"] for p in paths["/legal-terms/{term}"]["get"]["parameters"]}
    assert {"startDate", "withCommittee", "extensionWeeks"} <= params
