"""Complaint letters that also go to the person complained about (Awb 9:9-9:11), and the
penalty-payment decision (Awb 4:18)."""

import base64
import datetime

import pytest

from backend.accounts.roles import Role
from cases.models import Case, CaseEvent, ComplaintDetails
from cases.workflows import service as workflow
from letters import services
from letters.delivery import deliveries_send_email as email_deliveries_send
from letters.models import DeliveryChannel, DeliveryState, Letter
from tests.cases.steps import reached
from tests.cases.test_filing_api import complaint_body
from tests.factories import UserFactory
from tests.letters.test_receipt_letters import assert_record, filed_and_confirmed, keep_png, text_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def words(letter: Letter) -> str:
    keep_png(letter)
    assert_record(letter)
    return " ".join(text_of(letter.file.read()).split())


@pytest.fixture
def complaint_about_colleague(anon, users, team, time_machine):
    """Filed Monday 14 April 2025 about a named colleague; formal handling started."""
    time_machine.move_to(datetime.datetime(2025, 4, 14, 10, 0, tzinfo=datetime.UTC))
    handler = users[Role.CASE_HANDLER]
    body = complaint_body()
    body["attachments"] = [{"filename": "foto.pdf", "content": base64.b64encode(PDF).decode()}]
    case = filed_and_confirmed(anon, "/api/v1/complaints", body, handler, team)
    colleague = UserFactory(
        username="pvdberg",
        first_name="Piet",
        last_name="van den Berg",
        email="p.berg@gemeente.example",
    )
    ComplaintDetails.objects.filter(case=case).update(employee=colleague, conduct_date="2025-04-03")
    Case.objects.filter(pk=case.pk).update(assignee=handler)
    workflow.case_transition(case=case, name="start_formal_handling", data={}, by=handler)
    services.letters_render_pending()
    return case


def test_the_person_complained_about_gets_a_copy_of_the_complaint(complaint_about_colleague):
    """Awb 9:9: by internal e-mail to the colleague; never the complainant's contact details."""
    case = complaint_about_colleague
    letter = Letter.objects.get(case=case, kind="complaint_copy_to_person_complained_about")
    text = words(letter)

    assert letter.recipient_key == "person_complained_about"
    assert letter.recipient == "beklaagde: Piet van den Berg"  # in the site's language
    assert "Beste Piet van den Berg" in text
    assert "Fatima el Amrani" in text  # who complained
    assert "onvriendelijk te woord gestaan" in text  # the complaint itself
    assert "donderdag 3 april 2025" in text  # the conduct
    assert "maandag 26 mei 2025" in text  # the handling term (9:11)
    assert "9:9" in text
    # The complainant's contact details stay with us (AVG: not needed for this).
    for detail in ("8011 LW", "fatima@example.nl", "12345678"):
        assert detail not in text
    assert "Ze zitten als bijlage bij de e-mail" in text  # foto.pdf
    delivery = letter.deliveries.get()
    assert (delivery.channel, delivery.address) == (
        DeliveryChannel.EMAIL,
        "p.berg@gemeente.example",
    )


def test_the_copy_is_mailed_with_the_documents_of_the_complaint(
    complaint_about_colleague, mailoutbox
):
    """Awb 9:9: a copy of the complaint and of the documents sent with it."""
    from letters import delivery

    delivery.deliveries_send_email()

    (mail,) = [m for m in mailoutbox if m.to == ["p.berg@gemeente.example"]]
    reference = complaint_about_colleague.reference
    names = [name for name, _content, _type in mail.attachments]
    assert names == [f"{reference}-complaint_copy_to_person_complained_about.pdf", "foto.pdf"]
    assert mail.attachments[1][1] == PDF


def test_the_copy_carries_the_documents_it_names_not_those_added_since(
    complaint_about_colleague, mailoutbox
):
    """The letter lists the documents as they were at the step; the e-mail carries those."""
    from letters import delivery

    later = complaint_about_colleague.attachments.get()
    later.pk, later.filename = None, "later.pdf"
    later.save()

    delivery.deliveries_send_email()

    (mail,) = [m for m in mailoutbox if m.to == ["p.berg@gemeente.example"]]
    assert [name for name, _content, _type in mail.attachments][1:] == ["foto.pdf"]


