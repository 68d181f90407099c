"""A letter is dated on the day it goes out and its remedy dates count from that day
(Awb 6:8: the term starts the day after the letter is sent). docs/legal.md, "Counting terms"."""

import datetime

import pytest

from backend.accounts.roles import Role
from cases.models import ClosingDay, DecreeDay
from cases.workflows import service as workflow
from letters import delivery, services, tasks
from letters.dispatch import dispatch_day
from letters.models import DeliveryChannel, DeliveryState, Letter
from tests.cases.legal_flows import at, objection_filed
from tests.cases.steps import reached
from tests.cases.test_filing_api import complaint_body
from tests.factories import UserFactory
from tests.letters.test_receipt_letters import filed_and_confirmed, text_of

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat


def words(letter: Letter) -> str:
    return " ".join(text_of(letter.file.read()).split())


@pytest.mark.parametrize(
    ("channel", "made", "dated"),
    [
        (DeliveryChannel.POST, ("2025-05-16", 10), "2025-05-16"),  # Friday, before the batch
        (DeliveryChannel.POST, ("2025-05-16", 16), "2025-05-19"),  # after it: Monday's batch
        (DeliveryChannel.EMAIL, ("2025-05-16", 16), "2025-05-16"),
        (DeliveryChannel.EMAIL, ("2025-05-17", 10), "2025-05-19"),  # Saturday: held to Monday
        (DeliveryChannel.POST, ("2025-05-29", 10), "2025-06-02"),  # Ascension, decree day
        (DeliveryChannel.EMAIL, ("2025-04-21", 10), "2025-04-22"),  # Easter Monday
    ],
)
def test_the_dispatch_day_is_a_working_day(channel, made, dated):
    DecreeDay.objects.get_or_create(
        date=D("2025-05-30"), defaults={"name": "Vrijdag", "source": "Stcrt. 2022, 7812"}
    )
    assert dispatch_day(channel, at(*made)) == D(dated)


def test_a_closing_day_is_skipped():
    ClosingDay.objects.create(date=D("2025-05-19"), name="Studiedag")
    assert dispatch_day(DeliveryChannel.POST, at("2025-05-16", 16)) == D("2025-05-20")


@pytest.fixture
def decided(client_for, users, team, time_machine):
    """An objection decided on Friday 16 May 2025 at 16:00, after the day's print batch."""
    lawyer = users[Role.LEGAL_STAFF]
    second = UserFactory(username="toetser", role=Role.LEGAL_STAFF, teams=[team])
    time_machine.move_to(at("2025-04-01"))
    case = objection_filed(client_for(users[Role.RESIDENT]), team, decision_date="2025-03-24")
    reached(case, lawyer)
    time_machine.move_to(at("2025-05-16", 16))
    for name, data, by in [
        ("confirm_receipt", {}, lawyer),
        ("accept", {}, lawyer),
        ("continue_formally", {}, lawyer),
        ("waive_hearing", {"ground": "manifestly_unfounded"}, lawyer),
        ("draft_decision", {"outcome": "unfounded", "reasons": "Het besluit klopt.",
                            "costs": "not_requested"}, lawyer),
        ("approve_decision", {}, second),
    ]:  # fmt: skip
        workflow.case_transition(case=case, name=name, data=data, by=by)
    services.letters_render_pending()
    return case


def test_a_decision_posted_on_monday_is_dated_monday_with_the_appeal_date_from_then(decided):
    letter = Letter.objects.get(case=decided, kind="objection_decision")
    assert letter.dated_on == D("2025-05-19")
    text = words(letter)
    assert "maandag 19 mei 2025" in text  # the letter's date
    assert "maandag 30 juni 2025" in text  # 6 weeks from the day after it is sent (6:8)


def test_the_print_batch_takes_a_letter_on_its_date_only(decided, time_machine):
    assert (
        delivery.print_batch_create() is None
        or not Letter.objects.filter(
            case=decided, kind="objection_decision", deliveries__batch__isnull=False
        ).exists()
    )
    time_machine.move_to(at("2025-05-19", 15))
    assert tasks.letters_print_batch() >= 1
    decision = Letter.objects.get(case=decided, kind="objection_decision")
    assert decision.deliveries.get().state == DeliveryState.BATCHED


