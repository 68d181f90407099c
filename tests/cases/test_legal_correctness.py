"""Dates that follow the law and the facts, steps that follow reality (issue: legal and
workflow correctness). Each rule is walked through the API, citing its article."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.accounts.roles import Role
from cases import services
from cases.models import (
    CaseEvent,
    ComplaintDetails,
    DeadlineKind,
    DeadlineNotification,
    DeadlineState,
    EventKind,
    Party,
    PartyRole,
)
from cases.sweep import deadlines_sweep
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
from tests.outbox import letter_requests

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat
# Decision of 24 March 2025: the objection period ends on 5 May, Liberation Day, so on
# Tuesday 6 May (Atw art. 1); the 6-week decision term then ends on Tuesday 17 June.
DECISION = "2025-03-24"
DUE = D("2025-06-17")


@pytest.fixture
def lawyer_user(team):
    return UserFactory(username="jurist", role=Role.LEGAL_STAFF, teams=[team])


@pytest.fixture
def lawyer(client_for, lawyer_user):
    return client_for(lawyer_user)


@pytest.fixture
def objection(client_for, users, team, time_machine, lawyer):
    """Filed on Tuesday 1 April 2025 against the decision of 24 March; receipt confirmed."""
    time_machine.move_to(at("2025-04-01"))
    case = objection_filed(client_for(users[Role.RESIDENT]), team, decision_date=DECISION)
    ok(lawyer, case, "confirm_receipt")
    reached(case, users[Role.CASE_HANDLER])  # the call comes first
    assert decision_due(case) == DUE
    return case


@pytest.fixture(autouse=True)
def decree_days(db):
    """The decree days of 2025 (Atw art. 3(3)), as the data migration enters them."""
    from cases.models import DecreeDay

    for day in ("2025-05-30", "2026-01-02", "2026-05-15"):
        DecreeDay.objects.get_or_create(
            date=D(day), defaults={"name": "Vrijdag", "source": "Stcrt. 2025, 24713"}
        )


def letters_of(case) -> list[str]:
    return sorted(m.payload["letter"] for m in letter_requests(case=case))


def failed(response) -> list[str]:
    return [c["name"] for c in response.json().get("failedConditions", [])]


def invalid(response) -> list[str]:
    return [p["name"] for p in response.json().get("invalidParams", [])]


class TestSuspensionEndsOnTheDayOfRepair:
    """Awb 7:10(2), 6:6: the term is suspended from the day after the request until the
    day of repair, or until the repair term lapsed unused - never the day staff record it."""

    def test_repair_recorded_late_counts_from_the_day_it_came_in(
        self, lawyer, objection, time_machine
    ):
        repaired(
            lawyer, objection, time_machine,
            requested="2025-05-12", repaired_on="2025-05-20", recorded="2025-06-02",
        )  # fmt: skip
        term = objection.deadlines.get(kind=DeadlineKind.OBJECTION_DECISION)
        assert term.state == DeadlineState.RUNNING
        assert term.params["suspended_days"] == 7  # 13 .. 19 May
        assert term.due_date == DUE + datetime.timedelta(days=7)

    def test_a_repair_after_the_repair_term_lapsed_ends_the_suspension_at_the_lapse(
        self, lawyer, objection, time_machine
    ):
        repaired(
            lawyer, objection, time_machine,
            requested="2025-05-12", repaired_on="2025-05-28", recorded="2025-05-28",
        )  # fmt: skip
        # The repair term ran until Monday 26 May: 13 .. 25 May were suspended.
        assert decision_due(objection) == DUE + datetime.timedelta(days=13)

    def test_the_day_of_repair_is_required_not_in_the_future_and_not_before_the_request(
        self, lawyer, objection, time_machine
    ):
        time_machine.move_to(at("2025-05-12"))
        ok(lawyer, objection, "request_repair", missing=["gronden"])
        time_machine.move_to(at("2025-05-14"))
        assert invalid(step(lawyer, objection, "record_repair", grounds="G")) == ["repairedOn"]
        future = step(lawyer, objection, "record_repair", repairedOn="2025-05-15", grounds="G")
        assert invalid(future) == ["repairedOn"]
        early = step(lawyer, objection, "record_repair", repairedOn="2025-05-09", grounds="G")
        assert invalid(early) == ["repairedOn"]
        assert objection.deadlines.get(kind=DeadlineKind.OBJECTION_DECISION).state == "suspended"

    @pytest.mark.parametrize("recorded", ["2025-05-27", "2025-06-30"])
    def test_a_lapse_recorded_weeks_late_does_not_lengthen_the_term(
        self, lawyer, objection, time_machine, recorded
    ):
        time_machine.move_to(at("2025-05-12"))
        body = ok(lawyer, objection, "request_repair", missing=["handtekening"])
        assert body["objection"]["repairDue"] == "2025-05-26"
        time_machine.move_to(at(recorded))
        ok(lawyer, objection, "repair_lapsed")
        # 13 .. 25 May, the repair term's last day not counted, however late it is recorded.
        assert decision_due(objection) == DUE + datetime.timedelta(days=13)


@pytest.mark.django_db
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(delay=st.integers(min_value=1, max_value=90))
def test_property_a_lapse_recorded_late_never_moves_the_deadline(
    client_for, users, team, lawyer, delay
):
    """Awb 7:10(2): whatever day the lapse is recorded, the term ends on the same day."""
    import time_machine

    with time_machine.travel(at("2025-04-01"), tick=False):
        case = objection_filed(client_for(users[Role.RESIDENT]), team, decision_date=DECISION)
        ok(lawyer, case, "confirm_receipt")
    with time_machine.travel(at("2025-05-12"), tick=False):
        ok(lawyer, case, "request_repair", missing=["handtekening"])
    recorded = datetime.datetime(2025, 5, 26, 12, tzinfo=datetime.UTC) + datetime.timedelta(
        days=delay
    )
    with time_machine.travel(recorded, tick=False):
        ok(lawyer, case, "repair_lapsed")
    assert decision_due(case) == DUE + datetime.timedelta(days=13)


class TestRepairRequestedOnTheDayItGoesOut:
    """Awb 7:10(2), 6:6: the objector is asked on the day the request is sent; made on a
    Friday after the print batch, it goes out on Monday, and so does the suspension."""

    def test_after_the_batch_on_friday(self, lawyer, objection, time_machine):
        time_machine.move_to(at("2025-05-16", 16))
        body = ok(lawyer, objection, "request_repair", missing=["gronden"])
        assert body["objection"]["repairRequestedOn"] == "2025-05-19"
        assert body["objection"]["repairDue"] == "2025-06-02"
        term = objection.deadlines.get(kind=DeadlineKind.OBJECTION_DECISION)
        assert term.suspended_since == D("2025-05-19")
        time_machine.move_to(at("2025-05-22"))
        ok(lawyer, objection, "record_repair", repairedOn="2025-05-22", grounds="G")
        assert decision_due(objection) == DUE + datetime.timedelta(days=2)  # 20, 21 May


class TestMunicipalDatesFallOnWorkingDays:
    """docs/legal.md: a repair term's end, a hearing and a pay-by date are working days."""

    def test_a_repair_term_ending_on_a_decree_day_runs_to_the_next_working_day(
        self, lawyer, objection, time_machine
    ):
        time_machine.move_to(at("2025-05-16"))
        body = ok(lawyer, objection, "request_repair", missing=["gronden"], termWeeks=2)
        # Fri 30 May 2025 is a decree day (Atw 3(3)), then a weekend: Monday 2 June.
        assert body["objection"]["repairDue"] == "2025-06-02"

    def test_a_repair_term_ending_on_a_closing_day_runs_past_it(
        self, lawyer, objection, time_machine
    ):
        from cases.models import ClosingDay

        ClosingDay.objects.create(date=D("2025-05-26"), name="Gemeentelijke studiedag")
        time_machine.move_to(at("2025-05-12"))
        body = ok(lawyer, objection, "request_repair", missing=["gronden"])
        assert body["objection"]["repairDue"] == "2025-05-27"

    @pytest.mark.parametrize(
        ("when", "why"),
        [("2025-06-14", "zaterdag"), ("2025-06-09", "Tweede pinksterdag"), ("2025-05-30", "")],
    )
    def test_no_objection_hearing_on_a_weekend_or_holiday(
        self, lawyer, objection, time_machine, when, why
    ):
        ok(lawyer, objection, "accept")
        ok(lawyer, objection, "continue_formally")
        response = step(
            lawyer, objection, "plan_hearing", at=at(when, 10).isoformat(),
            location="Stadhuis", inspectionFrom="2025-05-01", inspectionPlace="Balie",
        )  # fmt: skip
        assert response.status_code == 400
        assert invalid(response) == ["at"]
        assert why in response.json()["invalidParams"][0]["reason"]

    def test_no_complaint_hearing_on_kings_day(self, client_for, users, team, time_machine):
        handler = users[Role.CASE_HANDLER]
        time_machine.move_to(at("2026-04-01"))
        client = client_for(handler)
        case = complaint_filed(client_for(users[Role.RESIDENT]), team, handler)
        ok(client, case, "confirm_receipt")
        ok(client, case, "start_formal_handling")
        kings_day = step(client, case, "plan_hearing", at=at("2026-04-27", 10).isoformat(),
                         location="Stadhuis")  # fmt: skip
        assert invalid(kings_day) == ["at"]
        ok(client, case, "plan_hearing", at=at("2026-04-28", 10).isoformat(), location="Stadhuis")


