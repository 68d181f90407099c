"""The case file's events: published in the transaction of the change, without personal
data, once each; and the case file hearing from the letters app by an event."""

import datetime
import json

import pytest

from backend.accounts.roles import Role
from backend.outbox.models import OutboxMessage
from backend.outbox.services import outbox_publish_event
from cases import deadlines, events, sweep
from cases.consumers import CASE_FILE
from cases.models import Case, DeadlineKind, ObjectionDetails
from cases.workflows import service as workflow
from letters import delivery, services
from letters.models import Letter
from tests.cases.test_filing_api import complaint_body
from tests.factories import CaseFactory, UserFactory
from tests.outbox import relay_all

pytestmark = pytest.mark.django_db


def topics(case: Case) -> list[str]:
    return list(
        OutboxMessage.objects.filter(case=case).order_by("id").values_list("topic", flat=True)
    )


def payload(case: Case, topic: str) -> dict:
    return OutboxMessage.objects.get(case=case, topic=topic).payload


def test_every_topic_is_in_the_catalogue():
    assert len(set(events.TOPICS)) == len(events.TOPICS) == 7
    assert all(topic.count(".") == 1 and topic.islower() for topic in events.TOPICS)


def test_filing_publishes_case_filed_without_personal_data(anon):
    body = complaint_body()
    response = anon.post("/api/v1/complaints", body)
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])

    assert topics(case) == [events.CASE_FILED]
    filed = payload(case, events.CASE_FILED)
    assert filed == {
        "reference": case.reference,
        "kind": "complaint",
        "channel": case.channel,
        "status": case.status,
    }
    text = json.dumps(filed)
    party = body["parties"][0]
    for personal in (party["name"], party["email"], party["phone"], body["subject"]):
        assert personal not in text


def test_a_refused_filing_publishes_nothing(anon):
    before = OutboxMessage.objects.count()
    response = anon.post("/api/v1/complaints", complaint_body(parties=[]))
    assert response.status_code == 400
    assert OutboxMessage.objects.count() == before


def test_each_step_publishes_what_it_did(anon, users, team):
    response = anon.post("/api/v1/complaints", complaint_body())
    case = Case.objects.get(reference=response.json()["reference"])
    Case.objects.filter(pk=case.pk).update(team=team)
    handler = users[Role.CASE_HANDLER]

    workflow.case_transition(case=case, name="confirm_receipt", data={}, by=handler)

    assert topics(case) == [events.CASE_FILED, events.CASE_STEP_TAKEN, "letter.requested"]
    step = payload(case, events.CASE_STEP_TAKEN)
    assert step["step"] == "confirm_receipt"
    assert (step["before"], step["after"]) == ("received", Case.objects.get(pk=case.pk).status)


def test_the_sweep_publishes_warnings_and_missed_terms_once(users, team):
    case = CaseFactory(team=team, assignee=users[Role.CASE_HANDLER])
    deadlines.deadline_start(
        case=case,
        kind=DeadlineKind.COMPLAINT_HANDLING,
        term="complaint-handling",
        start_date=datetime.date(2025, 4, 14),
    )  # due Monday 26 May 2025

    sweep.deadlines_sweep(today=datetime.date(2025, 5, 19))  # 5 working days left
    sweep.deadlines_sweep(today=datetime.date(2025, 5, 19))  # again: nothing new
    sweep.deadlines_sweep(today=datetime.date(2025, 5, 27))  # missed

    assert topics(case) == [events.DEADLINE_WARNING, events.DEADLINE_MISSED]
    warning = payload(case, events.DEADLINE_WARNING)
    assert warning["deadline"] == DeadlineKind.COMPLAINT_HANDLING
    assert (warning["dueDate"], warning["workingDaysBefore"]) == ("2025-05-26", 5)
    assert payload(case, events.DEADLINE_MISSED)["dueDate"] == "2025-05-26"


def test_a_letter_made_and_sent_is_published_once_however_often_it_is_sent(
    anon, users, team, working_morning
):
    response = anon.post("/api/v1/complaints", complaint_body())
    case = Case.objects.get(reference=response.json()["reference"])
    Case.objects.filter(pk=case.pk).update(team=team)
    workflow.case_transition(
        case=case, name="confirm_receipt", data={}, by=users[Role.CASE_HANDLER]
    )
    services.letters_render_pending()
    letter = Letter.objects.get(case=case)
    assert payload(case, events.LETTER_CREATED) == {
        "reference": case.reference,
        "kind": "complaint",
        "letter": letter.pk,
        "letterKind": "complaint_receipt",
        "recipient": "addressee",
    }

    lead = UserFactory(role=Role.TEAM_LEAD)
    delivery.print_batch_confirm_posted(batch=delivery.print_batch_create(), by=lead)
    delivery.delivery_resend(letter=letter, by=users[Role.CASE_HANDLER], reason="kwijt")
    delivery.print_batch_confirm_posted(batch=delivery.print_batch_create(), by=lead)

    assert topics(case).count(events.LETTER_SENT) == 1
    sent = payload(case, events.LETTER_SENT)
    assert (sent["channel"], sent["sentOn"]) == ("post", "2025-04-01")


class TestTheCaseFileHearsOfLettersSent:
    """Letters say a letter went out by an event; the case file records what the law
    ties to it (Awb 4:17: the decision sent ends a running penalty)."""

    def sent(self, case: Case, kind: str, recipient: str = "addressee") -> None:
        outbox_publish_event(
            events.letter_sent(
                case,
                letter=case.pk * 100 + len(kind),
                kind=kind,
                recipient=recipient,
                channel="post",
                on=datetime.date(2025, 8, 25),
            )
        )

    @pytest.fixture
    def objection(self):
        return CaseFactory(kind="objection")  # with its details

    def test_the_decision_sent_to_the_addressee_is_recorded_with_its_day(self, objection):
        self.sent(objection, "objection_decision")
        assert relay_all(CASE_FILE.name).handled == 1
        assert ObjectionDetails.objects.get(case=objection).decision_sent_on == datetime.date(
            2025, 8, 25
        )

    @pytest.mark.parametrize(
        ("kind", "recipient"),
        [("objection_decision", "person_complained_about"), ("objection_receipt", "addressee")],
    )
    def test_other_letters_change_nothing(self, objection, kind, recipient):
        self.sent(objection, kind, recipient)
        assert relay_all(CASE_FILE.name).handled == 1
        assert ObjectionDetails.objects.get(case=objection).decision_sent_on is None