@pytest.mark.parametrize("description", ["", "de medewerker aan de balie"])
def test_no_copy_when_the_case_names_no_colleague(anon, users, team, description):
    """A description names nobody a letter can reach: the timeline says so instead."""
    handler = users[Role.CASE_HANDLER]
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    ComplaintDetails.objects.filter(case=case).update(employee_description=description)
    Case.objects.filter(pk=case.pk).update(assignee=handler)
    workflow.case_transition(case=case, name="start_formal_handling", data={}, by=handler)

    services.letters_render_pending()

    assert not Letter.objects.filter(kind="complaint_copy_to_person_complained_about")
    assert CaseEvent.objects.filter(case=case, text__contains="names none of its recipients")


def test_hearing_invitation_goes_to_both_sides(complaint_about_colleague, users):
    """Awb 9:10(1): both are given the chance to be heard."""
    case = complaint_about_colleague
    workflow.case_transition(
        case=case,
        name="plan_hearing",
        data={
            "at": datetime.datetime(2025, 5, 6, 8, 0, tzinfo=datetime.UTC),
            "location": "Stadhuis, kamer 2.14",
        },
        by=users[Role.CASE_HANDLER],
    )
    services.letters_render_pending()

    letters = {
        letter.recipient_key: words(letter)
        for letter in Letter.objects.filter(case=case, kind="complaint_hearing_invitation")
    }

    assert set(letters) == {"addressee", "person_complained_about"}
    for text in letters.values():
        assert "dinsdag 6 mei 2025 om 10:00 uur" in text
        assert "Stadhuis, kamer 2.14" in text
        assert "9:10" in text
    assert "Degene over wie u klaagt, is ook uitgenodigd" in letters["addressee"]
    assert "niet gehoord worden" in letters["addressee"]  # how to waive
    handler_name = users[Role.CASE_HANDLER].display_name
    assert f"De klachtbehandelaar, {handler_name}, leidt het gesprek" in letters["addressee"]
    assert "uw kant van het verhaal" in letters["person_complained_about"]


def test_extension_notice_goes_to_both_sides(complaint_about_colleague, users):
    """Awb 9:11(2)."""
    case = complaint_about_colleague
    workflow.case_transition(
        case=case,
        name="extend_term",
        data={"weeks": 4, "reason": "Wij spreken eerst alle betrokkenen."},
        by=users[Role.CASE_HANDLER],
    )
    services.letters_render_pending()

    notices = Letter.objects.filter(case=case, kind="complaint_extension_notice")

    assert sorted(n.recipient_key for n in notices) == ["addressee", "person_complained_about"]
    for notice in notices:
        assert "maandag 23 juni 2025" in words(notice)
    # A second run makes nothing new: one letter per recipient per request.
    services.letters_render_pending()
    assert notices.count() == 2


