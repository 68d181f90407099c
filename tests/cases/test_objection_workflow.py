"""The objection workflow over the API: routes, the rules of chapters 6-7, four eyes."""

import datetime

import pytest
from django.utils import timezone

from backend.accounts.roles import Role
from backend.outbox.models import OutboxMessage
from cases.consumers import CASE_FILE
from cases.models import Case, DeadlineKind, DeadlineState
from tests.cases.steps import offered, ok, reached, step
from tests.cases.test_filing_api import objection_body
from tests.factories import UserFactory
from tests.outbox import letter_requests, relay_all

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=datetime.UTC)  # a Tuesday


def letters(case):
    return sorted(m.payload["letter"] for m in letter_requests(case=case))


def decision_term(case):
    return case.deadlines.get(kind=DeadlineKind.OBJECTION_DECISION)


@pytest.fixture
def lawyer(team, client_for):
    user = UserFactory(
        username="jurist", role=Role.LEGAL_STAFF, teams=[team], email="jurist@gemeente.example"
    )
    client = client_for(user)
    client.user = user
    return client


@pytest.fixture
def reviewer(team, client_for):
    return client_for(UserFactory(username="jurist2", role=Role.LEGAL_STAFF, teams=[team]))


@pytest.fixture
def file_objection(client_for, users, team, time_machine):
    time_machine.move_to(START)

    def make(decision_date="2025-03-24", called=True, **objection):
        """An objection filed by a resident; ``called``: the handler has spoken to them."""
        body = objection_body()
        body["objection"].update({"decisionDate": decision_date, **objection})
        response = client_for(users[Role.RESIDENT]).post("/api/v1/objections", body)
        assert response.status_code == 201, response.content
        case = Case.objects.get(reference=response.json()["reference"])
        Case.objects.filter(pk=case.pk).update(team=team)
        if called:
            reached(case, users[Role.CASE_HANDLER])
        return case

    return make


def test_informal_withdrawal(lawyer, file_objection):
    case = file_objection()
    ok(lawyer, case, "confirm_receipt")
    body = ok(lawyer, case, "accept")
    assert body["status"] == "informal_contact"
    assert body["objection"]["onTime"] is True
    assert "6:9(1)" in body["objection"]["timeliness"]

    body = ok(lawyer, case, "withdraw", reason="Besluit uitgelegd; bezwaarmaker trekt in.")

    assert body["status"] == "withdrawn"
    assert letters(case) == ["objection_receipt", "objection_withdrawal_confirmation"]
    assert not case.deadlines.filter(state__in=["running", "suspended"]).exists()


def test_late_but_excusable(lawyer, file_objection):
    """Awb 6:9 computed; 6:11: accepted with a recorded reason."""
    case = file_objection(decision_date="2025-01-06")  # period ended 17 Feb 2025
    ok(lawyer, case, "confirm_receipt")
    refused = step(lawyer, case, "accept")
    assert refused.status_code == 400
    assert refused.json()["invalidParams"][0]["name"] == "excusableReason"

    body = ok(lawyer, case, "accept", excusableReason="Ziekenhuisopname tijdens de termijn.")

    assert body["objection"]["onTime"] is False
    assert body["objection"]["excusableReason"].startswith("Ziekenhuis")


def test_postal_rule_makes_a_late_arrival_timely(lawyer, file_objection):
    """Awb 6:9(2): posted before the end, received within a week after it."""
    case = file_objection(decision_date="2025-02-14")  # period ends Friday 28 March 2025
    ok(lawyer, case, "confirm_receipt")
    body = ok(lawyer, case, "accept", postedOn="2025-03-28")
    assert body["objection"]["onTime"] is True
    assert "6:9(2)" in body["objection"]["timeliness"]


def test_late_and_inadmissible(lawyer, reviewer, file_objection):
    case = file_objection(decision_date="2025-01-06")
    ok(lawyer, case, "confirm_receipt")
    not_yet = step(
        lawyer, case, "draft_decision", outcome="unfounded", reasons="-", costs="not_requested"
    )
    assert not_yet.status_code == 400  # from the admissibility check only inadmissible
    ok(
        lawyer,
        case,
        "draft_decision",
        outcome="inadmissible",
        reasons="Te laat ingediend; geen verschoonbare reden (Awb 6:9, 6:11).",
        costs="not_requested",
    )
    body = ok(reviewer, case, "approve_decision")
    assert body["status"] == "decided"
    assert body["objection"]["reviewedBy"]["username"] == "jurist2"
    assert decision_term(case).state == DeadlineState.MET
    assert ok(lawyer, case, "close")["status"] == "closed"
    assert "objection_decision" in letters(case)


