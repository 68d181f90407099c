"""Delivery: e-mail with consent (Awb 2:14), otherwise post via a daily print batch;
resending and corrections; every role against every endpoint."""

import csv
import hashlib
import io

import pytest
from pypdf import PdfReader

from backend.accounts.roles import Role
from cases.models import Case, Party, PartyRole
from letters import delivery, services
from letters.models import DeliveryChannel, DeliveryState, Letter, LetterDelivery, PrintBatch
from tests.cases.test_filing_api import complaint_body
from tests.letters.test_receipt_letters import filed_and_confirmed, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("working_morning")]


def body_with(**party):
    body = complaint_body()
    body["parties"][0].update(party)
    return body


@pytest.fixture
def handler(users):
    return users[Role.CASE_HANDLER]


@pytest.fixture
def receipt(anon, handler, team):
    """A complaint receipt for a resident who wants letters by post (the default)."""

    def make(**party):
        case = filed_and_confirmed(anon, "/api/v1/complaints", body_with(**party), handler, team)
        services.letters_render_pending()
        return Letter.objects.get(case=case, kind="complaint_receipt")

    return make


class TestChannelChoice:
    def test_post_by_default(self, receipt):
        letter = receipt()
        sent = letter.deliveries.get()
        assert (sent.channel, sent.state) == (DeliveryChannel.POST, DeliveryState.QUEUED)
        assert sent.address == "Fatima el Amrani\nGrote Markt 1\n8011 LW  ZWOLLE"

    def test_e_mail_with_the_pdf_when_the_resident_agreed(self, receipt, mailoutbox):
        letter = receipt(lettersByEmail=True)
        assert letter.deliveries.get().channel == DeliveryChannel.EMAIL

        assert delivery.deliveries_send_email() == 1

        sent = letter.deliveries.get()
        assert (sent.state, sent.attempts) == (DeliveryState.SENT, 1)
        assert sent.sent_at is not None
        (mail,) = mailoutbox
        assert mail.to == ["fatima@example.nl"]
        assert letter.case.reference in mail.subject
        assert "Beste Fatima el Amrani" in mail.body
        (_name, content, mimetype) = mail.attachments[0]
        assert mimetype == "application/pdf"
        assert hashlib.sha256(content).hexdigest() == letter.sha256  # exactly what we stored
        assert delivery.deliveries_send_email() == 0  # sent once

    def test_consent_needs_an_e_mail_address(self, anon):
        response = anon.post("/api/v1/complaints", body_with(lettersByEmail=True, email=""))
        assert response.status_code == 400
        assert {p["name"] for p in response.json()["invalidParams"]} == {"parties.0.email"}

    def test_nowhere_to_send_is_a_visible_failure_not_silence(self, receipt):
        letter = receipt(street="", houseNumber="", postalCode="", city="")
        sent = letter.deliveries.get()
        assert sent.state == DeliveryState.FAILED
        assert "no postal address" in sent.last_error

    def test_a_mail_server_that_refuses_is_retried_then_failed(self, receipt, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
        letter = receipt(lettersByEmail=True)

        for _ in range(delivery.MAX_EMAIL_ATTEMPTS + 1):
            delivery.deliveries_send_email()

        sent = letter.deliveries.get()
        assert sent.state == DeliveryState.FAILED
        assert sent.attempts == delivery.MAX_EMAIL_ATTEMPTS
        assert sent.last_error == "ConnectionRefusedError"


class TestPrintBatch:
    def test_one_merged_pdf_and_a_list_in_order(self, receipt):
        letters = [receipt() for _ in range(3)]
        pages = [letter.pages for letter in letters]

        batch = delivery.print_batch_create(duplex=True)

        assert batch.letters == 3
        merged = PdfReader(batch.file.open("rb"))
        # Duplex: a letter with an odd page count is followed by a blank page.
        assert len(merged.pages) == batch.pages == sum(p + p % 2 for p in pages)
        assert hashlib.sha256(batch.file.open("rb").read()).hexdigest() == batch.sha256
        rows = list(csv.DictReader(io.StringIO(batch.listing.open("rb").read().decode())))
        assert [r["reference"] for r in rows] == [letter.case.reference for letter in letters]
        assert [int(r["first_page"]) for r in rows] == [1, 1 + pages[0] + pages[0] % 2, 5]
        assert rows[0]["address"] == "Fatima el Amrani, Grote Markt 1, 8011 LW  ZWOLLE"
        assert set(rows[0]) == {  # what the mailroom needs, not what the letter is about
            "sequence",
            "first_page",
            "pages",
            "reference",
            "letter_id",
            "address",
            "sha256",
        }
        first = merged.pages[0].extract_text()
        assert letters[0].case.reference in first
        assert set(LetterDelivery.objects.values_list("state", flat=True)) == {
            DeliveryState.BATCHED
        }
        assert delivery.print_batch_create() is None  # nothing waits any more

    def test_e_mail_deliveries_stay_out_of_the_print_batch(self, receipt):
        receipt(lettersByEmail=True)
        assert delivery.print_batch_create() is None

    def test_confirming_posted_marks_the_letters_sent(self, receipt, client_for, users):
        letter = receipt()
        batch = delivery.print_batch_create()
        client = client_for(users[Role.TEAM_LEAD])

        first = client.post(f"/api/v1/print-batches/{batch.pk}/posted")
        second = client.post(f"/api/v1/print-batches/{batch.pk}/posted")

        assert first.status_code == 200
        assert first.json()["postedAt"] is not None
        assert second.status_code == 409
        sent = letter.deliveries.get()
        assert sent.state == DeliveryState.POSTED
        assert sent.sent_at is not None

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            (Role.TEAM_LEAD, 200),  # the mailroom
            (Role.CASE_HANDLER, 403),  # batches hold every team's letters
            (Role.LEGAL_STAFF, 403),
            (Role.ADMINISTRATOR, 403),  # addresses are personal data
            (Role.RESIDENT, 403),
            (Role.INTEGRATION_CLIENT, 403),
        ],
    )
    def test_by_role(self, receipt, client_for, users, role, status):
        receipt()
        batch = delivery.print_batch_create()
        client = client_for(users[role])

        listing = client.get("/api/v1/print-batches")
        pdf = client.get(f"/api/v1/print-batches/{batch.pk}/pdf")
        rows = client.get(f"/api/v1/print-batches/{batch.pk}/listing")
        posted = client.post(f"/api/v1/print-batches/{batch.pk}/posted")

        assert {listing.status_code, pdf.status_code, rows.status_code, posted.status_code} == {
            status
        }
        if status == 200:
            assert listing.json()[0]["letters"] == 1
            assert pdf["Content-Type"] == "application/pdf"
            assert rows["Content-Type"].startswith("text/csv")
        else:
            assert PrintBatch.objects.get().posted_at is None

    def test_unknown_batch_is_404(self, client_for, users):
        client = client_for(users[Role.TEAM_LEAD])
        assert client.get("/api/v1/print-batches/999/pdf").status_code == 404