class TestPenaltyDecisionLetter:
    @pytest.mark.parametrize("closed_on_pay_day", [False, True])
    def test_days_amount_dates_and_payment(
        self, client_for, users, team, time_machine, closed_on_pay_day
    ):
        from cases.models import ClosingDay, PenaltyDecision
        from tests.cases.test_filing_api import objection_body

        if closed_on_pay_day:  # the pay-by date is a day the municipality works
            ClosingDay.objects.create(date=datetime.date(2025, 11, 7), name="Studiedag")

        time_machine.move_to(datetime.datetime(2025, 4, 1, 9, 0, tzinfo=datetime.UTC))
        lawyer, reviewer = users[Role.LEGAL_STAFF], UserFactory(role=Role.LEGAL_STAFF, teams=[team])
        body = objection_body()
        body["objection"]["decisionDate"] = "2025-03-24"
        case = filed_and_confirmed(
            client_for(users[Role.RESIDENT]), "/api/v1/objections", body, lawyer, team
        )
        workflow.case_transition(case=case, name="accept", data={}, by=lawyer)
        time_machine.move_to(datetime.datetime(2025, 7, 31, 9, 0, tzinfo=datetime.UTC))
        client_for(lawyer).post(
            f"/api/v1/cases/{case.reference}/notices-of-default", {"receivedOn": "2025-07-30"}
        )
        time_machine.move_to(datetime.datetime(2025, 9, 26, 9, 0, tzinfo=datetime.UTC))
        reached(case, lawyer)
        for name, data, by in [
            ("continue_formally", {}, lawyer),
            ("waive_hearing", {"ground": "granted_in_full"}, lawyer),
            ("draft_decision", {"outcome": "founded", "reasons": "-", "costs": "not_requested"},
             lawyer),
            ("approve_decision", {}, reviewer),
        ]:  # fmt: skip
            workflow.case_transition(case=case, name=name, data=data, by=by)
        # 42 days, 13 August .. 23 September: the cap (Awb 4:17(1)).
        assert (
            client_for(lawyer).post(f"/api/v1/cases/{case.reference}/penalty-decision").status_code
            == 201
        )
        services.letters_render_pending()

        letter = Letter.objects.get(case=case, kind="objection_penalty_decision")
        text = words(letter)

        assert "woensdag 30 juli 2025" in text  # the notice of default
        assert "dinsdag 17 juni 2025" in text  # the term that expired
        assert "woensdag 13 augustus 2025 tot en met dinsdag 23 september 2025" in text
        assert "42 dagen" in text
        assert "14 dagen \u00d7 € 23,00 € 322,00" in text
        assert "14 dagen \u00d7 € 35,00 € 490,00" in text
        assert "14 dagen \u00d7 € 45,00 € 630,00" in text
        assert "Totaal € 1.442,00" in text
        pay_by = PenaltyDecision.objects.get(case=case).pay_by
        # Paid within 6 weeks (Awb 4:87): Friday 7 November, or Monday 10 when closed.
        expected = "maandag 10 november 2025" if closed_on_pay_day else "vrijdag 7 november 2025"
        assert pay_by == (datetime.date(2025, 11, 10 if closed_on_pay_day else 7))
        assert expected in text
        # Object to this decision within 6 weeks after the day it is sent (its date, 6:8).
        # (the sentence may break across pages in the text, so the date is counted)
        assert text.count("vrijdag 7 november 2025") == (1 if closed_on_pay_day else 2)
        assert "4:18" in text
        assert "op uw bankrekening" in text
        # Where to object (Awb 3:45(2)), by a date.
        assert "Stuur uw bezwaar naar Gemeente Voorbeeld, Postbus 1" in text
        assert f"uiterlijk op {expected}" in text  # pay by
        assert letter.deliveries.get().state == DeliveryState.QUEUED  # by post


def test_the_copy_waits_for_the_virus_scan_of_the_documents(
    complaint_about_colleague, mailoutbox, settings
):
    """A document still in quarantine is not mailed unscanned: the copy waits (no attempt
    counted) and goes with it once the scanner found it clean."""
    settings.ATTACHMENT_SCAN_REQUIRED = True
    case = complaint_about_colleague
    attachment = case.attachments.get()
    attachment.scan_status = attachment.ScanStatus.PENDING
    attachment.save(update_fields=["scan_status"])
    letter = Letter.objects.get(case=case, kind="complaint_copy_to_person_complained_about")

    email_deliveries_send()
    waiting = letter.deliveries.get()
    assert (waiting.state, waiting.attempts) == (DeliveryState.QUEUED, 0)
    assert not [m for m in mailoutbox if m.to == ["p.berg@gemeente.example"]]

    attachment.scan_status = attachment.ScanStatus.CLEAN
    attachment.save(update_fields=["scan_status"])
    email_deliveries_send()
    (mail,) = [m for m in mailoutbox if m.to == ["p.berg@gemeente.example"]]
    assert [name for name, _content, _type in mail.attachments][1:] == ["foto.pdf"]
    assert letter.deliveries.get().state == DeliveryState.SENT