def test_pro_forma_repaired_hearing_committee_decided_founded(
    lawyer, reviewer, file_objection, time_machine
):
    case = file_objection(proForma=True, grounds="")
    ok(lawyer, case, "confirm_receipt")
    incomplete = step(lawyer, case, "accept")
    assert incomplete.status_code == 409  # 6:5: no grounds yet
    ok(lawyer, case, "request_repair", missing=["gronden"], termWeeks=2)
    term = decision_term(case)
    assert term.state == DeadlineState.SUSPENDED
    due_before = term.due_date

    time_machine.move_to(START + datetime.timedelta(days=9))  # repaired on 10 April
    ok(
        lawyer,
        case,
        "record_repair",
        repairedOn="2025-04-10",
        grounds="Ik heb de vergunning nodig voor mijn werk.",
    )
    term.refresh_from_db()
    assert term.state == DeadlineState.RUNNING
    # 2 .. 9 April were suspended, but the decision term only starts after the objection
    # period (6 May): nothing of it was running, so nothing is added (the default reading).
    assert term.params["suspended_days"] == 0
    assert term.due_date == due_before

    ok(lawyer, case, "accept")
    ok(lawyer, case, "continue_formally")
    ok(lawyer, case, "refer_committee", name="Bezwaarschriftencommissie")
    term.refresh_from_db()
    assert term.params["with_committee"] is True  # 12 weeks (7:10(1), 7:13)
    hearing = timezone.now() + datetime.timedelta(days=20)
    ok(
        lawyer,
        case,
        "plan_hearing",
        at=hearing.isoformat(),
        location="Stadhuis, zaal 3",
        inspectionFrom=(timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
        inspectionPlace="Balie Stadhuis",
    )
    time_machine.move_to(hearing)
    ok(lawyer, case, "hold_hearing", report="Bezwaarmaker en vergunningverlener gehoord.")
    ok(lawyer, case, "receive_advice", advice="Het bezwaar is gegrond.", recommendation="founded")
    ok(
        lawyer,
        case,
        "draft_decision",
        outcome="founded",
        reasons="Conform advies.",
        costs="not_requested",
        newDecisionReference="PV-2026-0042-H",
    )
    body = ok(reviewer, case, "approve_decision")

    assert body["status"] == "decided"
    assert body["objection"]["outcome"] == "founded"
    assert letters(case) == [
        "objection_committee_referral",
        "objection_decision",
        "objection_hearing_invitation",
        "objection_informal_contact_confirmation",
        "objection_receipt",
        "objection_repair_request",
    ]


def test_repair_not_made_then_inadmissible(lawyer, reviewer, file_objection, time_machine):
    case = file_objection(signed=False)
    ok(lawyer, case, "confirm_receipt")
    ok(lawyer, case, "request_repair", missing=["handtekening"])
    assert step(lawyer, case, "repair_lapsed").status_code == 400  # term still runs
    time_machine.move_to(START + datetime.timedelta(days=15))
    ok(lawyer, case, "repair_lapsed")
    assert step(lawyer, case, "accept").status_code == 409
    ok(
        lawyer,
        case,
        "draft_decision",
        outcome="inadmissible",
        reasons="Niet ondertekend, ook niet na herstel.",
        costs="not_requested",
    )
    assert ok(reviewer, case, "approve_decision")["status"] == "decided"


@pytest.mark.parametrize(
    "ground",
    [
        "manifestly_inadmissible",
        "manifestly_unfounded",
        "waived",
        "not_requested",
        "granted_in_full",
    ],
)
def test_hearing_waived_on_each_ground(lawyer, file_objection, ground):
    case = file_objection()
    ok(lawyer, case, "confirm_receipt")
    ok(lawyer, case, "accept")
    ok(lawyer, case, "continue_formally")
    body = ok(lawyer, case, "waive_hearing", ground=ground)
    assert body["status"] == "heard"
    assert body["objection"]["hearingWaivedGround"] == ground


class TestHearingRules:
    @pytest.fixture
    def formal(self, lawyer, file_objection):
        case = file_objection()
        ok(lawyer, case, "confirm_receipt")
        ok(lawyer, case, "accept")
        ok(lawyer, case, "continue_formally")
        return case

    def test_invitation_must_be_more_than_ten_days_ahead(self, lawyer, formal):
        """Awb 7:2."""
        response = step(
            lawyer,
            formal,
            "plan_hearing",
            at=(timezone.now() + datetime.timedelta(days=10)).isoformat(),
            location="Stadhuis",
            inspectionFrom=timezone.localdate().isoformat(),
            inspectionPlace="Balie",
        )
        assert response.status_code == 400
        [problem] = response.json()["invalidParams"]
        assert problem["name"] == "at"
        assert "7:2" in problem["reason"]

    def test_documents_open_a_week_before(self, lawyer, formal):
        """Awb 7:4."""
        hearing = timezone.now() + datetime.timedelta(days=14)
        response = step(
            lawyer,
            formal,
            "plan_hearing",
            at=hearing.isoformat(),
            location="Stadhuis",
            inspectionFrom=(timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
            inspectionPlace="Balie",
        )
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "inspectionFrom"


def test_postponement_once_then_only_with_consent(lawyer, file_objection):
    """Awb 7:10(3)-(4)."""
    case = file_objection()
    ok(lawyer, case, "confirm_receipt")
    ok(lawyer, case, "accept")
    before = decision_term(case).due_date
    assert step(lawyer, case, "postpone", weeks=7, reason="te lang").status_code == 400
    ok(lawyer, case, "postpone", weeks=6, reason="Advies vergt meer tijd")
    assert decision_term(case).due_date >= before + datetime.timedelta(weeks=6)
    assert step(lawyer, case, "postpone", weeks=2, reason="nog meer").status_code == 400
    ok(lawyer, case, "postpone", weeks=2, reason="met instemming", consent=True)
    assert letters(case).count("objection_postponement_notice") == 2


class TestFourEyes:
    @pytest.fixture
    def drafted(self, lawyer, file_objection):
        case = file_objection()
        ok(lawyer, case, "confirm_receipt")
        ok(lawyer, case, "accept")
        ok(lawyer, case, "continue_formally")
        ok(lawyer, case, "waive_hearing", ground="manifestly_unfounded")
        ok(lawyer, case, "draft_decision", outcome="unfounded", reasons="-", costs="refused")
        return case

    def test_the_drafter_cannot_approve(self, lawyer, drafted):
        response = step(lawyer, drafted, "approve_decision")
        assert response.status_code == 403
        assert step(lawyer, drafted, "reject_decision", comments="zelf").status_code == 403

    def test_drafter_does_not_see_the_review_steps(self, lawyer, reviewer, drafted):
        mine = offered(lawyer.get(f"/api/v1/cases/{drafted.reference}").json())
        theirs = offered(reviewer.get(f"/api/v1/cases/{drafted.reference}").json())
        assert "approve_decision" not in mine
        assert {"approve_decision", "reject_decision"} <= set(theirs)

    def test_a_superuser_is_held_to_four_eyes(self, client_for, team, file_objection):
        """A superuser given the lawyer's role (break glass) is held to four eyes too."""
        boss = client_for(
            UserFactory(username="beheer", is_superuser=True, role=Role.LEGAL_STAFF, teams=[team])
        )
        other = client_for(
            UserFactory(username="beheer2", is_superuser=True, role=Role.LEGAL_STAFF, teams=[team])
        )
        case = file_objection()
        for name in ("confirm_receipt", "accept", "continue_formally"):
            ok(boss, case, name)
        ok(boss, case, "waive_hearing", ground="manifestly_unfounded")
        ok(boss, case, "draft_decision", outcome="unfounded", reasons="-", costs="refused")
        assert "approve_decision" not in offered(boss.get(f"/api/v1/cases/{case.reference}").json())

        refused = step(boss, case, "approve_decision")

        assert refused.status_code == 403
        assert "vier ogen" in refused.json()["detail"]
        assert ok(other, case, "approve_decision")["status"] == "decided"

    def test_handler_cannot_review(self, client_for, users, drafted):
        response = step(client_for(users[Role.CASE_HANDLER]), drafted, "approve_decision")
        assert response.status_code == 403

    def test_review_rejected_then_approved(self, lawyer, reviewer, drafted):
        body = ok(reviewer, drafted, "reject_decision", comments="Motiveer de belangenafweging.")
        assert body["status"] == "heard"
        assert body["objection"]["reviewComments"].startswith("Motiveer")
        ok(
            lawyer,
            drafted,
            "draft_decision",
            outcome="unfounded",
            reasons="Uitgebreid",
            costs="refused",
        )
        body = ok(reviewer, drafted, "approve_decision")
        assert body["status"] == "decided"
        assert body["objection"]["draftedBy"]["username"] == "jurist"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.LEGAL_STAFF, 200),
        (Role.CASE_HANDLER, 403),  # admissibility is legal staff's
        (Role.TEAM_LEAD, 403),
        (Role.ADMINISTRATOR, 403),
        (Role.RESIDENT, 403),
        (Role.INTEGRATION_CLIENT, 403),
    ],
)
def test_admissibility_by_role(client_for, users, lawyer, file_objection, role, status):
    case = file_objection()
    ok(lawyer, case, "confirm_receipt")
    assert step(client_for(users[role]), case, "accept").status_code == status


