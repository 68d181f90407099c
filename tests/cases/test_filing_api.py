"""Filing complaints and objections: POST /api/v1/complaints and /api/v1/objections."""

import base64
import datetime

import pytest
from django.utils import timezone

from backend.accounts.roles import Role
from cases.models import Attachment, Case, CaseEvent, Party
from tests.conftest import ALL_ROLES

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def complaint_body(**overrides):
    body = {
        "subject": "Onvriendelijk behandeld aan de balie",
        "description": "Op 3 maart werd ik aan de balie onvriendelijk te woord gestaan.",
        "parties": [
            {
                "name": "Fatima el Amrani",
                "phone": "06 12345678",
                "email": "fatima@example.nl",
                "street": "Grote Markt",
                "houseNumber": "1",
                "postalCode": "8011lw",
                "city": "Zwolle",
                "preferredContactTimes": ["morning"],
                "needsExtraCare": True,
                "careNote": "Slechtziend; graag bellen in plaats van schrijven.",
            }
        ],
    }
    body.update(overrides)
    return body


def objection_body(**overrides):
    body = complaint_body(
        subject="Bezwaar tegen weigering parkeervergunning",
        description="Ik ben het niet eens met de weigering.",
    )
    body["objection"] = {
        "decisionReference": "PV-2026-0042",
        "decisionSubject": "Weigering parkeervergunning",
        "decisionDate": (timezone.localdate() - datetime.timedelta(days=7)).isoformat(),
        "grounds": "Ik woon in de zone en heb een auto nodig voor mijn werk.",
        "signed": True,
    }
    body.update(overrides)
    return body


def test_resident_files_complaint_by_web_form_and_gets_a_receipt(client_for, users):
    response = client_for(users[Role.RESIDENT]).post("/api/v1/complaints", complaint_body())

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith(f"KL-{timezone.localdate().year}-")
    assert set(body) == {
        "reference",
        "kind",
        "status",
        "subject",
        "receivedAt",
        "callBy",
        "decisionBy",
        "trackingUrl",
    }
    assert response["Location"] == f"/api/v1/cases/{body['reference']}"
    assert response["API-Version"] == "1.0.0"
    case = Case.objects.get(reference=body["reference"])
    assert case.channel == "web"
    assert case.status == "received"
    assert case.registered_by == users[Role.RESIDENT]
    filer = case.parties.get()
    assert filer.phone == "+31612345678"
    assert filer.postal_code == "8011 LW"
    assert filer.preferred_contact_times == ["morning"]
    event = CaseEvent.objects.get(case=case, kind="filed")
    assert event.kind == "filed"
    assert event.actor == users[Role.RESIDENT]


def test_anonymous_form_can_file_a_complaint(anon):
    response = anon.post("/api/v1/complaints", complaint_body())

    assert response.status_code == 201
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.registered_by is None
    assert case.channel == "web"


def test_integration_client_files_on_integration_channel(client_for, users):
    response = client_for(users[Role.INTEGRATION_CLIENT]).post(
        "/api/v1/objections", objection_body()
    )

    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.reference.startswith("BZ-")
    assert case.channel == "integration"
    assert case.objection.decision_reference == "PV-2026-0042"


def test_staff_registers_postal_objection_with_the_real_received_date(client_for, users, team):
    received = (timezone.now() - datetime.timedelta(days=2)).replace(microsecond=0)
    body = objection_body(channel="post", receivedAt=received.isoformat(), team=team.code)

    response = client_for(users[Role.CASE_HANDLER]).post("/api/v1/objections", body)

    assert response.status_code == 201, response.content
    detail = response.json()
    assert detail["channel"] == "post"
    assert detail["team"] == {"code": team.code, "name": team.name}
    assert datetime.datetime.fromisoformat(detail["receivedAt"]) == received
    assert detail["parties"][0]["careNote"].startswith("Slechtziend")
    assert detail["objection"]["signed"] is True


