"""The resident's tracking link: filing returns it; without an account the resident reads
the status in plain language, the next step and its date and their letters, adds
information, withdraws and rates - for that one case only."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.roles import Role
from backend.outbox.models import OutboxMessage
from backend.processing_log.models import ProcessingRecord
from cases.models import Case, CaseEvent, Satisfaction, TrackingLink
from cases.tracking import PHASE_TEXT, PHASES
from cases.tracking_links import tracked_case, tracking_link_issue
from cases.workflows import service as workflow
from cases.workflows.registry import WORKFLOWS
from letters import services as letter_services
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.letters.test_receipt_letters import letter_text
from tracking.api import TrackingThrottle

pytestmark = pytest.mark.django_db


def file(path="/api/v1/complaints", body=None, client=None, **headers):
    response = (client or APIClient()).post(
        path, body or complaint_body(), format="json", **headers
    )
    assert response.status_code == 201, response.content
    return response


def key_of(url: str) -> str:
    return re.search(r"/api/v1/tracking/([A-Za-z0-9_-]+)$", url).group(1)


def follow(key: str, language: str = "nl", path: str = ""):
    return APIClient().get(f"/api/v1/tracking/{key}{path}", HTTP_ACCEPT_LANGUAGE=language)


def test_every_state_of_both_workflows_has_a_phase_with_a_plain_text():
    for kind, flow in WORKFLOWS.items():
        assert set(PHASES[kind]) == set(flow.states.values), kind
        assert set(PHASES[kind].values()) <= set(PHASE_TEXT)


def test_filing_answers_with_the_tracking_link_the_call_date_and_the_decision_date(settings):
    settings.PUBLIC_BASE_URL = "https://klachten.gemeente.example"
    body = file().json()

    assert body["trackingUrl"].startswith("https://klachten.gemeente.example/api/v1/tracking/")
    case = Case.objects.get(reference=body["reference"])
    due = {d.kind: d.due_date.isoformat() for d in case.deadlines.all()}
    assert body["callBy"] == due["first_contact"]
    assert body["decisionBy"] == due["complaint_handling"]
    # Only the hash is kept.
    key = key_of(body["trackingUrl"])
    assert key not in str(list(TrackingLink.objects.values()))
    assert tracked_case(key) == case


def test_the_resident_follows_the_case_in_plain_dutch_or_english(users, team):
    body = file().json()
    key = key_of(body["trackingUrl"])
    case = Case.objects.get(reference=body["reference"])
    handler = users[Role.CASE_HANDLER]
    handler.first_name, handler.last_name = "Noor", "Bakker"
    handler.save()
    Case.objects.filter(pk=case.pk).update(team=team, assignee=handler)

    dutch = follow(key)
    assert dutch.status_code == 200
    page = dutch.json()
    assert page["reference"] == body["reference"]
    assert page["statusText"] == "We hebben het ontvangen. We nemen snel contact met u op."
    assert page["nextStep"] == {"what": "We bellen u", "by": body["callBy"]}
    assert page["handler"] == "Noor"  # the first name only
    assert "Bakker" not in dutch.content.decode()
    english = follow(key, "en").json()
    assert english["statusText"] == "We have received it. We will contact you soon."


def test_an_unknown_revoked_or_expired_key_is_one_and_the_same_404(settings):
    body = file().json()
    old = key_of(body["trackingUrl"])
    case = Case.objects.get(reference=body["reference"])
    new = tracking_link_issue(case)  # revokes the first
    closed = key_of(file().json()["trackingUrl"])
    closed_case = tracked_case(closed)
    Case.objects.filter(pk=closed_case.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=settings.TRACKING_DAYS_AFTER_CLOSING + 1)
    )

    answers = [follow(k) for k in (old, closed, "x" * 32, "kort")]
    assert {a.status_code for a in answers} == {404}
    # Nothing tells them apart (the instance is the path asked for).
    assert len({(a.json()["type"], a.json()["detail"]) for a in answers}) == 1
    assert follow(new).status_code == 200


def test_every_key_costs_the_same_single_lookup():
    """Equal work for a valid, an unknown and a revoked key: one indexed query each."""
    body = file().json()
    valid = key_of(body["trackingUrl"])
    revoked = key_of(file().json()["trackingUrl"])
    tracking_link_issue(tracked_case(revoked))
    counts = []
    for key in (valid, revoked, "onbekend-" * 4):
        with CaptureQueriesContext(connection) as queries:
            tracked_case(key)
        counts.append(len(queries.captured_queries))
        assert "key_hash" in queries.captured_queries[0]["sql"]
    assert counts == [1, 1, 1]


def test_the_link_reaches_no_other_case(users, team):
    first = file().json()
    second = file().json()
    for each in (first, second):
        case = Case.objects.get(reference=each["reference"])
        Case.objects.filter(pk=case.pk).update(team=team)
        workflow.case_transition(
            case=case, name="confirm_receipt", data={}, by=users[Role.CASE_HANDLER]
        )
    letter_services.letters_render_pending()
    other_letter = Case.objects.get(reference=second["reference"]).letters.get()
    key = key_of(first["trackingUrl"])

    own = follow(key).json()["letters"]
    assert len(own) == 1
    assert own[0]["title"] == "Ontvangstbevestiging van uw klacht"
    assert follow(key, path=f"/letters/{own[0]['id']}").status_code == 200
    assert follow(key, path=f"/letters/{other_letter.pk}").status_code == 404


def test_the_resident_adds_information_for_the_handler():
    body = file().json()
    key = key_of(body["trackingUrl"])
    response = APIClient().post(
        f"/api/v1/tracking/{key}/information",
        {"text": "Ik ben vanaf maandag telefonisch bereikbaar na 17 uur."},
        format="json",
    )
    assert response.status_code == 201, response.content
    note = CaseEvent.objects.get(case__reference=body["reference"], kind="note")
    assert "na 17 uur" in note.text
    empty = APIClient().post(f"/api/v1/tracking/{key}/information", {}, format="json")
    assert empty.status_code == 400


def test_the_resident_withdraws_an_objection_and_gets_the_confirmation():
    body = file("/api/v1/objections", objection_body()).json()
    key = key_of(body["trackingUrl"])

    response = APIClient().post(
        f"/api/v1/tracking/{key}/withdrawal", {"reason": "Opgelost"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["phase"] == "withdrawn"
    case = Case.objects.get(reference=body["reference"])
    assert case.status == "withdrawn"
    step = CaseEvent.objects.get(case=case, kind="transition")
    assert (step.actor, step.data["by_filer"], step.data["step"]) == (None, True, "withdraw")
    assert OutboxMessage.objects.filter(
        case=case, payload__letter="objection_withdrawal_confirmation"
    ).exists()
    again = APIClient().post(f"/api/v1/tracking/{key}/withdrawal", {}, format="json")
    assert again.status_code == 409


def test_the_complainant_rates_once_after_closing():
    body = file().json()
    key = key_of(body["trackingUrl"])
    rate = {"rating": 4, "comment": "Snel geholpen"}
    early = APIClient().post(f"/api/v1/tracking/{key}/rating", rate, format="json")
    assert early.status_code == 409  # not closed yet
    Case.objects.filter(reference=body["reference"]).update(
        status="resolved_informally", closed_at=timezone.now()
    )
    assert follow(key).json()["mayRate"] is True

    rated = APIClient().post(f"/api/v1/tracking/{key}/rating", rate, format="json")

    assert rated.status_code == 201, rated.content
    assert rated.json()["mayRate"] is False
    assert Satisfaction.objects.get(case__reference=body["reference"]).rating == 4
    again = APIClient().post(f"/api/v1/tracking/{key}/rating", rate, format="json")
    assert again.status_code == 409


def test_a_replayed_filing_answers_with_a_new_link_and_revokes_the_lost_one():
    first = file(HTTP_IDEMPOTENCY_KEY="formulier-123").json()
    again = file(HTTP_IDEMPOTENCY_KEY="formulier-123").json()
    assert again["reference"] == first["reference"]
    assert follow(key_of(first["trackingUrl"])).status_code == 404
    assert follow(key_of(again["trackingUrl"])).status_code == 200


def test_a_resident_with_an_account_withdraws_their_own_case(users, client_for, team):
    resident = client_for(users[Role.RESIDENT])
    reference = file(client=resident).json()["reference"]
    Case.objects.filter(reference=reference).update(team=team)
    handler = client_for(users[Role.CASE_HANDLER])
    refused = handler.post(f"/api/v1/cases/{reference}/withdrawal", {}, format="json")
    assert refused.status_code == 403  # staff record it with the step instead

    response = resident.post(f"/api/v1/cases/{reference}/withdrawal", {}, format="json")

    assert response.status_code == 200, response.content
    assert Case.objects.get(reference=reference).status == "withdrawn"


def test_tracking_is_throttled_per_address(monkeypatch):
    cache.clear()  # the throttle's history of this address from other tests
    monkeypatch.setattr(TrackingThrottle, "THROTTLE_RATES", {"tracking": "3/minute"})
    answers = [follow("onbekend" * 4).status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]


def test_staff_issue_a_new_link_that_stops_the_old_one(users, client_for, team):
    body = file().json()
    Case.objects.filter(reference=body["reference"]).update(team=team)
    handler = client_for(users[Role.CASE_HANDLER])

    response = handler.post(f"/api/v1/cases/{body['reference']}/tracking-link")

    assert response.status_code == 201, response.content
    assert follow(key_of(response.json()["trackingUrl"])).status_code == 200
    assert follow(key_of(body["trackingUrl"])).status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "letter", "says"),
    [
        (
            "/api/v1/complaints",
            complaint_body,
            "complaint_withdrawal_confirmation",
            "U hebt uw klacht",
        ),
        (
            "/api/v1/objections",
            objection_body,
            "objection_withdrawal_confirmation",
            "zelf ingetrokken",
        ),
    ],
)
def test_a_withdrawal_with_the_link_is_confirmed_by_a_letter_that_says_so(
    path, body, letter, says, working_morning
):
    filed = file(path, body()).json()
    key = key_of(filed["trackingUrl"])
    APIClient().post(f"/api/v1/tracking/{key}/withdrawal", {"reason": "Opgelost"}, format="json")

    text = letter_text(Case.objects.get(reference=filed["reference"]), letter)

    assert says in text
    assert "Uw reden: Opgelost" in text
    assert "gesprek" not in text  # no conversation took place


def test_reading_the_case_through_the_link_is_in_the_processing_log():
    """The resident reads the case's personal data (its letters) through the link: a
    record about them, anonymous (the link is the credential), saying so."""
    body = file().json()
    case = Case.objects.get(reference=body["reference"])
    assert follow(key_of(body["trackingUrl"])).status_code == 200
    (record,) = ProcessingRecord.objects.filter(name="tracking:get")
    assert record.data_subject_id == str(case.parties.get().pk)
    assert (record.actor_type, record.actor_id) == ("anonymous", "")
    assert record.attributes["casehandling.via"] == "tracking-link"