def test_the_decision_term_shown_matches_the_calculator(lawyer, file_objection, anon):
    case = file_objection()
    body = lawyer.get(f"/api/v1/cases/{case.reference}").json()
    shown = next(d for d in body["deadlines"] if d["kind"] == "objection_decision")["dueDate"]
    period = anon.get("/api/v1/legal-terms/objection-period?startDate=2025-03-24").json()
    decision = anon.get(
        f"/api/v1/legal-terms/objection-decision?startDate={period['endDate']}"
    ).json()
    assert shown == decision["endDate"]


def send_decision_by_post(case):
    """Render the decision letter, print it and confirm the batch as posted (today)."""
    from letters import delivery, services

    services.letters_render_pending()
    batch = delivery.print_batch_create()
    delivery.print_batch_confirm_posted(
        batch=batch, by=UserFactory(role=Role.TEAM_LEAD, username="postkamer")
    )
    relay_all(CASE_FILE.name)  # the worker: the case file hears the letter went out


class TestPenaltyPayments:
    """Awb 4:17-4:18 via 7:14: notice of default, penalty days, amount, daily warning."""

    def notice(self, client, case, received_on):
        return client.post(
            f"/api/v1/cases/{case.reference}/notices-of-default",
            {"receivedOn": received_on},
            format="json",
        )

    def test_postponement_then_late_decision_with_a_computed_penalty(
        self, lawyer, reviewer, file_objection, time_machine, mailoutbox
    ):
        from cases import sweep

        case = file_objection()  # decision term: 17 June 2025
        ok(lawyer, case, "confirm_receipt")
        ok(lawyer, case, "accept")
        ok(lawyer, case, "postpone", weeks=6, reason="Complex dossier")
        assert decision_term(case).due_date == datetime.date(2025, 7, 29)

        time_machine.move_to(datetime.datetime(2025, 7, 31, 9, 0, tzinfo=datetime.UTC))
        response = self.notice(lawyer, case, "2025-07-30")
        assert response.status_code == 201, response.content
        assert response.json()["noticeCounts"] is True
        assert response.json()["firstDay"] == "2025-08-13"

        time_machine.move_to(datetime.datetime(2025, 8, 20, 9, 0, tzinfo=datetime.UTC))
        penalty = lawyer.get(f"/api/v1/cases/{case.reference}").json()["penalty"]
        assert (penalty["days"], penalty["amount"], penalty["accruing"]) == (8, "184.00", True)
        today = datetime.date(2025, 8, 20)
        assert sweep.deadlines_sweep(today=today).penalty_warnings == 1
        assert sweep.deadlines_sweep(today=today).penalty_warnings == 0  # once a day
        running = OutboxMessage.objects.get(case=case, topic="penalty.running")
        assert (running.payload["penaltyDay"], running.payload["amountSoFar"]) == (8, "184.00")
        sweep.deadline_notifications_send()
        assert any("Dwangsom" in m.subject for m in mailoutbox)

        time_machine.move_to(datetime.datetime(2025, 8, 22, 9, 0, tzinfo=datetime.UTC))
        ok(lawyer, case, "continue_formally")
        ok(lawyer, case, "waive_hearing", ground="granted_in_full")
        ok(lawyer, case, "draft_decision", outcome="founded", reasons="-", costs="not_requested")
        ok(reviewer, case, "approve_decision")
        # Approved on Friday 22 August, but not sent yet: the penalty still runs.
        time_machine.move_to(datetime.datetime(2025, 8, 25, 9, 0, tzinfo=datetime.UTC))
        assert sweep.deadlines_sweep(today=datetime.date(2025, 8, 25)).penalty_warnings == 1
        send_decision_by_post(case)  # posted Monday 25 August

        body = lawyer.get(f"/api/v1/cases/{case.reference}").json()
        penalty = body["penalty"]
        assert body["objection"]["decisionSentOn"] == "2025-08-25"
        assert penalty["days"] == 13  # 13 .. 25 August: the day the decision is sent
        assert penalty["amount"] == "299.00"
        assert penalty["accruing"] is False
        assert penalty["fixAmountBy"] == "2025-09-08"  # 4:18: within two weeks
        assert sweep.deadlines_sweep(today=datetime.date(2025, 8, 26)).penalty_warnings == 0

    def decided_late(self, lawyer, reviewer, file_objection, time_machine):
        """Term ends 17 June 2025; notice 30 July; decision posted 22 August: 10 days."""
        case = file_objection()
        ok(lawyer, case, "confirm_receipt")
        ok(lawyer, case, "accept")
        time_machine.move_to(datetime.datetime(2025, 7, 31, 9, 0, tzinfo=datetime.UTC))
        assert self.notice(lawyer, case, "2025-07-30").status_code == 201
        time_machine.move_to(datetime.datetime(2025, 8, 22, 9, 0, tzinfo=datetime.UTC))
        ok(lawyer, case, "continue_formally")
        ok(lawyer, case, "waive_hearing", ground="granted_in_full")
        ok(lawyer, case, "draft_decision", outcome="founded", reasons="-", costs="not_requested")
        ok(reviewer, case, "approve_decision")
        send_decision_by_post(case)
        return case

    def test_an_e_mailed_decision_ends_the_penalty_the_day_it_is_sent(
        self, lawyer, reviewer, file_objection, time_machine, mailoutbox
    ):
        from cases.models import Party
        from letters import delivery, services

        case = file_objection()
        Party.objects.filter(case=case).update(letters_by_email=True)
        ok(lawyer, case, "confirm_receipt")
        ok(lawyer, case, "accept")
        time_machine.move_to(datetime.datetime(2025, 7, 31, 9, 0, tzinfo=datetime.UTC))
        assert self.notice(lawyer, case, "2025-07-30").status_code == 201
        time_machine.move_to(datetime.datetime(2025, 8, 20, 9, 0, tzinfo=datetime.UTC))
        ok(lawyer, case, "continue_formally")
        ok(lawyer, case, "waive_hearing", ground="granted_in_full")
        ok(lawyer, case, "draft_decision", outcome="founded", reasons="-", costs="not_requested")
        ok(reviewer, case, "approve_decision")
        services.letters_render_pending()
        delivery.deliveries_send_email()
        relay_all(CASE_FILE.name)

        penalty = lawyer.get(f"/api/v1/cases/{case.reference}").json()["penalty"]
        assert (penalty["days"], penalty["accruing"]) == (8, False)  # 13 .. 20 August
        assert any("Beslissing op uw bezwaar" in mail.subject for mail in mailoutbox)

    def test_the_penalty_is_fixed_by_decision_once(
        self, lawyer, reviewer, file_objection, time_machine
    ):
        """Awb 4:18: fixed after the decision was sent; paid within 6 weeks (4:87)."""
        case = self.decided_late(lawyer, reviewer, file_objection, time_machine)
        url = f"/api/v1/cases/{case.reference}/penalty-decision"

        response = lawyer.post(url)
        again = lawyer.post(url)

        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["days"], body["amount"]) == (10, "230.00")
        assert (body["firstDay"], body["lastDay"]) == ("2025-08-13", "2025-08-22")
        assert body["payBy"] == "2025-10-03"
        assert again.status_code == 409
        assert "al vastgesteld" in again.json()["detail"]
        request = OutboxMessage.objects.get(payload__letter="objection_penalty_decision")
        assert request.payload["penalty"]["lines"] == [
            {"days": 10, "per_day": "23", "subtotal": "230"}
        ]

    def test_legal_staff_may_decide_that_no_penalty_is_owed(
        self, lawyer, reviewer, file_objection, time_machine
    ):
        """Awb 4:17(6): e.g. a manifestly unfounded objection; the letter says why."""
        from letters import services
        from letters.models import Letter
        from tests.letters.test_receipt_letters import text_of

        case = self.decided_late(lawyer, reviewer, file_objection, time_machine)
        url = f"/api/v1/cases/{case.reference}/penalty-decision"

        wrong = lawyer.post(url, {"noPenaltyGround": "bored"}, format="json")
        response = lawyer.post(url, {"noPenaltyGround": "manifestly_unfounded"}, format="json")
        services.letters_render_pending()

        assert wrong.status_code == 400
        assert wrong.json()["invalidParams"][0]["name"] == "noPenaltyGround"
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["days"], body["amount"], body["payBy"]) == (0, "0.00", None)
        assert body["noPenaltyGround"] == "manifestly_unfounded"
        letter = Letter.objects.get(case=case, kind="objection_penalty_decision")
        text = " ".join(text_of(letter.file.read()).split())
        assert "Toch krijgt u geen dwangsom" in text
        assert "omdat uw bezwaar duidelijk ongegrond was" in text
        assert "€" not in text
        # The postal address in running text is one line, its parts separated.
        assert "Postbus 1, 1000 AA Voorbeeld" in text

    def test_no_penalty_decision_while_the_penalty_runs_or_without_a_valid_notice(
        self, lawyer, reviewer, file_objection, time_machine
    ):
        case = file_objection()
        ok(lawyer, case, "confirm_receipt")
        ok(lawyer, case, "accept")
        url = f"/api/v1/cases/{case.reference}/penalty-decision"
        assert lawyer.post(url).status_code == 409  # no notice at all

        time_machine.move_to(datetime.datetime(2025, 7, 31, 9, 0, tzinfo=datetime.UTC))
        self.notice(lawyer, case, "2025-07-30")
        time_machine.move_to(datetime.datetime(2025, 8, 20, 9, 0, tzinfo=datetime.UTC))
        running = lawyer.post(url)

        assert running.status_code == 409
        assert "loopt nog" in running.json()["detail"]
        # Approved is not sent: still running until the letter goes out.
        time_machine.move_to(datetime.datetime(2025, 8, 22, 9, 0, tzinfo=datetime.UTC))
        ok(lawyer, case, "continue_formally")
        ok(lawyer, case, "waive_hearing", ground="granted_in_full")
        ok(lawyer, case, "draft_decision", outcome="founded", reasons="-", costs="not_requested")
        ok(reviewer, case, "approve_decision")
        assert lawyer.post(url).status_code == 409
        assert not OutboxMessage.objects.filter(payload__letter="objection_penalty_decision")

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            (Role.LEGAL_STAFF, 201),
            (Role.CASE_HANDLER, 403),
            (Role.TEAM_LEAD, 403),
            (Role.ADMINISTRATOR, 403),
            (Role.RESIDENT, 403),
            (Role.INTEGRATION_CLIENT, 403),
        ],
    )
    def test_penalty_decision_by_role(
        self, client_for, users, lawyer, reviewer, file_objection, time_machine, role, status
    ):
        case = self.decided_late(lawyer, reviewer, file_objection, time_machine)
        caller = lawyer if role == Role.LEGAL_STAFF else client_for(users[role])
        response = caller.post(f"/api/v1/cases/{case.reference}/penalty-decision")
        assert response.status_code == status

    def test_a_notice_before_the_term_expired_does_not_count(self, lawyer, file_objection):
        case = file_objection()
        body = self.notice(lawyer, case, "2025-04-01").json()
        assert body["noticeCounts"] is False
        assert body["firstDay"] is None
        assert body["amount"] == "0.00"

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            (Role.LEGAL_STAFF, 201),
            (Role.CASE_HANDLER, 403),
            (Role.TEAM_LEAD, 403),
            (Role.ADMINISTRATOR, 403),
            (Role.RESIDENT, 403),
            (Role.INTEGRATION_CLIENT, 403),
        ],
    )
    def test_by_role(self, client_for, users, file_objection, role, status):
        case = file_objection()
        assert self.notice(client_for(users[role]), case, "2025-04-01").status_code == status

    def test_future_date_names_the_field(self, lawyer, file_objection):
        case = file_objection()
        response = self.notice(lawyer, case, "2030-01-01")
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "receivedOn"