def test_staff_intake_without_received_date_names_the_field(client_for, users):
    response = client_for(users[Role.CASE_HANDLER]).post(
        "/api/v1/complaints", complaint_body(channel="counter")
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == ["receivedAt"]


def test_received_date_in_the_future_is_refused(client_for, users):
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    response = client_for(users[Role.CASE_HANDLER]).post(
        "/api/v1/complaints", complaint_body(channel="phone", receivedAt=future)
    )

    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "receivedAt"


def test_resident_cannot_set_received_date(client_for, users):
    past = (timezone.now() - datetime.timedelta(days=30)).isoformat()
    response = client_for(users[Role.RESIDENT]).post(
        "/api/v1/complaints", complaint_body(receivedAt=past)
    )

    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "receivedAt"
    assert not Case.objects.exists()


@pytest.mark.parametrize("channel", ["phone", "counter", "post", "email"])
def test_resident_cannot_use_a_staff_intake_channel(client_for, users, channel):
    response = client_for(users[Role.RESIDENT]).post(
        "/api/v1/complaints",
        complaint_body(channel=channel, receivedAt=timezone.now().isoformat()),
    )

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_administrator_may_not_file(client_for, users):
    response = client_for(users[Role.ADMINISTRATOR]).post("/api/v1/complaints", complaint_body())

    assert response.status_code == 403


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != Role.ADMINISTRATOR])
def test_every_filing_role_may_file_both_kinds(client_for, users, role):
    client = client_for(users[role])
    assert client.post("/api/v1/complaints", complaint_body()).status_code == 201
    assert client.post("/api/v1/objections", objection_body()).status_code == 201


def test_objection_without_the_decision_is_refused(client_for, users):
    body = objection_body()
    del body["objection"]

    response = client_for(users[Role.RESIDENT]).post("/api/v1/objections", body)

    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "objection"


