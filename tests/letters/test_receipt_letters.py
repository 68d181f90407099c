"""Receipt letters: requested by the workflows, rendered once as PDF/A, readable, right."""

import base64
import datetime
import hashlib
import io
import subprocess
from pathlib import Path

import pikepdf
import pytest
from django.utils import timezone
from pypdf import PdfReader

from backend.accounts.roles import Role
from cases.models import Case
from cases.workflows import service as workflow
from letters import services
from letters.models import Letter
from tests.cases.steps import reached
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.outbox import letter_requests, letters_delivery

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def keep_png(letter: Letter, variant: str = "") -> None:
    """A picture of page 1 for a person to look at (tests/artifacts, not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{letter.kind}-{letter.language}{variant}"
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", letter.file.path, str(target)],  # noqa: S607
        check=False,
        capture_output=True,
    )


@pytest.fixture
def handler(users):
    return users[Role.CASE_HANDLER]


def filed_and_confirmed(client, path, body, by, team):
    response = client.post(path, body)
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    Case.objects.filter(pk=case.pk).update(team=team)
    workflow.case_transition(case=case, name="confirm_receipt", data={}, by=by)
    return case


def test_complaint_receipt_says_what_matters_in_plain_dutch(anon, handler, team, time_machine):
    time_machine.move_to(datetime.datetime(2025, 4, 14, 10, 0, tzinfo=datetime.UTC))
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)

    assert services.letters_render_pending() == 1
    letter = Letter.objects.get(case=case)
    pdf = letter.file.read()
    text = text_of(pdf)

    assert case.reference in text
    assert "maandag 14 april 2025" in text  # received, written out in full
    assert "woensdag 16 april 2025" in text  # we call by: service norm, 2 working days
    assert "maandag 26 mei 2025" in text  # handling term end (Awb 9:11)
    assert "9:6" in text
    assert "9:11" in text
    # What it is about, in the resident's own words.
    assert "Uw klacht gaat over: Onvriendelijk behandeld aan de balie" in " ".join(text.split())
    assert "Grote Markt 1" in text  # the window-envelope address
    assert "8011 LW" in text
    assert "pagina 1 van 1" in text
    assert letter.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (letter.pages, letter.language, letter.template_version) == (1, "nl", "2026.11.2")
    assert letters_delivery(letter_requests().get(case=case)).state == "done"
    keep_png(letter)


def test_the_pdf_is_pdf_a_tagged_with_language_title_and_embedded_fonts(anon, handler, team):
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    services.letters_render_pending()
    pdf = pikepdf.open(Letter.objects.get(case=case).file.path)

    meta = pdf.open_metadata()
    assert meta.get("pdfaid:part") == "3"
    assert meta.get("pdfaid:conformance") == "A"
    assert "/StructTreeRoot" in pdf.Root  # tagged for accessibility
    assert str(pdf.Root.Lang) == "nl"
    assert "Ontvangstbevestiging" in str(pdf.docinfo.get("/Title"))
    fonts = [font for page in pdf.pages for font in page.Resources.get("/Font", {}).values()]
    assert fonts
    for font in fonts:
        descriptor = (font.get("/DescendantFonts") or [font])[0].get("/FontDescriptor")
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_objection_receipt_in_english_for_an_english_speaking_objector(
    client_for, users, team, time_machine
):
    time_machine.move_to(datetime.datetime(2025, 4, 1, 9, 0, tzinfo=datetime.UTC))
    body = objection_body()
    body["parties"][0]["language"] = "en"
    body["objection"].update({"decisionDate": "2025-03-24", "proForma": True, "grounds": ""})
    lawyer = users[Role.LEGAL_STAFF]
    case = filed_and_confirmed(
        client_for(users[Role.RESIDENT]), "/api/v1/objections", body, lawyer, team
    )

    services.letters_render_pending()
    letter = Letter.objects.get(case=case)
    text = text_of(letter.file.read())

    assert letter.language == "en"
    assert "We received your objection on Tuesday 1 April 2025" in text.replace("\n", " ")
    assert "PV-2026-0042" in text
    assert "Tuesday 17 June 2025" in text.replace("\n", " ")  # decision term (7:10)
    # 6:5: what is missing
    assert "the reasons why you disagree with the decision" in " ".join(text.split())
    keep_png(letter)


def test_rendering_twice_gives_one_letter(anon, handler, team):
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    message = letter_requests().get(case=case)

    first = services.letter_create(
        case=case, kind="complaint_receipt", source_key=message.dedup_key
    )
    again = services.letter_create(
        case=case, kind="complaint_receipt", source_key=message.dedup_key
    )
    services.letters_render_pending()

    assert first.pk == again.pk
    assert Letter.objects.filter(case=case).count() == 1


def test_a_failed_render_is_retried_then_left_visible(anon, handler, team, monkeypatch):
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "render", broken)
    for _ in range(services.MAX_ATTEMPTS + 2):
        services.letters_render_pending()

    message = letter_requests().get(case=case)
    delivery = letters_delivery(message)
    assert delivery.attempts == services.MAX_ATTEMPTS
    assert delivery.last_error == "OSError"
    assert delivery.state == "dead"  # for an administrator to see and replay
    assert not Letter.objects.exists()


def test_letters_are_never_changed(anon, handler, team):
    from cases.models import AppendOnlyError

    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    services.letters_render_pending()
    letter = Letter.objects.get(case=case)
    letter.recipient = "iemand anders"
    with pytest.raises(AppendOnlyError):
        letter.save()


def test_requests_without_a_template_yet_wait_untouched(anon, handler, team):
    """A kind added to a workflow before its template: the request waits, not fails."""
    from backend.outbox.services import outbox_publish

    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    outbox_publish(
        topic=services.LETTER_TOPIC,
        payload={"case": case.reference, "letter": "complaint_future_letter"},
        dedup_key=f"{case.reference}:complaint_future_letter:1",
        case=case,
    )
    services.letters_render_pending()
    waiting = letter_requests().get(payload__letter="complaint_future_letter")
    assert (letters_delivery(waiting).attempts, letters_delivery(waiting).state) == (0, "pending")
    assert Letter.objects.filter(case=case).count() == 1  # the receipt


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.CASE_HANDLER, 200),
        (Role.LEGAL_STAFF, 200),
        (Role.TEAM_LEAD, 200),
        (Role.RESIDENT, 200),  # their own letters
        (Role.ADMINISTRATOR, 403),  # no personal data
        (Role.INTEGRATION_CLIENT, 404),
    ],
)
def test_letters_api_by_role(client_for, users, handler, team, role, status):
    case = filed_and_confirmed(
        client_for(users[Role.RESIDENT]), "/api/v1/complaints", complaint_body(), handler, team
    )
    services.letters_render_pending()
    letter = Letter.objects.get(case=case)
    client = client_for(users[role])

    listing = client.get(f"/api/v1/cases/{case.reference}/letters")
    download = client.get(f"/api/v1/cases/{case.reference}/letters/{letter.pk}")

    assert listing.status_code == download.status_code == status
    if status == 200:
        assert listing.json()["results"][0]["sha256"] == letter.sha256
        assert download["Content-Type"] == "application/pdf"
        assert b"".join(download.streaming_content).startswith(b"%PDF")


def assert_record(letter: Letter) -> None:
    """What every letter must be: the stored hash and page count are the file's, PDF/A-3a,
    tagged, with the document language set."""
    pdf_bytes = letter.file.read()
    assert letter.sha256 == hashlib.sha256(pdf_bytes).hexdigest()
    assert letter.size == len(pdf_bytes)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("3", "A")
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == letter.language
        assert letter.pages == len(pdf.pages)
    letter.file.seek(0)


def letter_text(case, kind):
    services.letters_render_pending()
    letter = Letter.objects.get(case=case, kind=kind)
    keep_png(letter)
    assert_record(letter)
    return " ".join(text_of(letter.file.read()).split())


def test_informal_resolution_confirms_what_was_agreed(anon, handler, team, time_machine):
    """Awb 9:5: the solution, that the complainant is satisfied (how, when), and the way
    back to formal handling."""
    time_machine.move_to(datetime.datetime(2025, 4, 14, 10, 0, tzinfo=datetime.UTC))
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    Case.objects.filter(pk=case.pk).update(assignee=handler)
    workflow.case_transition(
        case=case,
        name="resolve_informally",
        data={
            "solution": "De container wordt dinsdag geleegd.",
            "confirmed_via": "phone",
            "confirmed_at": datetime.datetime(2025, 4, 15, 9, 0, tzinfo=datetime.UTC),
        },
        by=handler,
    )

    text = letter_text(case, "complaint_informal_resolution")

    assert "De container wordt dinsdag geleegd." in text
    assert "dinsdag 15 april 2025 (telefonisch)" in text
    assert "formele procedure" in text
    assert "9:5" in text


def test_complaint_outcome_names_the_ombudsman_and_the_year(anon, handler, team):
    """Awb 9:12, 9:24."""
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    Case.objects.filter(pk=case.pk).update(assignee=handler)
    for name, data in [
        ("start_formal_handling", {}),
        ("waive_hearing", {"ground": "waived"}),
        (
            "record_outcome",
            {"findings": "De medewerker was kortaf.", "judgement": "partly_founded",
             "conclusions": "Wij bieden excuses aan.", "measures": "Gesprek gevoerd."},
        ),
    ]:  # fmt: skip
        workflow.case_transition(case=case, name=name, data=data, by=handler)

    text = letter_text(case, "complaint_outcome")

    assert "gedeeltelijk gegrond" in text
    assert "De medewerker was kortaf." in text
    assert "binnen een jaar naar de Nationale ombudsman" in text


def test_objection_decision_carries_the_appeal_clause(client_for, users, team, working_morning):
    """Awb 7:11, 7:12; appeal to the court within 6 weeks; court fee. On a working
    morning: a letter made after the day's post is dated the next working day."""
    lawyer, second = users[Role.LEGAL_STAFF], None
    from tests.factories import UserFactory

    second = UserFactory(role=Role.LEGAL_STAFF, teams=[team])
    case = filed_and_confirmed(
        client_for(users[Role.RESIDENT]), "/api/v1/objections", objection_body(), lawyer, team
    )
    reached(case, lawyer)
    for name, data, by in [
        ("accept", {}, lawyer),
        ("continue_formally", {}, lawyer),
        ("waive_hearing", {"ground": "manifestly_unfounded"}, lawyer),
        ("draft_decision", {"outcome": "unfounded", "reasons": "Het besluit klopt.",
                            "costs": "not_requested"}, lawyer),
        ("approve_decision", {}, second),
    ]:  # fmt: skip
        workflow.case_transition(case=case, name=name, data=data, by=by)

    text = letter_text(case, "objection_decision")

    assert "ongegrond" in text
    assert "Het besluit klopt." in text
    assert "omdat uw bezwaar duidelijk ongegrond is" in text  # why no hearing (7:12)
    assert "binnen 6 weken" in text
    # Sent today: the 6 weeks (Awb 6:7, 6:8) end on a date the letter names.
    from cases.deadlines import term_compute
    from letters.rendering import long_date

    appeal_end = term_compute("objection-period", timezone.localdate()).end_date
    assert f"uiterlijk op {long_date(appeal_end, 'nl')}" in text
    assert "rechtbank Overijssel, team bestuursrecht" in " ".join(text.split())
    assert "sector" not in text  # courts have teams since 2013
    assert "griffierecht" in text