class TestHearings:
    """Awb 7:2, 9:10: a hearing is planned ahead and recorded once it has taken place."""

    def plan(self, lawyer, case, when="2025-04-25"):
        ok(lawyer, case, "accept")
        ok(lawyer, case, "continue_formally")
        ok(lawyer, case, "plan_hearing", at=at(when, 10).isoformat(), location="Stadhuis",
           inspectionFrom="2025-04-14", inspectionPlace="Balie")  # fmt: skip

    def test_not_recorded_as_held_before_its_time(self, lawyer, objection, time_machine):
        self.plan(lawyer, objection)
        early = step(lawyer, objection, "hold_hearing", report="Gehoord.")
        assert early.status_code == 409
        assert failed(early) == ["hearing_held"]
        time_machine.move_to(at("2025-04-25", 10))
        assert ok(lawyer, objection, "hold_hearing", report="Gehoord.")["status"] == "heard"

    def test_not_planned_in_the_past(self, lawyer, objection):
        ok(lawyer, objection, "accept")
        ok(lawyer, objection, "continue_formally")
        past = step(
            lawyer, objection, "plan_hearing", at=at("2025-03-31", 10).isoformat(),
            location="Stadhuis", inspectionFrom="2025-03-20", inspectionPlace="Balie",
        )  # fmt: skip
        assert invalid(past) == ["at"]

    def test_a_complaint_hearing_is_not_recorded_before_its_time(
        self, client_for, users, team, time_machine
    ):
        handler = users[Role.CASE_HANDLER]
        client = client_for(handler)
        time_machine.move_to(at("2025-04-01"))
        case = complaint_filed(client_for(users[Role.RESIDENT]), team, handler)
        ok(client, case, "confirm_receipt")
        ok(client, case, "start_formal_handling")
        ok(client, case, "plan_hearing", at=at("2025-04-15", 14).isoformat(), location="Stadhuis")
        assert failed(step(client, case, "hold_hearing", report="x")) == ["hearing_held"]
        time_machine.move_to(at("2025-04-15", 15))
        ok(client, case, "hold_hearing", report="Beide gehoord.")