class TestResend:
    def url(self, letter):
        return f"/api/v1/cases/{letter.case.reference}/letters/{letter.pk}/deliveries"

    @pytest.fixture
    def posted(self, receipt, users):
        """A receipt that went out by post already."""

        def make(**party):
            letter = receipt(**party)
            batch = delivery.print_batch_create()
            delivery.print_batch_confirm_posted(batch=batch, by=users[Role.TEAM_LEAD])
            return letter

        return make

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            (Role.CASE_HANDLER, 201),
            (Role.LEGAL_STAFF, 201),
            (Role.TEAM_LEAD, 201),
            (Role.ADMINISTRATOR, 403),
            (Role.RESIDENT, 403),
            (Role.INTEGRATION_CLIENT, 403),
        ],
    )
    def test_by_role(self, posted, client_for, users, role, status):
        letter = posted()
        response = client_for(users[role]).post(self.url(letter), {"reason": "Brief kwam niet aan"})
        assert response.status_code == status
        assert letter.deliveries.count() == (2 if status == 201 else 1)

    def test_the_same_pdf_goes_again_with_who_and_why(self, posted, client_for, handler):
        letter = posted()
        response = client_for(handler).post(self.url(letter), {"reason": "Kwijtgeraakt"})
        assert response.status_code == 201, response.content
        assert response.json()["channel"] == "post"
        again = letter.deliveries.last()
        assert (again.created_by, again.reason, again.state) == (handler, "Kwijtgeraakt", "queued")
        assert Letter.objects.filter(case=letter.case).count() == 1

    def test_a_double_click_sends_once(self, posted, client_for, handler):
        letter = posted()
        client = client_for(handler)
        first = client.post(self.url(letter), {"reason": "Kwijt"})
        second = client.post(self.url(letter), {"reason": "Kwijt"})
        assert (first.status_code, second.status_code) == (201, 409)
        assert letter.deliveries.filter(state=DeliveryState.QUEUED).count() == 1

    def test_after_a_move_the_old_window_address_is_refused(self, posted, client_for, handler):
        letter = posted()
        Party.objects.filter(case=letter.case, role=PartyRole.FILER).update(street="Nieuwstraat")
        response = client_for(handler).post(self.url(letter), {"reason": "Verhuisd"})
        assert response.status_code == 409
        assert "correctie" in response.json()["detail"]

    def test_e_mail_without_consent_names_the_field(self, posted, client_for, handler):
        letter = posted()
        response = client_for(handler).post(
            self.url(letter), {"channel": "email", "reason": "Graag per mail"}
        )
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "channel"
        assert letter.deliveries.count() == 1

    def test_reason_is_required(self, posted, client_for, handler):
        response = client_for(handler).post(self.url(posted()), {})
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "reason"