@pytest.fixture
def objection_in_check(client_for, users, team, time_machine):
    time_machine.move_to(datetime.datetime(2025, 4, 1, 9, 0, tzinfo=datetime.UTC))
    body = objection_body()
    body["objection"].update({"decisionDate": "2025-03-24", "proForma": True, "grounds": ""})
    return filed_and_confirmed(
        client_for(users[Role.RESIDENT]), "/api/v1/objections", body, users[Role.LEGAL_STAFF], team
    )


def test_repair_request_says_what_by_when_and_the_consequence(users, objection_in_check):
    """Awb 6:6; 7:10(2): the decision term is suspended meanwhile."""
    workflow.case_transition(
        case=objection_in_check,
        name="request_repair",
        data={"missing": ["de gronden van uw bezwaar"], "term_weeks": 2},
        by=users[Role.LEGAL_STAFF],
    )
    text = letter_text(objection_in_check, "objection_repair_request")
    assert "de gronden van uw bezwaar" in text
    assert "dinsdag 15 april 2025" in text
    assert "niet-ontvankelijk" in text
    assert "staat de termijn voor onze beslissing stil" in text


def test_hearing_invitation_gives_date_place_and_inspection(users, objection_in_check):
    """Awb 7:2, 7:4."""
    lawyer = users[Role.LEGAL_STAFF]
    case = objection_in_check
    from cases.models import ObjectionDetails

    ObjectionDetails.objects.filter(case=case).update(pro_forma=False, grounds="Gronden")
    reached(case, lawyer)
    for name, data in [
        ("accept", {}),
        ("continue_formally", {}),
        (
            "plan_hearing",
            {"at": datetime.datetime(2025, 4, 22, 12, 30, tzinfo=datetime.UTC),
             "location": "Stadhuis, zaal 3", "inspection_from": datetime.date(2025, 4, 14),
             "inspection_place": "de balie van het Stadhuis"},
        ),
    ]:  # fmt: skip
        workflow.case_transition(case=case, name=name, data=data, by=lawyer)

    text = letter_text(case, "objection_hearing_invitation")

    assert "dinsdag 22 april 2025 om 14:30 uur" in text
    assert "Stadhuis, zaal 3" in text
    assert "Vanaf maandag 14 april 2025" in text
    assert "tot 10 dagen voor de hoorzitting" in text