class TestInformalContactNeedsAConversation:
    """Seed "Prettig contact met de overheid": what a call led to is confirmed in writing
    only after a call took place; the formal route follows a call or failed calls."""

    @pytest.fixture
    def admitted(self, client_for, users, team, time_machine, lawyer):
        time_machine.move_to(at("2025-04-01"))
        case = objection_filed(client_for(users[Role.RESIDENT]), team, decision_date=DECISION)
        ok(lawyer, case, "confirm_receipt")
        ok(lawyer, case, "accept")
        return case

    def test_no_changed_decision_or_formal_route_without_a_call(self, lawyer, admitted):
        changed = step(lawyer, admitted, "record_changed_decision", newDecisionReference="PV-2")
        assert failed(changed) == ["reached_in_conversation"]
        assert failed(step(lawyer, admitted, "continue_formally")) == ["called_first"]

    def test_after_a_conversation_the_outcome_is_confirmed_in_writing(
        self, lawyer, lawyer_user, admitted
    ):
        reached(admitted, lawyer_user)
        ok(lawyer, admitted, "continue_formally")
        assert "objection_informal_contact_confirmation" in letters_of(admitted)

    def test_calls_that_did_not_get_through_allow_the_formal_route_without_a_letter(
        self, lawyer, lawyer_user, admitted, time_machine
    ):
        time_machine.move_to(at("2025-04-01", 16))
        for hour in (9, 14):
            services.contact_moment_log(case=admitted, by=lawyer_user, outcome="no_answer",
                                        occurred_at=at("2025-04-01", hour))  # fmt: skip
        assert failed(step(lawyer, admitted, "record_changed_decision",
                           newDecisionReference="PV-2")) == ["reached_in_conversation"]  # fmt: skip
        ok(lawyer, admitted, "continue_formally")
        assert "objection_informal_contact_confirmation" not in letters_of(admitted)