# --- Every step by every role, races and invariants ------------------------------------

HEARING_AT = datetime.datetime(2025, 4, 25, 10, 0, tzinfo=datetime.UTC)

OBJECTION_DATA = {
    "confirm_receipt": {},
    "request_repair": {"missing": ["gronden"], "term_weeks": 2},
    "record_repair": {"repaired_on": datetime.date(2025, 4, 1), "grounds": "Alsnog gronden"},
    "repair_lapsed": {},
    "hold_premature": {},
    "release_premature": {},
    "accept": {},
    "record_changed_decision": {"new_decision_reference": "PV-2"},
    "continue_formally": {},
    "plan_hearing": {
        "at": HEARING_AT,
        "location": "Stadhuis",
        "inspection_from": datetime.date(2025, 4, 14),
        "inspection_place": "Balie",
    },
    "hold_hearing": {"report": "verslag"},
    "waive_hearing": {"ground": "waived"},
    "refer_committee": {"name": "Commissie"},
    "receive_advice": {"advice": "Advies", "recommendation": "unfounded"},
    "postpone": {"weeks": 2, "reason": "drukte"},
    "draft_decision": {"outcome": "unfounded", "reasons": "-", "costs": "not_requested"},
    "approve_decision": {},
    "reject_decision": {"comments": "aanvullen"},
    "close": {},
    "withdraw": {"reason": "ingetrokken"},
}

