"""A letter states the case as the step that asked for it left it (issue 16.1): facts are
taken in the step's transaction and stored with the request, so a later step, a late
render or a redating never changes what an earlier letter says. A correction takes them
anew: that is what it is for."""

import datetime

import pytest
from django.utils import timezone

from backend.accounts.roles import Role
from cases.letter_facts import FACTS_VERSION, facts_read, facts_take
from cases.models import Case, DeadlineKind, ObjectionDetails
from cases.workflows import service as workflow
from letters import services, tasks
from letters.context import letter_context
from letters.models import Letter
from tests.cases.legal_flows import at, objection_filed
from tests.cases.steps import hearing_time
from tests.cases.test_filing_api import complaint_body
from tests.factories import UserFactory
from tests.letters.test_receipt_letters import filed_and_confirmed, text_of
from tests.outbox import letter_requests

pytestmark = pytest.mark.django_db


def words(letter: Letter) -> str:
    return " ".join(text_of(letter.file.read()).split())


@pytest.fixture
def accepted(client_for, users, team, time_machine):
    """An objection accepted on Tuesday 6 May 2025; its decision term ends 17 June."""
    lawyer = users[Role.LEGAL_STAFF]
    time_machine.move_to(at("2025-04-01"))
    case = objection_filed(client_for(users[Role.RESIDENT]), team, decision_date="2025-03-24")
    time_machine.move_to(at("2025-05-06"))
    for name in ("confirm_receipt", "accept"):
        workflow.case_transition(case=case, name=name, data={}, by=lawyer)
    return case


def test_a_postponement_a_moment_later_does_not_change_the_referral_letter(users, accepted):
    """Both steps are taken before the worker renders either letter: the referral still
    names the committee's 12-week date (7:10(1)), the postponement notice the new one."""
    lawyer = users[Role.LEGAL_STAFF]
    workflow.case_transition(
        case=accepted, name="refer_committee", data={"name": "Bezwaarschriftencommissie"},
        by=lawyer,
    )  # fmt: skip
    workflow.case_transition(
        case=accepted, name="postpone", data={"weeks": 6, "reason": "Advies van de brandweer."},
        by=lawyer,
    )  # fmt: skip
    services.letters_render_pending()

    referral = words(Letter.objects.get(case=accepted, kind="objection_committee_referral"))
    notice = words(Letter.objects.get(case=accepted, kind="objection_postponement_notice"))
    assert "uiterlijk op dinsdag 29 juli 2025" in referral  # 6 May + 12 weeks
    assert "dinsdag 9 september 2025" not in referral
    assert "dinsdag 9 september 2025" in notice  # 29 July + 6 weeks


def test_a_letter_dated_again_keeps_the_facts_of_its_step(anon, users, team, time_machine):
    """A receipt that missed its print batch is made again days later, after the term was
    extended: it keeps the handling date it was asked with; only its own date moves."""
    handler = users[Role.CASE_HANDLER]
    time_machine.move_to(at("2025-04-14", 10))
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    services.letters_render_pending()
    receipt = Letter.objects.get(case=case, kind="complaint_receipt")
    assert "maandag 26 mei 2025" in words(receipt)  # 6 weeks (9:11(1))

    Case.objects.filter(pk=case.pk).update(assignee=handler)
    workflow.case_transition(case=case, name="start_formal_handling", data={}, by=handler)
    workflow.case_transition(
        case=case, name="extend_term", data={"weeks": 4, "reason": "Hoorzitting."}, by=handler
    )
    time_machine.move_to(at("2025-04-22", 15))  # the batches of the 14th to 18th never ran
    tasks.letters_print_batch()

    again = Letter.objects.get(replaces=receipt)
    assert again.dated_on == datetime.date(2025, 4, 22)
    text = words(again)
    assert "dinsdag 22 april 2025" in text
    assert "maandag 26 mei 2025" in text
    assert "maandag 23 juni 2025" not in text  # the extension came after the receipt


def test_a_correction_states_the_case_as_corrected(anon, users, team, client_for):
    handler = users[Role.CASE_HANDLER]
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    services.letters_render_pending()
    receipt = Letter.objects.get(case=case, kind="complaint_receipt")
    Case.objects.filter(pk=case.pk).update(subject="Afval niet opgehaald")

    response = client_for(handler).post(
        f"/api/v1/cases/{case.reference}/letters/{receipt.pk}/corrections",
        {"reason": "Onderwerp verkeerd overgenomen"},
    )
    services.letters_render_pending()

    assert response.status_code == 202
    assert "Afval niet opgehaald" in words(Letter.objects.get(replaces=receipt))
    assert "Afval niet opgehaald" not in words(receipt)