def test_a_letter_that_missed_its_batch_is_dated_again(decided, time_machine):
    """Monday's batch did not run: on Tuesday the letter is made again, dated Tuesday,
    with the appeal date from Tuesday; the Monday letter never goes out."""
    time_machine.move_to(at("2025-05-20", 15))
    tasks.letters_print_batch()
    old = Letter.objects.get(case=decided, kind="objection_decision", replaces__isnull=True)
    new = Letter.objects.get(replaces=old)
    assert old.deliveries.get().state == DeliveryState.CANCELLED
    assert new.dated_on == D("2025-05-20")
    assert new.deliveries.get().state == DeliveryState.BATCHED
    text = words(new)
    assert "dinsdag 20 mei 2025" in text
    assert "dinsdag 1 juli 2025" in text


def test_an_e_mail_waits_for_its_date(anon, users, team, time_machine, mailoutbox):
    time_machine.move_to(at("2025-05-17", 10))  # Saturday
    body = complaint_body()
    body["parties"][0]["lettersByEmail"] = True
    case = filed_and_confirmed(anon, "/api/v1/complaints", body, users[Role.CASE_HANDLER], team)
    services.letters_render_pending()
    letter = Letter.objects.get(case=case)
    assert letter.dated_on == D("2025-05-19")
    assert "maandag 19 mei 2025" in words(letter)
    assert delivery.deliveries_send_email() == 0
    time_machine.move_to(at("2025-05-19", 8))
    assert tasks.letters_send_email() == 1
    assert len(mailoutbox) == 1


def test_the_preview_shows_the_expected_dispatch_date(client_for, users, decided):
    response = client_for(users[Role.LEGAL_STAFF]).get(
        f"/api/v1/cases/{decided.reference}/letter-preview", {"kind": "objection_decision"}
    )
    assert response.status_code == 200
    assert "maandag 30 juni 2025" in " ".join(text_of(response.content).split())


def test_a_letter_that_cannot_be_dated_again_fails_alone(decided, time_machine):
    """The objector's address became incomplete: that letter's delivery fails with the
    reason for staff to see, and the day's batch is made for the rest."""
    from cases.models import Party

    other = Letter.objects.exclude(case=decided).first()
    assert other is None  # only this case's letters are waiting
    Party.objects.filter(case=decided).update(postal_code="")
    time_machine.move_to(at("2025-05-20", 15))
    tasks.letters_print_batch()
    stale = Letter.objects.get(case=decided, kind="objection_decision")
    delivery_row = stale.deliveries.get()
    assert delivery_row.state == DeliveryState.FAILED
    assert delivery_row.last_error.startswith("not dated again")
    assert not Letter.objects.filter(replaces=stale).exists()


def test_a_letter_sent_before_and_sent_again_keeps_its_date(
    decided, time_machine, client_for, users
):
    """Resending the same PDF: its terms ran from the first sending (6:8), so it is not
    made again with later dates."""
    time_machine.move_to(at("2025-05-19", 15))
    tasks.letters_print_batch()
    letter = Letter.objects.get(case=decided, kind="objection_decision")
    batch = letter.deliveries.get().batch
    delivery.print_batch_confirm_posted(batch=batch, by=users[Role.TEAM_LEAD])
    time_machine.move_to(at("2025-06-10", 10))
    resent = client_for(users[Role.CASE_HANDLER]).post(
        f"/api/v1/cases/{decided.reference}/letters/{letter.pk}/deliveries",
        {"channel": "post", "reason": "Kwijtgeraakt"},
        format="json",
    )
    assert resent.status_code == 201, resent.content
    time_machine.move_to(at("2025-06-10", 15))
    tasks.letters_print_batch()
    assert not Letter.objects.filter(replaces=letter).exists()
    assert letter.deliveries.filter(state=DeliveryState.BATCHED).count() == 1


def test_a_letter_with_a_correction_on_its_way_is_not_dated_again(
    decided, time_machine, client_for, users
):
    letter = Letter.objects.get(case=decided, kind="objection_decision")
    time_machine.move_to(at("2025-05-20", 9))
    asked = client_for(users[Role.CASE_HANDLER]).post(
        f"/api/v1/cases/{decided.reference}/letters/{letter.pk}/corrections",
        {"reason": "Verkeerde motivering"},
        format="json",
    )
    assert asked.status_code == 202, asked.content
    services.letters_redate_stale(channel=DeliveryChannel.POST)  # the case's other letters
    assert not Letter.objects.filter(replaces=letter).exists()
    services.letters_render_pending()  # the correction, dated today, replaces it
    correction = Letter.objects.get(replaces=letter)
    assert correction.dated_on == D("2025-05-20")
    assert letter.deliveries.get().state == DeliveryState.CANCELLED