class TestCorrections:
    def url(self, letter):
        return f"/api/v1/cases/{letter.case.reference}/letters/{letter.pk}/corrections"

    def test_a_correction_is_a_new_letter_naming_the_one_it_replaces(
        self, receipt, client_for, handler
    ):
        letter = receipt()
        original = letter.file.read()
        Party.objects.filter(case=letter.case, role=PartyRole.FILER).update(
            street="Nieuwstraat", house_number="8"
        )

        response = client_for(handler).post(self.url(letter), {"reason": "Verkeerd adres"})
        services.letters_render_pending()

        assert response.status_code == 202
        corrected = Letter.objects.get(replaces=letter)
        assert "Nieuwstraat 8" in text_of(corrected.file.read())
        assert corrected.created_by == handler
        assert corrected.kind == letter.kind
        letter.refresh_from_db()
        assert letter.file.read() == original  # the first letter is unchanged
        assert corrected.deliveries.get().state == DeliveryState.QUEUED
        # The wrong letter had not left yet: it no longer will.
        assert letter.deliveries.get().state == DeliveryState.CANCELLED
        listing = client_for(handler).get(f"/api/v1/cases/{letter.case.reference}/letters")
        by_id = {row["id"]: row for row in listing.json()["results"]}
        assert by_id[letter.pk]["replacedBy"] == corrected.pk
        assert by_id[corrected.pk]["replaces"] == letter.pk
        assert by_id[corrected.pk]["deliveryState"] == "queued"
        assert by_id[letter.pk]["deliveryState"] == "cancelled"
        assert delivery.print_batch_create().letters == 1  # only the correction is printed

    def test_asking_twice_makes_one_correction_then_only_the_newest_can_be(
        self, receipt, client_for, handler
    ):
        letter = receipt()
        client = client_for(handler)
        client.post(self.url(letter), {"reason": "Typfout"})
        client.post(self.url(letter), {"reason": "Typfout"})
        services.letters_render_pending()

        assert Letter.objects.filter(replaces=letter).count() == 1
        late = client.post(self.url(letter), {"reason": "Nog een"})
        assert late.status_code == 409

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            (Role.CASE_HANDLER, 202),
            (Role.LEGAL_STAFF, 202),
            (Role.TEAM_LEAD, 202),
            (Role.ADMINISTRATOR, 403),
            (Role.RESIDENT, 403),
            (Role.INTEGRATION_CLIENT, 403),
        ],
    )
    def test_by_role(self, receipt, client_for, users, role, status):
        letter = receipt()
        response = client_for(users[role]).post(self.url(letter), {"reason": "Fout"})
        assert response.status_code == status


def test_letters_in_a_case_of_another_team_stay_hidden(receipt, client_for, users, other_team):
    letter = receipt()
    Case.objects.filter(pk=letter.case_id).update(team=other_team)
    response = client_for(users[Role.CASE_HANDLER]).post(
        f"/api/v1/cases/{letter.case.reference}/letters/{letter.pk}/deliveries",
        {"reason": "x"},
    )
    assert response.status_code == 404