def test_the_facts_travel_with_the_request(anon, users, team):
    handler = users[Role.CASE_HANDLER]
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    facts = letter_requests(case=case).get().payload["facts"]
    assert facts["version"] == FACTS_VERSION
    assert facts["case"]["subject"] == case.subject
    assert set(facts["deadlines"]) == {DeadlineKind.FIRST_CONTACT, DeadlineKind.COMPLAINT_HANDLING}
    services.letters_render_pending()
    # The letter keeps its request, facts included: a redating renders from it.
    assert Letter.objects.get(case=case).request["facts"] == facts


def test_the_facts_read_back_as_they_were_taken(users, accepted):
    """Every value of the details, dates and moments included, comes back as it was,
    whatever the case holds now; the copies are never the stored rows."""
    details = accepted.objection
    details.hearing_at = hearing_time()
    details.hearing_report = "Verslag"
    details.save()
    case = Case.objects.get(pk=accepted.pk)
    facts = facts_take(case)
    ObjectionDetails.objects.filter(case=case).update(
        hearing_report="Later verslag", hearing_at=None, committee_name="Later"
    )

    read = facts_read(Case.objects.get(pk=case.pk), facts)

    assert read.details.hearing_report == "Verslag"
    assert read.details.hearing_at == details.hearing_at
    assert read.details.committee_name == ""
    assert read.details.decision_date == datetime.date(2025, 3, 24)
    assert read.case.subject == case.subject
    assert read.case.received_at == case.received_at
    assert read.due(DeadlineKind.OBJECTION_DECISION) == datetime.date(2025, 6, 17)
    assert ObjectionDetails.objects.get(case=case).hearing_report == "Later verslag"


def test_a_request_from_before_facts_were_taken_renders_the_case_as_it_is(anon, users, team):
    handler = users[Role.CASE_HANDLER]
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    request = letter_requests(case=case).get()
    payload = {key: value for key, value in request.payload.items() if key != "facts"}
    context = letter_context(case, "complaint_receipt", "nl", payload)
    assert context["case"].subject == case.subject
    assert context["handling_due"]


def test_a_decision_never_says_it_heard_the_objector_on_a_day_still_to_come(users, accepted):
    """Held hearings only: a report with a hearing time after the letter's date (a data
    slip) gives no "we heard you on"."""
    case = accepted
    ObjectionDetails.objects.filter(case=case).update(
        hearing_report="Verslag", hearing_at=timezone.now() + datetime.timedelta(days=30)
    )
    case = Case.objects.get(pk=case.pk)
    later = letter_context(case, "objection_decision", "nl", {"facts": facts_take(case)})
    ObjectionDetails.objects.filter(case=case).update(
        hearing_at=timezone.now() - datetime.timedelta(days=1)
    )
    case = Case.objects.get(pk=case.pk)
    held = letter_context(case, "objection_decision", "nl", {"facts": facts_take(case)})
    assert later["heard"] is False
    assert held["heard"] is True


def test_the_hearing_invitation_names_the_handler_at_the_step(anon, users, team):
    """A case handed to a colleague after the invitation was asked for: the letter names
    who was to lead the hearing when it was planned."""
    handler = users[Role.CASE_HANDLER]
    colleague = UserFactory(first_name="Jamila", last_name="Bakker", teams=[team],
                            role=Role.CASE_HANDLER)  # fmt: skip
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    Case.objects.filter(pk=case.pk).update(assignee=handler)
    for name, data in [
        ("start_formal_handling", {}),
        ("plan_hearing", {"at": hearing_time(), "location": "Stadhuis"}),
    ]:
        workflow.case_transition(case=case, name=name, data=data, by=handler)
    Case.objects.filter(pk=case.pk).update(assignee=colleague)
    services.letters_render_pending()

    text = words(
        Letter.objects.get(
            case=case, kind="complaint_hearing_invitation", recipient_key="addressee"
        )
    )
    assert handler.display_name in text
    assert "Jamila Bakker" not in text


def test_taking_facts_costs_a_few_reads(users, accepted, django_assert_max_num_queries):
    case = Case.objects.select_related("objection").get(pk=accepted.pk)
    with django_assert_max_num_queries(3):  # deadlines, assignee, attachments
        facts_take(case)