class TestBadInput:
    """Bad input: a 4xx problem+json naming the field, never a 500, nothing saved."""

    def post(self, client, body, path="/api/v1/complaints", **kwargs):
        response = client.post(path, body, **kwargs)
        assert response["Content-Type"] == "application/problem+json"
        assert not Case.objects.exists()
        assert not Party.objects.exists()
        return response

    def test_malformed_json(self, anon):
        response = self.post(anon, "{not json", content_type="application/json")
        assert response.status_code == 400
        assert response.json()["status"] == 400
        assert response.json()["type"].endswith("/malformed-request")

    def test_unknown_field(self, anon):
        response = self.post(anon, complaint_body(urgency="high"))
        assert response.status_code == 400
        assert response.json()["invalidParams"] == [
            {"name": "urgency", "code": "invalid", "reason": "Onbekend veld."}
        ]

    def test_errors_follow_accept_language(self, anon):
        response = anon.post(
            "/api/v1/complaints",
            complaint_body(urgency="high"),
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.json()["invalidParams"][0]["reason"] == "Unknown field."

    def test_snake_case_field_is_unknown(self, anon):
        body = complaint_body()
        body["parties"][0]["postal_code"] = body["parties"][0].pop("postalCode")
        response = self.post(anon, body)
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "parties.0.postal_code"

    def test_unknown_nested_field(self, anon):
        body = complaint_body()
        body["parties"][0]["shoeSize"] = 43
        response = self.post(anon, body)
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "parties.0.shoeSize"

    def test_wrong_type(self, anon):
        response = self.post(anon, complaint_body(subject=["not", "a", "string"]))
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "subject"

    def test_body_that_is_not_an_object(self, anon):
        response = self.post(anon, [1, 2, 3])
        assert response.status_code == 400

    @pytest.mark.parametrize("phone", ["12", "06 1234", "call me maybe", "+31 20 000 0000 000"])
    def test_bad_phone_number(self, anon, phone):
        body = complaint_body()
        body["parties"][0]["phone"] = phone
        response = self.post(anon, body)
        assert response.status_code == 400
        assert [p["name"] for p in response.json()["invalidParams"]] == ["parties.0.phone"]

    def test_bad_dutch_postal_code(self, anon):
        body = complaint_body()
        body["parties"][0]["postalCode"] = "0123 AB"
        response = self.post(anon, body)
        assert response.json()["invalidParams"][0]["name"] == "parties.0.postalCode"

    def test_preferred_channel_needs_its_contact_detail(self, anon):
        body = complaint_body()
        body["parties"][0].update({"preferredChannel": "email", "email": ""})
        response = self.post(anon, body)
        assert response.json()["invalidParams"][0]["name"] == "parties.0.email"

    def test_no_filer(self, anon):
        body = complaint_body()
        body["parties"][0]["role"] = "representative"
        response = self.post(anon, body)
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "parties"

    def test_two_filers(self, anon):
        body = complaint_body()
        body["parties"].append(dict(body["parties"][0]))
        response = self.post(anon, body)
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "parties"

    def test_disallowed_attachment_type(self, anon):
        exe = base64.b64encode(b"MZ\x90\x00\x03\x00\x00\x00").decode()
        body = complaint_body(attachments=[{"filename": "foto.pdf", "content": exe}])
        response = self.post(anon, body)
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "attachments.0.content"
        assert not Attachment.objects.exists()

    def test_attachment_not_base64(self, anon):
        body = complaint_body(attachments=[{"filename": "a.pdf", "content": "%%%"}])
        response = self.post(anon, body)
        assert response.json()["invalidParams"][0]["name"] == "attachments.0.content"

    def test_attachment_too_large(self, anon, settings):
        settings.ATTACHMENT_MAX_BYTES = 10
        content = base64.b64encode(PDF).decode()
        body = complaint_body(attachments=[{"filename": "a.pdf", "content": content}])
        response = self.post(anon, body)
        assert response.status_code == 400
        assert "groter dan 10 bytes" in response.json()["invalidParams"][0]["reason"]

    def test_oversized_body(self, anon, settings):
        settings.MAX_REQUEST_BYTES = 1000
        response = self.post(anon, complaint_body(description="x" * 2000))
        assert response.status_code == 413

    def test_unknown_team(self, client_for, users):
        response = self.post(client_for(users[Role.CASE_HANDLER]), complaint_body(team="nope"))
        assert response.json()["invalidParams"][0]["name"] == "team"

    def test_unsupported_media_type(self, anon):
        response = self.post(anon, "subject=x", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 415


def test_attachment_is_stored_with_sniffed_type_and_hash(anon):
    content = base64.b64encode(PDF).decode()
    body = complaint_body(attachments=[{"filename": "../../etc/brief.pdf", "content": content}])

    response = anon.post("/api/v1/complaints", body)

    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.filename == "brief.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.file.read() == PDF
    assert "brief" not in attachment.file.name  # the stored name holds no personal data


def test_failed_filing_leaves_no_case_and_no_file(anon, monkeypatch):
    """A failure after the reference was taken leaves no case and no file; on PostgreSQL
    its number stays unused (README "References": unique and ordered, not gap-free)."""
    from cases import services

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "attachments_store", explode)
    content = base64.b64encode(PDF).decode()
    body = complaint_body(attachments=[{"filename": "a.pdf", "content": content}])

    failed = anon.post("/api/v1/complaints", body)
    monkeypatch.undo()
    ok = anon.post("/api/v1/complaints", complaint_body())

    assert failed.status_code == 500
    assert failed["Content-Type"] == "application/problem+json"
    assert Case.objects.count() == 1
    assert Case.objects.get().reference == ok.json()["reference"]
    assert not Attachment.objects.exists()


class TestIdempotencyKey:
    """A retried filing with the same Idempotency-Key files nothing new."""

    def test_retry_returns_the_first_case(self, anon):
        first = anon.post("/api/v1/complaints", complaint_body(), HTTP_IDEMPOTENCY_KEY="abc-1")
        retry = anon.post("/api/v1/complaints", complaint_body(), HTTP_IDEMPOTENCY_KEY="abc-1")

        assert first.status_code == retry.status_code == 201
        # The same case; only the tracking link is new (the one in the lost answer is
        # revoked: tests/cases/test_tracking.py).
        replayed, original = retry.json(), first.json()
        assert replayed.pop("trackingUrl") != original.pop("trackingUrl")
        assert replayed == original
        assert retry["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first
        assert Case.objects.count() == 1

    def test_same_key_with_another_body_is_a_conflict(self, anon):
        anon.post("/api/v1/complaints", complaint_body(), HTTP_IDEMPOTENCY_KEY="abc-2")
        other = anon.post(
            "/api/v1/complaints",
            complaint_body(subject="Iets anders"),
            HTTP_IDEMPOTENCY_KEY="abc-2",
        )
        assert other.status_code == 409
        assert other["Content-Type"] == "application/problem+json"
        assert Case.objects.count() == 1

    def test_keys_are_per_caller(self, anon, client_for, users):
        anon.post("/api/v1/complaints", complaint_body(), HTTP_IDEMPOTENCY_KEY="same")
        mine = client_for(users[Role.RESIDENT]).post(
            "/api/v1/complaints", complaint_body(), HTTP_IDEMPOTENCY_KEY="same"
        )
        assert mine.status_code == 201
        assert Case.objects.count() == 2

    def test_anonymous_callers_do_not_share_keys(self, anon):
        """Two forms behind different addresses that happen to pick the same key each
        file their own case (keys are per client address, stored as a hash)."""
        from cases.models import FilingKey

        first = anon.post("/api/v1/complaints", complaint_body(), HTTP_IDEMPOTENCY_KEY="1",
                          REMOTE_ADDR="192.0.2.10")  # fmt: skip
        other = anon.post("/api/v1/complaints", complaint_body(subject="Iets anders"),
                          HTTP_IDEMPOTENCY_KEY="1", REMOTE_ADDR="192.0.2.20")  # fmt: skip
        again = anon.post("/api/v1/complaints", complaint_body(), HTTP_IDEMPOTENCY_KEY="1",
                          REMOTE_ADDR="192.0.2.10")  # fmt: skip
        assert (first.status_code, other.status_code, again.status_code) == (201, 201, 201)
        assert other.json()["reference"] != first.json()["reference"]
        assert again.json()["reference"] == first.json()["reference"]
        assert not FilingKey.objects.filter(principal__contains="192.0.2").exists()

    def test_invalid_filing_does_not_use_up_the_key(self, anon):
        bad = complaint_body(subject="")
        assert anon.post("/api/v1/complaints", bad, HTTP_IDEMPOTENCY_KEY="k").status_code == 400
        good = anon.post("/api/v1/complaints", complaint_body(), HTTP_IDEMPOTENCY_KEY="k")
        assert good.status_code == 201

    def test_overlong_key_names_the_header(self, anon):
        response = anon.post("/api/v1/complaints", complaint_body(), HTTP_IDEMPOTENCY_KEY="k" * 256)
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "Idempotency-Key"


class TestEmployeeComplainedAbout:
    """Awb 9:7 needs to know who the complaint is about; only staff link a colleague."""

    def test_staff_links_the_employee(self, client_for, users, team):
        body = complaint_body(
            channel="phone",
            receivedAt=timezone.now().isoformat(),
            complaint={"employee": "legal_staff", "employeeDescription": "Jurist"},
        )
        response = client_for(users[Role.CASE_HANDLER]).post("/api/v1/complaints", body)
        assert response.status_code == 201, response.content
        assert response.json()["complaint"]["employee"]["username"] == "legal_staff"

    def test_resident_cannot_probe_usernames(self, client_for, users):
        for username in ("legal_staff", "no-such-user"):
            body = complaint_body(complaint={"employee": username})
            response = client_for(users[Role.RESIDENT]).post("/api/v1/complaints", body)
            assert response.status_code == 400
            assert response.json()["invalidParams"][0] == {
                "name": "complaint.employee",
                "code": "invalid",
                "reason": "Beschrijf de persoon in employeeDescription.",
            }

    def test_non_staff_username_is_refused(self, client_for, users):
        body = complaint_body(
            channel="phone",
            receivedAt=timezone.now().isoformat(),
            complaint={"employee": "resident"},
        )
        response = client_for(users[Role.CASE_HANDLER]).post("/api/v1/complaints", body)
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "complaint.employee"


def test_objection_with_representative_and_interested_parties(client_for, users):
    """Awb 6:5/7:2: the objector, a gemachtigde and interested third parties."""
    body = objection_body()
    body["parties"] += [
        {"role": "representative", "name": "Mr. J. Visser", "email": "visser@advocaat.nl",
         "preferredChannel": "email"},
        {"role": "interested_party", "name": "Buurman de Boer", "phone": "0384981234"},
        {"role": "interested_party", "name": "VvE Het Hof", "partyType": "organisation",
         "organisationName": "VvE Het Hof", "phone": "0384981235"},
    ]  # fmt: skip
    response = client_for(users[Role.CASE_HANDLER]).post(
        "/api/v1/objections",
        {**body, "channel": "post", "receivedAt": timezone.now().isoformat()},
    )
    assert response.status_code == 201, response.content
    roles = sorted(p["role"] for p in response.json()["parties"])
    assert roles == ["filer", "interested_party", "interested_party", "representative"]


def test_complaints_have_no_interested_parties(anon):
    body = complaint_body()
    body["parties"].append({"role": "interested_party", "name": "X", "phone": "0384981234"})
    response = anon.post("/api/v1/complaints", body)
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "parties"


class TestFilingCost:
    """A filing writes each table once (the case row complete, terms, their history and
    the timeline in one INSERT each) and takes no lock beyond its statements (README
    "References")."""

    @pytest.mark.parametrize(
        ("path", "body"),
        [("/api/v1/complaints", complaint_body), ("/api/v1/objections", objection_body)],
    )
    def test_a_form_filing_takes_seven_statements(
        self, anon, path, body, django_assert_max_num_queries
    ):
        assert anon.post(path, body()).status_code == 201  # the year's sequence exists
        # savepoint; the next number with the keys of the case, its parties and terms;
        # then the case, parties, terms, their history, the timeline, the details, the
        # tracking link and the case.filed event with its deliveries in one round trip;
        # release (the calendars are kept: backend/versioned_cache.py); then the
        # processing log's one INSERT (in a savepoint here, inside the test's
        # transaction; served, the request's transaction is over by then)
        with django_assert_max_num_queries(7):
            assert anon.post(path, body()).status_code == 201

    def test_the_first_filing_of_a_year_goes_on_from_an_older_counter(self, anon, time_machine):
        """An installation that numbered with the counter table keeps its numbers."""
        from cases.models import ReferenceCounter

        time_machine.move_to(datetime.datetime(2031, 3, 4, 10, 0, tzinfo=datetime.UTC))
        ReferenceCounter.objects.create(prefix="KL", year=2031, last_number=41)
        first = anon.post("/api/v1/complaints", complaint_body()).json()["reference"]
        second = anon.post("/api/v1/complaints", complaint_body()).json()["reference"]
        assert (first, second) == ("KL-2031-000042", "KL-2031-000043")

    def test_the_queue_position_is_the_soonest_term(self, anon):
        reference = anon.post("/api/v1/complaints", complaint_body()).json()["reference"]
        case = Case.objects.get(reference=reference)
        assert case.queue_due_date == min(case.deadlines.values_list("due_date", flat=True))
        assert case.search_document.startswith(reference)
        assert "Fatima el Amrani" in case.search_document
        kinds = list(case.events.order_by("id").values_list("kind", flat=True))
        assert kinds == ["filed", "deadline_started", "deadline_started", "deadline_started"]

    @pytest.mark.parametrize(
        ("path", "body"),
        [("/api/v1/complaints", complaint_body), ("/api/v1/objections", objection_body)],
    )
    def test_staff_get_the_case_page_without_a_read_back(
        self, client_for, users, path, body, django_assert_max_num_queries
    ):
        """The whole case, as its page shows it, from what the filing wrote (the same
        as a GET right after); only whether the filer may see it is read."""
        handler = client_for(users[Role.CASE_HANDLER])
        assert handler.post(path, body()).status_code == 201
        # savepoint, the next number with the keys, every row in one round trip, release
        # (whether the filer may see the case is read from it in memory); the processing
        # log's INSERT, in its savepoint
        with django_assert_max_num_queries(7):
            filed = handler.post(path, body())
        assert filed.status_code == 201
        assert filed.json() == handler.get(filed["Location"]).json()

    def test_the_case_page_reads_the_case_once(
        self, client_for, users, django_assert_max_num_queries
    ):
        """Its steps are worked out from the case as read for the page, not a second read
        (savepoint, case, parties, attachments, contact moments, terms, their history,
        timeline, release; the calendars are kept), then the processing log's INSERT in its
        savepoint (the parties come from the page's read)."""
        handler = client_for(users[Role.CASE_HANDLER])
        location = handler.post("/api/v1/complaints", complaint_body())["Location"]
        with django_assert_max_num_queries(12):
            page = handler.get(location)
        assert page.json()["availableTransitions"]


def test_staff_filing_for_a_team_they_cannot_see_get_the_receipt(client_for, users, other_team):
    """The case page only for those who may see the case: it would show what a GET
    of the same case refuses (404)."""
    handler = client_for(users[Role.CASE_HANDLER])
    body = complaint_body(
        team=other_team.code, channel="phone", receivedAt="2025-04-01T10:00:00+02:00"
    )
    filed = handler.post("/api/v1/complaints", body)
    assert filed.status_code == 201
    assert set(filed.json()) == {
        "reference",
        "kind",
        "status",
        "subject",
        "receivedAt",
        "callBy",
        "decisionBy",
        "trackingUrl",
    }
    assert handler.get(filed["Location"]).status_code == 404