class TestFirstContact:
    """The first-contact norm is met by the first conversation, on the day it was held."""

    def test_met_on_the_day_of_the_conversation(self, client_for, users, team, time_machine):
        handler = users[Role.CASE_HANDLER]
        time_machine.move_to(at("2025-04-01"))
        case = complaint_filed(client_for(users[Role.RESIDENT]), team, handler)
        time_machine.move_to(at("2025-04-02", 16))
        services.contact_moment_log(case=case, by=handler, outcome="reached",
                                    occurred_at=at("2025-04-02", 10))  # fmt: skip
        first = case.deadlines.get(kind=DeadlineKind.FIRST_CONTACT)
        assert (first.state, first.closed_on) == (DeadlineState.MET, D("2025-04-02"))

    def test_a_conversation_logged_after_the_sweep_corrects_a_missed_norm(
        self, client_for, users, team, time_machine
    ):
        handler = users[Role.CASE_HANDLER]
        time_machine.move_to(at("2025-04-01"))
        case = complaint_filed(client_for(users[Role.RESIDENT]), team, handler)
        first = case.deadlines.get(kind=DeadlineKind.FIRST_CONTACT)
        time_machine.move_to(at("2025-04-07"))
        deadlines_sweep()
        first.refresh_from_db()
        assert first.state == DeadlineState.MISSED
        services.contact_moment_log(case=case, by=handler, outcome="reached",
                                    occurred_at=at("2025-04-02", 10))  # fmt: skip
        first.refresh_from_db()
        assert (first.state, first.closed_on) == (DeadlineState.MET, D("2025-04-02"))

    def test_a_conversation_after_the_due_date_leaves_the_miss_on_record(
        self, client_for, users, team, time_machine
    ):
        handler = users[Role.CASE_HANDLER]
        time_machine.move_to(at("2025-04-01"))
        case = complaint_filed(client_for(users[Role.RESIDENT]), team, handler)
        time_machine.move_to(at("2025-04-07"))
        deadlines_sweep()
        services.contact_moment_log(case=case, by=handler, outcome="reached",
                                    occurred_at=at("2025-04-07", 8))  # fmt: skip
        assert case.deadlines.get(kind=DeadlineKind.FIRST_CONTACT).state == DeadlineState.MISSED