def test_postponement_notice_gives_the_new_date_and_reason(users, objection_in_check):
    """Awb 7:10(3), (5)."""
    from cases.models import ObjectionDetails

    ObjectionDetails.objects.filter(case=objection_in_check).update(pro_forma=False, grounds="G")
    workflow.case_transition(
        case=objection_in_check, name="accept", data={}, by=users[Role.LEGAL_STAFF]
    )
    workflow.case_transition(
        case=objection_in_check,
        name="postpone",
        data={"weeks": 6, "reason": "Wij wachten op een advies van de brandweer."},
        by=users[Role.LEGAL_STAFF],
    )
    text = letter_text(objection_in_check, "objection_postponement_notice")
    assert "dinsdag 29 juli 2025" in text  # 17 June + 6 weeks
    assert "advies van de brandweer" in text


def test_complaint_extension_notice(anon, handler, team, time_machine):
    """Awb 9:11(2)."""
    time_machine.move_to(datetime.datetime(2025, 4, 14, 10, 0, tzinfo=datetime.UTC))
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    Case.objects.filter(pk=case.pk).update(assignee=handler)
    workflow.case_transition(case=case, name="start_formal_handling", data={}, by=handler)
    workflow.case_transition(
        case=case, name="extend_term", data={"weeks": 4, "reason": "Hoorzitting na Pasen."},
        by=handler,
    )  # fmt: skip
    text = letter_text(case, "complaint_extension_notice")
    assert "maandag 23 juni 2025" in text  # 26 May + 4 weeks
    assert "Hoorzitting na Pasen." in text
    assert "9:11" in text