def test_rendering_a_letter_costs_a_fixed_number_of_queries(anon, handler, team):
    """What the worker does per request, counted: no query per party or per deadline."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from letters.models import Branding

    Branding.current()  # made once, by the first letter ever
    # (a filer who needs extra care adds one timeline note: tested on its own)
    body = body_with(needsExtraCare=False, careNote="")
    filed_and_confirmed(anon, "/api/v1/complaints", body, handler, team)
    with CaptureQueriesContext(connection) as queries:
        assert services.letters_render_pending() == 1
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    # lock the request, branding, case, parties, source key, the step's event, letter, its
    # letter.created event (no consumer wants it: no delivery rows), delivery, mark done,
    # and the lock that finds no more (the closing and decree days of the dispatch day are
    # kept: backend/versioned_cache.py; the deadlines come with the request's facts), and
    # the processing log's record of the rendering (at once here; a worker's task writes
    # all of its records in one INSERT when it ends)
    assert len(statements) == 12, "\n".join(sql[:90] for sql in statements)


def test_a_corrected_letter_is_not_sent_again(receipt, client_for, handler):
    letter = receipt()
    client = client_for(handler)
    client.post(f"/api/v1/cases/{letter.case.reference}/letters/{letter.pk}/corrections",
                {"reason": "Typfout"})  # fmt: skip
    services.letters_render_pending()
    response = client.post(
        f"/api/v1/cases/{letter.case.reference}/letters/{letter.pk}/deliveries", {"reason": "x"}
    )
    assert response.status_code == 409
    assert "correctie" in response.json()["detail"]


def test_a_failed_request_leaves_no_pdf_behind(receipt, anon, handler, team, monkeypatch):
    """A request for two letters whose second fails: no record, and no file either."""
    from django.core.files.storage import default_storage

    from cases.workflows import service as workflow
    from tests.factories import UserFactory

    colleague = UserFactory(email="c@gemeente.example")
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    services.letters_render_pending()
    case.complaint.employee = colleague
    case.complaint.save()
    Case.objects.filter(pk=case.pk).update(assignee=handler)
    workflow.case_transition(case=case, name="start_formal_handling", data={}, by=handler)
    services.letters_render_pending()  # the copy to the colleague
    workflow.case_transition(
        case=case, name="extend_term", data={"weeks": 2, "reason": "Drukte"}, by=handler
    )
    real_render, calls = services.render, []

    def second_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(services, "render", second_fails)
    services.letters_render_pending()

    assert not Letter.objects.filter(kind="complaint_extension_notice").exists()
    folder = Letter.objects.filter(case=case).first().file.name.rsplit("/", 1)[0]
    names = default_storage.listdir(folder)[1]
    assert not [n for n in names if "extension_notice" in n]


def test_residents_see_only_the_letters_addressed_to_them(client_for, users, team):
    from cases.workflows import service as workflow
    from tests.factories import UserFactory

    resident = client_for(users[Role.RESIDENT])
    handler = users[Role.CASE_HANDLER]
    case = filed_and_confirmed(resident, "/api/v1/complaints", complaint_body(), handler, team)
    case.complaint.employee = UserFactory(first_name="Piet", last_name="Berg")
    case.complaint.save()
    Case.objects.filter(pk=case.pk).update(assignee=handler)
    workflow.case_transition(case=case, name="start_formal_handling", data={}, by=handler)
    services.letters_render_pending()
    copy = Letter.objects.get(kind="complaint_copy_to_person_complained_about")

    listing = resident.get(f"/api/v1/cases/{case.reference}/letters").json()["results"]
    download = resident.get(f"/api/v1/cases/{case.reference}/letters/{copy.pk}")

    assert [row["kind"] for row in listing] == ["complaint_receipt"]
    assert listing[0]["recipient"] == "addressee"
    assert listing[0]["recipientLabel"].endswith(case.parties.get(role="filer").name)
    assert resident.get(listing[0]["url"])["Content-Type"] == "application/pdf"
    assert "reason" not in listing[0]["deliveries"][0]
    assert download.status_code == 404
    staff = client_for(handler).get(f"/api/v1/cases/{case.reference}/letters").json()["results"]
    assert len(staff) == 2


def test_the_admin_shows_letters_deliveries_batches_and_branding(receipt, admin_client):
    """Staff find failed deliveries and batches in the admin; nothing there edits a record."""
    letter = receipt(street="", houseNumber="", postalCode="", city="")  # a failed delivery
    receipt()
    delivery.print_batch_create()

    pages = [
        "/admin/letters/letter/?deliveries__state__exact=failed",
        f"/admin/letters/letter/{letter.pk}/change/",
        "/admin/letters/printbatch/",
        "/admin/letters/branding/",
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page
    listing = admin_client.get(pages[0]).content.decode()
    assert letter.case.reference in listing
    assert admin_client.get("/admin/letters/letter/add/").status_code == 403


def test_the_letters_list_costs_the_same_queries_for_one_or_many(
    receipt, client_for, handler, users
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    letter = receipt()
    client = client_for(handler)
    url = f"/api/v1/cases/{letter.case.reference}/letters"
    client.get(url)  # warm the permission cache
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):  # more letters, each with two deliveries
        services.letter_correction_request(
            letter=Letter.objects.filter(case=letter.case).last(), by=handler, reason="x"
        )
        services.letters_render_pending()
    delivery.print_batch_create()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(response.json()["results"]) == 4
    assert len(many) == len(one)


def test_a_letter_to_a_resident_who_needs_extra_care_prompts_a_call(receipt):
    """complaint_body's filer needs extra care (low vision): the timeline asks for a call."""
    from cases.models import CaseEvent

    letter = receipt()
    plain = receipt(needsExtraCare=False, careNote="")

    assert CaseEvent.objects.filter(case=letter.case, text__contains="needs extra care").exists()
    assert not CaseEvent.objects.filter(case=plain.case, text__contains="needs extra care")