class TestNoExtensionAfterTheTermExpired:
    """Awb 9:11(2), 7:10(3), 7:13: a term is extended before it ends, not after; refused
    with the reason whether or not the sweep has marked it missed."""

    @pytest.fixture
    def formal_complaint(self, client_for, users, team, time_machine):
        handler = users[Role.CASE_HANDLER]
        time_machine.move_to(at("2025-04-01"))
        case = complaint_filed(client_for(users[Role.RESIDENT]), team, handler)
        client = client_for(handler)
        ok(client, case, "confirm_receipt")
        ok(client, case, "start_formal_handling")
        return client, case

    @pytest.mark.parametrize("swept", [False, True])
    def test_complaint(self, formal_complaint, time_machine, swept):
        client, case = formal_complaint
        time_machine.move_to(at((handling_due(case) + datetime.timedelta(days=1)).isoformat()))
        if swept:
            deadlines_sweep()
        extend = step(client, case, "extend_term", weeks=2, reason="Drukte")
        assert extend.status_code == 409
        assert failed(extend) == ["handling_term_not_expired"]
        committee = step(client, case, "involve_committee", name="Klachtadviescommissie")
        assert failed(committee) == ["handling_term_not_expired"]

    @pytest.mark.parametrize("swept", [False, True])
    def test_objection(self, lawyer, objection, time_machine, swept):
        ok(lawyer, objection, "accept")
        time_machine.move_to(at("2025-06-18"))
        if swept:
            deadlines_sweep()
        assert failed(step(lawyer, objection, "postpone", weeks=2, reason="x")) == [
            "decision_term_not_expired"
        ]
        assert failed(step(lawyer, objection, "refer_committee", name="Commissie")) == [
            "decision_term_not_expired"
        ]

    def test_on_the_last_day_it_still_can(self, lawyer, objection, time_machine):
        ok(lawyer, objection, "accept")
        time_machine.move_to(at("2025-06-17", 16))
        ok(lawyer, objection, "postpone", weeks=2, reason="Advies loopt nog")


class TestThePersonComplainedAbout:
    """Awb 9:7: whoever the complaint is about takes no step, logs no contact and adds no
    note on it, in any role, a superuser included."""

    @pytest.fixture
    def about(self, client_for, users, team, time_machine):
        time_machine.move_to(at("2025-04-01"))
        case = complaint_filed(client_for(users[Role.RESIDENT]), team, users[Role.CASE_HANDLER])
        return case

    @pytest.mark.parametrize("role", [Role.CASE_HANDLER, Role.TEAM_LEAD, "superuser"])
    def test_refused_everything_on_that_complaint(self, client_for, team, about, role):
        if role == "superuser":
            # A superuser with a role (without one it takes no step at all).
            person = UserFactory(
                username="chef", is_superuser=True, role=Role.TEAM_LEAD, teams=[team]
            )
        else:
            person = UserFactory(username="betrokkene", role=role, teams=[team])
        ComplaintDetails.objects.filter(case=about).update(employee=person)
        client = client_for(person)
        refused = step(client, about, "confirm_receipt")
        assert refused.status_code == 403
        assert "9:7" in refused.json()["detail"]
        base = f"/api/v1/cases/{about.reference}"
        note = client.post(f"{base}/notes", {"text": "Dit klopt niet."}, format="json")
        assert note.status_code == 403
        contact = client.post(f"{base}/contact-moments", {"outcome": "reached"}, format="json")
        assert contact.status_code == 403
        detail = client.get(base)
        if detail.status_code == 200:
            assert detail.json()["availableTransitions"] == []
        assert not CaseEvent.objects.filter(case=about, actor=person).exists()

    def test_nor_claims_rates_or_corrects_letters_on_it(self, client_for, users, about):
        from django.core.exceptions import PermissionDenied

        from letters import services as letters
        from letters.models import Letter

        lead = users[Role.TEAM_LEAD]
        ok(client_for(users[Role.CASE_HANDLER]), about, "confirm_receipt")
        letters.letters_render_pending()
        ComplaintDetails.objects.filter(case=about).update(employee=lead)
        client = client_for(lead)
        base = f"/api/v1/cases/{about.reference}"
        claim = client.put(f"{base}/assignment", {"assignee": lead.username}, format="json")
        assert claim.status_code == 403
        assert "9:7" in claim.json()["detail"]
        letter = Letter.objects.get(case=about)
        correction = client.post(f"{base}/letters/{letter.pk}/corrections", {"reason": "x"},
                                 format="json")  # fmt: skip
        assert correction.status_code == 403
        assert "9:7" in correction.json()["detail"]
        resend = client.post(f"{base}/letters/{letter.pk}/deliveries", {"reason": "x"},
                             format="json")  # fmt: skip
        assert resend.status_code == 403
        assert "9:7" in resend.json()["detail"]
        about.refresh_from_db()
        with pytest.raises(PermissionDenied):
            services.case_rate(case=about, rating=1, comment="", by=lead)

    def test_a_colleague_handles_it_as_usual(self, client_for, users, about):
        ComplaintDetails.objects.filter(case=about).update(employee=users[Role.TEAM_LEAD])
        ok(client_for(users[Role.CASE_HANDLER]), about, "confirm_receipt")

    def test_the_rule_is_checked_in_the_service_too(self, users, about):
        from django.core.exceptions import PermissionDenied

        ComplaintDetails.objects.filter(case=about).update(employee=users[Role.CASE_HANDLER])
        about.refresh_from_db()
        with pytest.raises(PermissionDenied):
            services.case_add_note(case=about, text="x", by=users[Role.CASE_HANDLER])