_ACCEPTED = ["confirm_receipt", "accept"]
_HEARD = [*_ACCEPTED, "continue_formally", "waive_hearing"]
OBJECTION_PATHS = {
    "confirm_receipt": [],
    "request_repair": ["confirm_receipt"],
    "record_repair": ["confirm_receipt", "request_repair"],
    "repair_lapsed": ["confirm_receipt", "request_repair"],
    "hold_premature": ["confirm_receipt"],
    "release_premature": ["confirm_receipt", "hold_premature"],
    "accept": ["confirm_receipt"],
    "record_changed_decision": _ACCEPTED,
    "continue_formally": _ACCEPTED,
    "plan_hearing": [*_ACCEPTED, "continue_formally"],
    "hold_hearing": [*_ACCEPTED, "continue_formally", "plan_hearing"],
    "waive_hearing": [*_ACCEPTED, "continue_formally"],
    "refer_committee": _ACCEPTED,
    "receive_advice": [*_ACCEPTED, "refer_committee", "continue_formally", "waive_hearing"],
    "postpone": _ACCEPTED,
    "draft_decision": _HEARD,
    "approve_decision": [*_HEARD, "draft_decision"],
    "reject_decision": [*_HEARD, "draft_decision"],
    "close": [*_HEARD, "draft_decision", "approve_decision"],
    "withdraw": ["confirm_receipt"],
}
LEGAL_ONLY = {
    "request_repair",
    "record_repair",
    "repair_lapsed",
    "hold_premature",
    "release_premature",
    "accept",
    "approve_decision",
    "reject_decision",
}