def test_committee_referral_gives_the_twelve_week_date(users, objection_in_check):
    """Awb 7:13: only once the objector is told does the 12-week term apply."""
    from cases.models import ObjectionDetails

    ObjectionDetails.objects.filter(case=objection_in_check).update(pro_forma=False, grounds="G")
    lawyer = users[Role.LEGAL_STAFF]
    workflow.case_transition(case=objection_in_check, name="accept", data={}, by=lawyer)
    workflow.case_transition(
        case=objection_in_check, name="refer_committee",
        data={"name": "Bezwaarschriftencommissie"}, by=lawyer,
    )  # fmt: skip
    text = letter_text(objection_in_check, "objection_committee_referral")
    assert "Bezwaarschriftencommissie" in text
    assert "dinsdag 29 juli 2025" in text  # 6 May + 12 weeks


def test_not_handled_notice_names_the_ground_in_plain_words(anon, handler, team):
    """Awb 9:8, with the ombudsman."""
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    workflow.case_transition(
        case=case, name="not_handle",
        data={"ground": "older_than_a_year", "explanation": "Het gesprek was in 2023."},
        by=handler,
    )  # fmt: skip
    text = letter_text(case, "complaint_not_handled_notice")
    assert "meer dan een jaar" in text
    assert "Het gesprek was in 2023." in text
    assert "Nationale ombudsman" in text