class TestPostponementLength:
    """Awb 9:11(2), 7:10(3): the first postponement at most 4 / 6 weeks; the refusal names
    the public parameter. Longer only with consent (7:10(4), 9:11(2))."""

    def test_complaint_extension_beyond_four_weeks_names_weeks(
        self, client_for, users, team, time_machine
    ):
        handler = users[Role.CASE_HANDLER]
        client = client_for(handler)
        time_machine.move_to(at("2025-04-01"))
        case = complaint_filed(client_for(users[Role.RESIDENT]), team, handler)
        ok(client, case, "confirm_receipt")
        ok(client, case, "start_formal_handling")
        before = handling_due(case)
        assert invalid(step(client, case, "extend_term", weeks=5, reason="x")) == ["weeks"]
        ok(client, case, "extend_term", weeks=5, reason="Met instemming", consent=True)
        term = case.deadlines.get(kind=DeadlineKind.COMPLAINT_HANDLING)
        assert (term.params["extension_weeks"], term.params["consented_weeks"]) == (4, 1)
        assert term.due_date == before + datetime.timedelta(weeks=5)

    def test_objection_postponement_beyond_six_weeks_names_weeks(self, lawyer, objection):
        ok(lawyer, objection, "accept")
        response = step(lawyer, objection, "postpone", weeks=8, reason="x")
        assert response.status_code == 400
        assert invalid(response) == ["weeks"]
        ok(lawyer, objection, "postpone", weeks=8, reason="Met instemming", consent=True)
        term = objection.deadlines.get(kind=DeadlineKind.OBJECTION_DECISION)
        assert (term.params["postponement_weeks"], term.params["further_weeks"]) == (6, 2)


class TestFurtherDeferral:
    """Awb 7:10(4): further deferral with the objector's consent and where there are
    interested parties theirs (or they are not harmed) - or where a statute needs it."""

    @pytest.fixture
    def postponed(self, lawyer, objection):
        ok(lawyer, objection, "accept")
        ok(lawyer, objection, "postpone", weeks=6, reason="Advies nodig")
        return objection

    def test_needs_the_objectors_consent(self, lawyer, postponed):
        assert invalid(step(lawyer, postponed, "postpone", weeks=2, reason="x")) == ["consent"]
        ok(lawyer, postponed, "postpone", weeks=2, reason="Afgesproken", consent=True)

    def test_with_interested_parties_needs_theirs_too_and_records_both(self, lawyer, postponed):
        Party.objects.create(case=postponed, role=PartyRole.INTERESTED_PARTY, name="Buurman")
        refused = step(lawyer, postponed, "postpone", weeks=2, reason="x", consent=True)
        assert invalid(refused) == ["interestedPartiesConsent"]
        ok(lawyer, postponed, "postpone", weeks=2, reason="Afgesproken", consent=True,
           interestedPartiesConsent=True)  # fmt: skip
        event = CaseEvent.objects.filter(case=postponed, kind=EventKind.TRANSITION).last()
        assert event.data["step"] == "postpone"
        assert (event.data["consent"], event.data["interested_parties_consent"]) == (True, True)

    def test_a_statutory_ground_allows_it_without_consent(self, lawyer, postponed):
        ok(lawyer, postponed, "postpone", weeks=2, reason="Wettelijk advies",
           statutoryGround="Adviesplicht art. 12 Verordening")  # fmt: skip
        event = CaseEvent.objects.filter(case=postponed, kind=EventKind.TRANSITION).last()
        assert event.data["statutory_ground"].startswith("Adviesplicht")