def run_path(case, name, drafter, reviewer_user, time_machine):
    from cases.workflows import service as workflow

    for earlier in OBJECTION_PATHS[name]:
        by = reviewer_user if earlier == "approve_decision" else drafter
        workflow.case_transition(case=case, name=earlier, data=dict(OBJECTION_DATA[earlier]), by=by)
    if name == "hold_hearing":
        time_machine.move_to(HEARING_AT)  # a hearing is recorded once its time has come
    if name == "repair_lapsed":  # the two weeks have passed
        time_machine.move_to(START + datetime.timedelta(weeks=2, days=1))


def wire(name):
    from backend.api.camel import camelize

    return camelize(
        {
            k: v.isoformat() if isinstance(v, (datetime.date, datetime.datetime)) else v
            for k, v in OBJECTION_DATA[name].items()
        }
    )


@pytest.mark.parametrize("name", list(OBJECTION_DATA))
@pytest.mark.parametrize(
    "role",
    [
        Role.RESIDENT,
        Role.CASE_HANDLER,
        Role.LEGAL_STAFF,
        Role.TEAM_LEAD,
        Role.INTEGRATION_CLIENT,
        Role.ADMINISTRATOR,
    ],
)
def test_every_objection_step_by_every_role(
    client_for, users, team, file_objection, name, role, time_machine
):
    drafter = UserFactory(username="opsteller", role=Role.LEGAL_STAFF, teams=[team])
    second = UserFactory(username="toetser", role=Role.LEGAL_STAFF, teams=[team])
    case = file_objection()
    run_path(case, name, drafter, second, time_machine)

    response = step(client_for(users[role]), case, name, **wire(name))

    if role == Role.LEGAL_STAFF:
        allowed = True
    elif role in (Role.CASE_HANDLER, Role.TEAM_LEAD):
        allowed = name not in LEGAL_ONLY
    else:
        allowed = False
    assert response.status_code == (200 if allowed else 403), (name, response.content)