def test_withdrawal_confirmation_says_the_decision_stands(users, objection_in_check):
    lawyer = users[Role.LEGAL_STAFF]
    workflow.case_transition(
        case=objection_in_check, name="withdraw",
        data={"reason": "Na uitleg begrijpt u de weigering."}, by=lawyer,
    )  # fmt: skip
    text = letter_text(objection_in_check, "objection_withdrawal_confirmation")
    assert "ingetrokken op dinsdag 1 april 2025" in text
    assert "Na uitleg begrijpt u de weigering." in text
    assert "blijft zoals het is" in text


def test_informal_contact_confirmation_after_the_call(users, objection_in_check):
    """Seed: confirm the call in writing; the objection continues to a hearing."""
    from cases.models import ObjectionDetails

    ObjectionDetails.objects.filter(case=objection_in_check).update(pro_forma=False, grounds="G")
    lawyer = users[Role.LEGAL_STAFF]
    workflow.case_transition(case=objection_in_check, name="accept", data={}, by=lawyer)
    reached(objection_in_check, lawyer)
    workflow.case_transition(case=objection_in_check, name="continue_formally", data={}, by=lawyer)
    text = letter_text(objection_in_check, "objection_informal_contact_confirmation")
    assert "hoorzitting" in text
    assert "dinsdag 17 juni 2025" in text  # decision term (7:10)


class TestPreview:
    """GET /api/v1/cases/{reference}/letter-preview?kind=...: rendered, not stored."""

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            (Role.CASE_HANDLER, 200),
            (Role.LEGAL_STAFF, 200),
            (Role.TEAM_LEAD, 200),
            (Role.RESIDENT, 403),
            (Role.ADMINISTRATOR, 403),
            (Role.INTEGRATION_CLIENT, 403),
        ],
    )
    def test_by_role(self, client_for, users, anon, team, role, status):
        reference = anon.post("/api/v1/complaints", complaint_body()).json()["reference"]
        Case.objects.filter(reference=reference).update(team=team)

        response = client_for(users[role]).get(
            f"/api/v1/cases/{reference}/letter-preview?kind=complaint_receipt"
        )

        assert response.status_code == status
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert reference in text_of(response.content)
        assert not Letter.objects.exists()

    def test_unknown_kind_names_the_parameter(self, client_for, users, anon, team):
        reference = anon.post("/api/v1/complaints", complaint_body()).json()["reference"]
        Case.objects.filter(reference=reference).update(team=team)
        response = client_for(users[Role.CASE_HANDLER]).get(
            f"/api/v1/cases/{reference}/letter-preview?kind=love_letter"
        )
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "kind"


class TestBrandingAndRemoteResources:
    PNG = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )

    def test_the_logo_from_the_admin_is_inlined_in_the_letter(self, anon, handler, team):
        from django.core.files.base import ContentFile

        from letters.models import Branding

        branding = Branding.current()
        branding.logo.save("logo.png", ContentFile(self.PNG))
        case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
        services.letters_render_pending()

        letter = Letter.objects.get(case=case)
        with pikepdf.open(letter.file.path) as pdf:
            images = [
                x
                for x in pdf.pages[0].Resources.get("/XObject", {}).values()
                if x.get("/Subtype") == "/Image"
            ]
        assert images  # the logo is on page 1
        assert_record(letter)

    def test_a_logo_that_is_not_an_image_is_refused(self):
        from django.core.exceptions import ValidationError
        from django.core.files.uploadedfile import SimpleUploadedFile

        from letters.models import validate_logo

        with pytest.raises(ValidationError):
            validate_logo(SimpleUploadedFile("logo.png", b"MZ\x90\x00 not an image"))
        validate_logo(SimpleUploadedFile("logo.png", self.PNG))  # a real PNG passes

    def test_rendering_opens_no_connection(self, anon, handler, team):
        """A template that points at a URL gets nothing: no connection is even made."""
        import socket

        from letters.rendering import inline_only_fetcher

        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        html = (
            f'<html lang="nl"><head><title>t</title>'
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css"></head>'
            f'<body><img src="http://127.0.0.1:{port}/x.png" alt="x">'
            f'<img src="file:///etc/hostname" alt="y">Tekst</body></html>'
        )
        import weasyprint

        pdf = weasyprint.HTML(string=html, url_fetcher=inline_only_fetcher()).write_pdf()

        assert pdf.startswith(b"%PDF")
        with pytest.raises(TimeoutError):
            listener.accept()
        listener.close()


