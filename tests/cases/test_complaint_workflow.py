"""The complaint workflow over the API: every route, roles x steps, races, invariants."""

import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from backend.accounts.roles import Role
from backend.domain import DomainConflict
from cases import services
from cases.models import Case, CaseEvent, DeadlineState
from cases.workflows import service as workflow
from cases.workflows.complaint import FINAL_STATES, ComplaintState
from tests.cases.steps import hearing_time, legacy_step, offered, ok, step
from tests.cases.test_filing_api import complaint_body
from tests.conftest import ALL_ROLES
from tests.factories import UserFactory
from tests.outbox import letter_requests

pytestmark = pytest.mark.django_db

NOW = timezone.now


def call(client, case, outcome, at):
    response = client.post(
        f"/api/v1/cases/{case.reference}/contact-moments",
        {"outcome": outcome, "occurredAt": at.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def letters(case):
    return sorted(m.payload["letter"] for m in letter_requests(case=case))


def deadline_states(case):
    return {d.kind: d.state for d in case.deadlines.all()}


@pytest.fixture
def handler(users):
    return users[Role.CASE_HANDLER]


@pytest.fixture
def hc(client_for, handler):
    return client_for(handler)


@pytest.fixture
def complaint(anon, handler, team):
    """A complaint filed through the web form, in the team's queue, claimed."""
    reference = anon.post("/api/v1/complaints", complaint_body()).json()["reference"]
    case = Case.objects.get(reference=reference)
    case.team = team
    case.save(update_fields=["team"])
    services.case_assign(case=case, assignee=handler, by=handler)
    return Case.objects.get(pk=case.pk)


def morning(days_ago=1):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


class TestRoutes:
    def test_informal_success_on_the_first_call(self, hc, complaint):
        body = ok(hc, complaint, "confirm_receipt")
        assert body["status"] == "awaiting_contact"
        assert "resolve_informally" in offered(body)
        call(hc, complaint, "reached", morning())

        body = ok(
            hc,
            complaint,
            "resolve_informally",
            solution="Container wordt morgen geleegd; excuses aangeboden.",
            confirmedVia="phone",
            confirmedAt=morning().isoformat(),
        )

        assert body["status"] == "resolved_informally"
        assert body["closedAt"] is not None
        assert offered(body) == []
        assert body["complaint"]["informalSolution"].startswith("Container")
        assert deadline_states(complaint) == {
            "receipt_confirmation": "met",
            "first_contact": "met",
            "complaint_handling": "met",
        }
        assert letters(complaint) == ["complaint_informal_resolution", "complaint_receipt"]
        steps = [
            e.data["step"] for e in CaseEvent.objects.filter(case=complaint, kind="transition")
        ]
        assert steps == ["confirm_receipt", "resolve_informally"]
        assert [m["outcome"] for m in body["contactMoments"]] == ["reached"]

    def test_two_failed_calls_then_written_contact(self, hc, complaint):
        ok(hc, complaint, "confirm_receipt")
        call(hc, complaint, "no_answer", morning(2))
        too_soon = step(hc, complaint, "offer_written_contact")
        assert too_soon.status_code == 409
        assert "offer_written_contact" not in offered(too_soon.json())
        call(hc, complaint, "no_answer", morning(1))  # same time of day: still not enough
        assert step(hc, complaint, "offer_written_contact").status_code == 409
        afternoon = morning(1) + datetime.timedelta(hours=5)
        call(hc, complaint, "voicemail", afternoon)

        body = ok(hc, complaint, "offer_written_contact")

        assert body["status"] == "written_contact"
        assert deadline_states(complaint)["first_contact"] == "running"

    def test_formal_with_hearing_and_extension(self, hc, complaint, time_machine):
        ok(hc, complaint, "confirm_receipt")
        ok(hc, complaint, "start_formal_handling")
        handling = complaint.deadlines.get(kind="complaint_handling")
        due = handling.due_date
        at = hearing_time()
        ok(hc, complaint, "plan_hearing", at=at.isoformat(), location="Stadhuis, kamer 2.14")
        body = ok(hc, complaint, "extend_term", weeks=4, reason="Hoorzitting pas over 2 weken")
        time_machine.move_to(at)
        ok(hc, complaint, "hold_hearing", report="Beide partijen gehoord.")
        body = ok(
            hc,
            complaint,
            "record_outcome",
            findings="De medewerker was kortaf.",
            judgement="partly_founded",
            conclusions="Excuses aangeboden.",
            measures="Gesprek met medewerker.",
        )

        assert body["status"] == "closed"
        handling.refresh_from_db()
        assert handling.state == DeadlineState.MET
        assert handling.changes.get(kind="extended").due_after >= due + datetime.timedelta(28)
        assert letters(complaint) == [
            "complaint_copy_to_person_complained_about",
            "complaint_extension_notice",
            "complaint_hearing_invitation",
            "complaint_outcome",
            "complaint_receipt",
        ]

    def test_second_extension_needs_written_consent(self, hc, complaint):
        ok(hc, complaint, "confirm_receipt")
        ok(hc, complaint, "start_formal_handling")
        ok(hc, complaint, "extend_term", weeks=4, reason="drukte")
        refused = step(hc, complaint, "extend_term", weeks=2, reason="nog drukker")
        assert refused.status_code == 400
        assert refused.json()["invalidParams"][0]["name"] == "consent"
        before = complaint.deadlines.get(kind="complaint_handling").due_date
        ok(hc, complaint, "extend_term", weeks=2, reason="met instemming", consent=True)
        after = complaint.deadlines.get(kind="complaint_handling").due_date
        assert after > before

    def test_extension_beyond_four_weeks_is_refused(self, hc, complaint):
        ok(hc, complaint, "confirm_receipt")
        ok(hc, complaint, "start_formal_handling")
        response = step(hc, complaint, "extend_term", weeks=5, reason="te lang")
        assert response.status_code == 400
        assert complaint.complaint.extensions == 0

    def test_committee_makes_the_term_ten_weeks(self, hc, complaint):
        ok(hc, complaint, "confirm_receipt")
        ok(hc, complaint, "start_formal_handling")
        handling = complaint.deadlines.get(kind="complaint_handling")
        six_weeks = handling.due_date
        ok(hc, complaint, "involve_committee", name="Klachtencommissie")
        handling.refresh_from_db()
        assert (handling.due_date - six_weeks).days >= 28
        assert step(hc, complaint, "involve_committee", name="nogmaals").status_code == 409

    def test_formal_with_hearing_waived(self, hc, complaint):
        ok(hc, complaint, "confirm_receipt")
        ok(hc, complaint, "start_formal_handling")
        ok(hc, complaint, "waive_hearing", ground="waived")
        body = ok(
            hc, complaint, "record_outcome", findings="-", judgement="unfounded", conclusions="-"
        )
        assert body["status"] == "closed"
        assert body["complaint"]["hearingWaivedGround"] == "waived"

    def test_outcome_needs_a_hearing_or_a_waiver(self, hc, complaint):
        ok(hc, complaint, "confirm_receipt")
        ok(hc, complaint, "start_formal_handling")
        response = step(
            hc, complaint, "record_outcome", findings="-", judgement="unfounded", conclusions="-"
        )
        assert response.status_code == 409
        assert set(offered(response.json())) >= {"plan_hearing", "waive_hearing"}

    def test_not_handled(self, hc, complaint):
        body = ok(
            hc,
            complaint,
            "not_handle",
            ground="older_than_a_year",
            explanation="De gedraging was in 2023.",
        )
        assert body["status"] == "not_handled"
        assert set(deadline_states(complaint).values()) == {"cancelled"}
        assert letters(complaint) == ["complaint_not_handled_notice"]

    def test_withdrawn_during_formal_handling(self, hc, complaint):
        ok(hc, complaint, "confirm_receipt")
        ok(hc, complaint, "start_formal_handling")
        body = ok(hc, complaint, "withdraw", reason="Opgelost met de buren.")
        assert body["status"] == "withdrawn"
        assert not complaint.deadlines.filter(state__in=["running", "suspended"]).exists()

    def test_forwarded(self, hc, complaint):
        ok(hc, complaint, "confirm_receipt")
        body = ok(hc, complaint, "forward", to="Provincie Overijssel", reason="Provinciale weg")
        assert body["status"] == "forwarded"
        assert body["complaint"]["forwardedTo"] == "Provincie Overijssel"
        assert body["closedAt"] is not None


class TestRules:
    def test_the_person_complained_about_cannot_handle_it_formally(self, client_for, anon, team):
        """Awb 9:7."""
        colleague = UserFactory(role=Role.CASE_HANDLER, teams=[team])
        lead = UserFactory(role=Role.TEAM_LEAD, teams=[team])
        body = complaint_body(channel="phone", receivedAt=NOW().isoformat())
        body["complaint"] = {"employee": colleague.username}
        reference = client_for(lead).post("/api/v1/complaints", body).json()["reference"]
        case = Case.objects.get(reference=reference)
        case.team = team
        case.save(update_fields=["team"])
        put = client_for(lead).put(
            f"/api/v1/cases/{reference}/assignment", {"assignee": colleague.username}
        )
        assert put.status_code == 400  # never assigned to the person complained about
        services.case_assign(case=case, assignee=lead, by=lead)
        ok(client_for(lead), case, "confirm_receipt")
        assert ok(client_for(lead), case, "start_formal_handling")["status"] == "formal_handling"

    def test_formal_handling_needs_a_handler(self, hc, complaint, handler):
        ok(hc, complaint, "confirm_receipt")
        services.case_assign(case=complaint, assignee=None, by=handler)
        assert step(hc, complaint, "start_formal_handling").status_code == 409

    def test_unknown_step_is_a_404_and_in_the_body_a_400_naming_it(self, hc, complaint):
        assert step(hc, complaint, "approve_everything").status_code == 404
        response = legacy_step(hc, complaint, "approve_everything")
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "name"

    def test_an_objection_step_on_a_complaint_is_a_404(self, hc, complaint):
        url = f"/api/v1/objections/{complaint.reference}/steps/confirm-receipt"
        assert hc.post(url, {}, format="json").status_code == 404

    def test_missing_data_names_the_field(self, hc, complaint):
        response = step(hc, complaint, "not_handle", ground="older_than_a_year")
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "explanation"
        legacy = legacy_step(hc, complaint, "not_handle", ground="older_than_a_year")
        assert legacy.json()["invalidParams"][0]["name"] == "data.explanation"

    def test_unknown_data_field_is_refused(self, hc, complaint):
        response = step(hc, complaint, "confirm_receipt", sendFlowers=True)
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "sendFlowers"
        legacy = legacy_step(hc, complaint, "confirm_receipt", sendFlowers=True)
        assert legacy.json()["invalidParams"][0]["name"] == "data.sendFlowers"

    def test_impossible_step_is_a_409_listing_the_allowed_ones(self, hc, complaint):
        response = step(hc, complaint, "hold_hearing", report="x")
        assert response.status_code == 409
        assert response["Content-Type"] == "application/problem+json"
        assert "confirm_receipt" in offered(response.json())
        assert response.json()["status"] == 409
        assert response.json()["caseStatus"] == "received"

    def test_contact_moment_validation(self, hc, complaint):
        url = f"/api/v1/cases/{complaint.reference}/contact-moments"
        assert hc.post(url, {"outcome": "maybe"}, format="json").status_code == 400
        callback = hc.post(url, {"outcome": "callback_requested"}, format="json")
        assert callback.json()["invalidParams"][0]["name"] == "callbackAt"
        future = (NOW() + datetime.timedelta(days=1)).isoformat()
        late = hc.post(url, {"outcome": "reached", "occurredAt": future}, format="json")
        assert late.json()["invalidParams"][0]["name"] == "occurredAt"

    def test_a_contact_moment_centuries_away_is_refused_and_nothing_stored(self, hc, complaint):
        """Found by the fuzz pass: a call in the year 377 was stored and written back with
        Amsterdam's local mean time offset (+00:19:32), which is no RFC 3339 moment."""
        url = f"/api/v1/cases/{complaint.reference}/contact-moments"
        for body in (
            {"outcome": "wrong_number", "occurredAt": "0377-08-02T09:09:19Z"},
            {"outcome": "voicemail", "callbackAt": "0002-07-21T16:49:02Z"},
            {"outcome": "callback_requested", "callbackAt": "6677-11-03T21:03:48Z"},
        ):
            response = hc.post(url, body, format="json")
            assert response.status_code == 400, response.content
            assert response["Content-Type"] == "application/problem+json"
            [param] = response.json()["invalidParams"]
            assert param["name"] == next(key for key in body if key != "outcome")
            assert param["code"] == "implausible"
        assert not complaint.contact_moments.exists()


def source_state_for(name):
    """The steps that bring a fresh complaint to a state where ``name`` is possible."""
    formal = ["confirm_receipt", "start_formal_handling"]
    return {
        "confirm_receipt": [],
        "offer_written_contact": ["confirm_receipt"],
        "resolve_informally": ["confirm_receipt"],
        "start_formal_handling": ["confirm_receipt"],
        "plan_hearing": formal,
        "hold_hearing": [*formal, "plan_hearing"],
        "waive_hearing": formal,
        "involve_committee": formal,
        "extend_term": formal,
        "record_outcome": [*formal, "waive_hearing"],
        "not_handle": [],
        "forward": [],
        "withdraw": [],
    }[name]


VALID_DATA = {
    "confirm_receipt": {},
    "offer_written_contact": {},
    "resolve_informally": {"solution": "x", "confirmed_via": "phone", "confirmed_at": None},
    "start_formal_handling": {},
    "plan_hearing": {"at": None, "location": "Stadhuis"},
    "hold_hearing": {"report": "verslag"},
    "waive_hearing": {"ground": "waived"},
    "involve_committee": {"name": "Commissie"},
    "extend_term": {"weeks": 2, "reason": "drukte"},
    "record_outcome": {"findings": "-", "judgement": "unfounded", "conclusions": "-"},
    "not_handle": {"ground": "already_handled", "explanation": "x"},
    "forward": {"to": "Provincie", "reason": "x"},
    "withdraw": {"reason": "x"},
}


def service_data(name):
    data = dict(VALID_DATA[name])
    if "confirmed_at" in data:
        data["confirmed_at"] = NOW() - datetime.timedelta(minutes=5)
    if "at" in data:
        data["at"] = hearing_time()
    return data


def wire_data(name):
    from backend.api.camel import camelize

    data = service_data(name)
    return camelize(
        {k: v.isoformat() if isinstance(v, datetime.datetime) else v for k, v in data.items()}
    )


ALLOWED = {Role.CASE_HANDLER, Role.TEAM_LEAD}


@pytest.mark.parametrize("name", list(VALID_DATA))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_step_by_every_role(client_for, users, complaint, handler, name, role, time_machine):
    for earlier in source_state_for(name):
        workflow.case_transition(
            case=complaint, name=earlier, data=service_data(earlier), by=handler
        )
    if name == "hold_hearing":  # recorded once its time has come
        time_machine.move_to(Case.objects.get(pk=complaint.pk).complaint.hearing_at)
    if name == "offer_written_contact":
        for hours in (0, 5):
            services.contact_moment_log(
                case=complaint, by=handler, outcome="no_answer",
                occurred_at=morning(1) + datetime.timedelta(hours=hours),
            )  # fmt: skip
    if role == Role.TEAM_LEAD:
        services.case_assign(case=complaint, assignee=users[role], by=users[role])

    response = step(client_for(users[role]), complaint, name, **wire_data(name))

    assert response.status_code == (200 if role in ALLOWED else 403), response.content


def test_anonymous_cannot_take_steps(anon, complaint):
    assert step(anon, complaint, "confirm_receipt").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_the_same_step_twice_at_once_gives_one_200_and_one_409():
    from tests.cases.test_concurrency import run_at_once
    from tests.conftest import roles_create
    from tests.factories import TeamFactory

    roles_create()
    team = TeamFactory(code="race")
    handler = UserFactory(role=Role.CASE_HANDLER, teams=[team])
    reference = (
        APIClient().post("/api/v1/complaints", complaint_body(), format="json").json()["reference"]
    )
    case = Case.objects.get(reference=reference)
    Case.objects.filter(pk=case.pk).update(team=team, assignee=handler)

    def confirm():
        client = APIClient()
        client.force_authenticate(handler)
        return step(client, case, "confirm_receipt").status_code

    assert sorted(run_at_once([confirm, confirm])) == [200, 409]
    assert CaseEvent.objects.filter(case=case, kind="transition").count() == 1
    assert letter_requests(case=case).count() == 1


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(st.sampled_from(list(VALID_DATA)), min_size=1, max_size=10))
def test_random_step_sequences_keep_the_invariants(anon, handler, team, names):
    """Whatever steps are tried, the case is never in an invalid state and a closed case
    has no running term."""
    reference = anon.post("/api/v1/complaints", complaint_body()).json()["reference"]
    case = Case.objects.get(reference=reference)
    Case.objects.filter(pk=case.pk).update(team=team, assignee=handler)
    for name in names:
        with contextlib.suppress(DomainConflict, ValidationError):
            workflow.case_transition(case=case, name=name, data=service_data(name), by=handler)
        case = Case.objects.get(pk=case.pk)
        assert case.status in ComplaintState.values
        if case.status in FINAL_STATES:
            assert case.closed_at is not None
            assert not case.deadlines.filter(state__in=["running", "suspended"]).exists()
            assert workflow.steps_available(case, handler) == []
        else:
            assert case.closed_at is None


class TestSatisfaction:
    """POST /api/v1/cases/{reference}/satisfaction: once, after closing."""

    @pytest.fixture
    def closed(self, client_for, users, team, handler):
        reference = (
            client_for(users[Role.RESIDENT])
            .post("/api/v1/complaints", complaint_body())
            .json()["reference"]
        )
        case = Case.objects.get(reference=reference)
        Case.objects.filter(pk=case.pk).update(team=team, assignee=handler)
        return case

    def rate(self, client, case, rating=4):
        return client.post(
            f"/api/v1/cases/{case.reference}/satisfaction",
            {"rating": rating, "comment": "Vriendelijk en snel"},
            format="json",
        )

    def test_complainant_rates_once_after_closing(self, client_for, users, closed, handler):
        resident = client_for(users[Role.RESIDENT])
        assert self.rate(resident, closed).status_code == 409  # still open
        workflow.case_transition(
            case=closed, name="withdraw", data={"reason": "opgelost"}, by=handler
        )
        assert self.rate(resident, closed, rating=6).status_code == 400
        first = self.rate(resident, closed)
        again = self.rate(resident, closed, rating=1)
        assert first.status_code == 201
        assert again.status_code == 409
        assert closed.satisfaction.rating == 4

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            (Role.RESIDENT, 201),  # the complainant
            (Role.CASE_HANDLER, 201),  # recording a rating given by phone
            (Role.TEAM_LEAD, 201),
            (Role.LEGAL_STAFF, 201),
            (Role.ADMINISTRATOR, 403),
            (Role.INTEGRATION_CLIENT, 404),  # not theirs
        ],
    )
    def test_by_role(self, client_for, users, closed, handler, role, status):
        workflow.case_transition(
            case=closed, name="withdraw", data={"reason": "opgelost"}, by=handler
        )
        assert self.rate(client_for(users[role]), closed).status_code == status

    def test_another_resident_cannot_rate(self, client_for, closed, handler):
        workflow.case_transition(
            case=closed, name="withdraw", data={"reason": "opgelost"}, by=handler
        )
        stranger = UserFactory(role=Role.RESIDENT)
        assert self.rate(client_for(stranger), closed).status_code == 404

    def test_anonymous(self, anon, closed):
        assert self.rate(anon, closed).status_code == 401


def test_not_handled_notice_says_whether_it_is_within_four_weeks(hc, complaint):
    """Awb 9:8(2): at the latest four weeks after receipt."""
    ok(hc, complaint, "not_handle", ground="insufficient_interest", explanation="Te gering.")
    payload = letter_requests().get(case=complaint).payload
    assert payload["on_time"] is True
    assert payload["ground"] == "insufficient_interest"