@pytest.mark.django_db(transaction=True)
def test_the_same_objection_step_twice_at_once_gives_one_200_and_one_409():
    from rest_framework.test import APIClient

    from tests.cases.test_concurrency import run_at_once
    from tests.conftest import roles_create

    roles_create()
    lawyer_user = UserFactory(role=Role.LEGAL_STAFF)
    reference = (
        APIClient().post("/api/v1/objections", objection_body(), format="json").json()["reference"]
    )
    case = Case.objects.get(reference=reference)

    def confirm():
        client = APIClient()
        client.force_authenticate(lawyer_user)
        return step(client, case, "confirm_receipt").status_code

    assert sorted(run_at_once([confirm, confirm])) == [200, 409]
    assert letter_requests(case=case).count() == 1


@pytest.mark.django_db
def test_random_objection_step_sequences_keep_the_invariants(team, time_machine):
    """No invalid state, no running term on a closed case, four eyes always held."""
    import contextlib
    import random

    from django.core.exceptions import PermissionDenied, ValidationError

    from backend.domain import DomainConflict
    from cases.workflows import service as workflow
    from cases.workflows.objection import FINAL_STATES, ObjectionState

    time_machine.move_to(START)
    drafter = UserFactory(role=Role.LEGAL_STAFF, teams=[team])
    second = UserFactory(role=Role.LEGAL_STAFF, teams=[team])
    rng = random.Random(7)
    names = list(OBJECTION_DATA)
    for _ in range(15):
        from cases import services

        case = services.case_file(
            filing=services.Filing(
                kind="objection", subject="x", description="y", channel="web",
                parties=[{"role": "filer", "party_type": "person", "name": "A",
                          "phone": "+31612345678"}],
                objection={"decision_reference": "B-1", "decision_subject": "s",
                           "decision_date": datetime.date(2025, 3, 24), "grounds": "g",
                           "signed": True},
            ),
            by=None,
        )  # fmt: skip
        for _ in range(12):
            name = rng.choice(names)
            by = rng.choice([drafter, second])
            with contextlib.suppress(DomainConflict, ValidationError, PermissionDenied):
                workflow.case_transition(
                    case=case, name=name, data=dict(OBJECTION_DATA[name]), by=by
                )
            case = Case.objects.select_related("objection").get(pk=case.pk)
            assert case.status in ObjectionState.values
            if case.status in (ObjectionState.DECIDED, ObjectionState.CLOSED):
                assert case.objection.reviewed_by_id != case.objection.drafted_by_id
            if case.status in FINAL_STATES:
                assert case.closed_at is not None
                assert not case.deadlines.filter(state__in=["running", "suspended"]).exists()