class TestPreviewRecipients:
    def test_the_copy_previews_as_addressed_to_the_colleague(self, client_for, users, anon, team):
        from cases.models import ComplaintDetails
        from tests.factories import UserFactory

        reference = anon.post("/api/v1/complaints", complaint_body()).json()["reference"]
        Case.objects.filter(reference=reference).update(team=team)
        colleague = UserFactory(first_name="Piet", last_name="Berg")
        ComplaintDetails.objects.filter(case__reference=reference).update(employee=colleague)
        client = client_for(users[Role.CASE_HANDLER])
        url = f"/api/v1/cases/{reference}/letter-preview"

        response = client.get(
            f"{url}?kind=complaint_copy_to_person_complained_about&recipient=person_complained_about"
        )

        assert response.status_code == 200
        assert "Beste Piet Berg" in " ".join(text_of(response.content).split())

    def test_no_preview_of_a_recipient_the_case_lacks_or_of_the_penalty_letter(
        self, client_for, users, anon, team
    ):
        reference = anon.post("/api/v1/complaints", complaint_body()).json()["reference"]
        Case.objects.filter(reference=reference).update(team=team)
        client = client_for(users[Role.CASE_HANDLER])
        url = f"/api/v1/cases/{reference}/letter-preview"

        nobody = client.get(f"{url}?kind=complaint_receipt&recipient=person_complained_about")
        penalty = client.get(f"{url}?kind=objection_penalty_decision")

        assert (nobody.status_code, penalty.status_code) == (409, 409)


def font_sizes(path) -> set[float]:
    """The font sizes on the pages, in points (WeasyPrint writes CSS pixels: 0.75 pt)."""
    with pikepdf.open(path) as pdf:
        return {
            round(float(operands[1]) * 0.75, 1)
            for page in pdf.pages
            for operands, operator in pikepdf.parse_content_stream(page)
            if str(operator) == "Tf"
        }


def test_large_print_for_a_resident_who_asked_for_it(anon, handler, team):
    """Kwetsbare inwoners: the party's choice gives 14 pt text (16 pt headings)."""
    body = complaint_body()
    body["parties"][0]["largePrint"] = True
    large = filed_and_confirmed(anon, "/api/v1/complaints", body, handler, team)
    normal = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    services.letters_render_pending()

    large_sizes = font_sizes(Letter.objects.get(case=large).file.path)
    normal_sizes = font_sizes(Letter.objects.get(case=normal).file.path)

    assert 14.0 in large_sizes
    assert 14.0 not in normal_sizes
    assert 10.5 in normal_sizes
    assert_record(Letter.objects.get(case=large))
    keep_png(Letter.objects.get(case=large), "-large-print")


def test_the_reference_block_is_a_table_with_row_headers_in_the_tags(anon, handler, team):
    """Issue 16.5: a screen reader announces "Ons kenmerk" for the reference, as a header."""
    case = filed_and_confirmed(anon, "/api/v1/complaints", complaint_body(), handler, team)
    services.letters_render_pending()
    pdf = pikepdf.open(Letter.objects.get(case=case).file.path)

    def kinds(element) -> list[str]:
        found = [str(element.get("/S", ""))]
        children = element.get("/K")
        if isinstance(children, pikepdf.Array):
            for child in children:
                if isinstance(child, pikepdf.Dictionary):
                    found += kinds(child)
        elif isinstance(children, pikepdf.Dictionary):
            found += kinds(children)
        return found

    tags = kinds(pdf.Root.StructTreeRoot)
    assert "/Table" in tags
    assert tags.count("/TH") == 3  # reference, date, subject