class TestLateObjections:
    """Awb 6:11: an objection admitted although late; its decision term counts from the
    day after receipt (the configured reading), and the handler is warned when little or
    none of it is left on the day it is admitted."""

    def test_term_counts_from_receipt(self, client_for, users, team, time_machine):
        time_machine.move_to(at("2025-04-01"))
        # Decision of 6 January: the period ended on 17 February 2025.
        case = objection_filed(client_for(users[Role.RESIDENT]), team, decision_date="2025-01-06")
        term = case.deadlines.get(kind=DeadlineKind.OBJECTION_DECISION)
        assert term.start_date == D("2025-04-01")
        assert term.due_date == D("2025-05-13")

    def test_admitted_with_the_term_nearly_gone_warns_the_handler(
        self, client_for, users, team, time_machine, lawyer, lawyer_user
    ):
        time_machine.move_to(at("2025-04-01"))
        case = objection_filed(client_for(users[Role.RESIDENT]), team, decision_date="2025-01-06")
        ok(lawyer, case, "confirm_receipt")
        time_machine.move_to(at("2025-05-08"))
        ok(lawyer, case, "accept", excusableReason="Ziekenhuisopname tijdens de termijn.")
        warning = CaseEvent.objects.get(case=case, kind=EventKind.DEADLINE_WARNING)
        assert warning.data["due_date"] == "2025-05-13"
        assert warning.data["counted_from"] == "2025-04-01"
        notification = DeadlineNotification.objects.get(deadline__case=case)
        assert notification.recipient == lawyer_user

    def test_admitted_after_the_sweep_marked_the_term_missed_warns_too(
        self, client_for, users, team, time_machine, lawyer, settings
    ):
        settings.LEGAL_INTERPRETATION = {"decision_term_from_receipt_after_period": False}
        time_machine.move_to(at("2025-04-01"))
        case = objection_filed(client_for(users[Role.RESIDENT]), team, decision_date="2025-01-06")
        deadlines_sweep()  # the term counted from 17 February ended on 31 March: missed
        assert case.deadlines.get(kind=DeadlineKind.OBJECTION_DECISION).state == "missed"
        ok(lawyer, case, "confirm_receipt")
        ok(lawyer, case, "accept", excusableReason="Ziekenhuisopname tijdens de termijn.")
        warning = CaseEvent.objects.get(
            case=case, kind=EventKind.DEADLINE_WARNING, data__deadline="objection_decision"
        )
        assert warning.data["due_date"] == "2025-03-31"

    def test_admitted_in_good_time_no_warning(self, client_for, users, team, time_machine, lawyer):
        time_machine.move_to(at("2025-04-01"))
        case = objection_filed(client_for(users[Role.RESIDENT]), team, decision_date="2025-01-06")
        ok(lawyer, case, "confirm_receipt")
        ok(lawyer, case, "accept", excusableReason="Ziekenhuisopname tijdens de termijn.")
        assert not CaseEvent.objects.filter(case=case, kind=EventKind.DEADLINE_WARNING).exists()


def test_a_hearing_day_check_names_the_next_working_day(db):
    from cases.deadlines import ensure_municipal_day

    with pytest.raises(ValidationError) as refused:
        ensure_municipal_day("at", D("2025-12-25"))
    assert "2025-12-29" in str(refused.value)  # Christmas, Boxing Day, weekend