def test_departing_from_the_committee_needs_reasons(lawyer, file_objection):
    """Awb 7:13(7)."""
    case = file_objection()
    for name, data in [
        ("confirm_receipt", {}),
        ("accept", {}),
        ("refer_committee", {"name": "Commissie"}),
        ("continue_formally", {}),
        ("waive_hearing", {"ground": "waived"}),
        ("receive_advice", {"advice": "Gegrond", "recommendation": "founded"}),
    ]:
        ok(lawyer, case, name, **data)
    response = step(
        lawyer, case, "draft_decision", outcome="unfounded", reasons="-", costs="not_requested"
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "departsFromAdviceReasons"
    ok(
        lawyer,
        case,
        "draft_decision",
        outcome="unfounded",
        reasons="-",
        costs="not_requested",
        departsFromAdviceReasons="Het advies miskent de beleidsregel.",
    )


def test_costs_only_when_requested_and_revoked(lawyer, file_objection):
    """Awb 7:15."""
    case = file_objection()
    for name in ("confirm_receipt", "accept", "continue_formally"):
        ok(lawyer, case, name)
    ok(lawyer, case, "waive_hearing", ground="granted_in_full")
    response = step(lawyer, case, "draft_decision", outcome="founded", reasons="-", costs="awarded")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "costs"


@pytest.mark.parametrize("item", ["proof_of_payment", "proofOfPayment", "grounds.text"])
def test_a_repair_request_names_what_is_missing_by_code_or_in_words_never_another_code(
    lawyer, file_objection, item
):
    """The letter prints each item: a known code in words, or a person's own words."""
    case = file_objection(proForma=True, grounds="")
    ok(lawyer, case, "confirm_receipt")
    refused = step(lawyer, case, "request_repair", missing=["grounds", item])
    assert refused.status_code == 400
    assert refused.json()["invalidParams"][0]["name"].startswith("missing")
    body = ok(lawyer, case, "request_repair", missing=["grounds", "een bewijs van betaling"])
    assert body["objection"]["missingElements"] == ["grounds", "een bewijs van betaling"]
