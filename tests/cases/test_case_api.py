"""One case, its assignment and its timeline, for every role."""

import pytest
from rest_framework.test import APIClient

from backend.accounts.roles import Role
from cases.models import AppendOnlyError, CaseEvent
from tests.conftest import ALL_ROLES
from tests.factories import CaseFactory, PartyFactory, UserFactory, api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(team):
    case = CaseFactory(team=team)
    PartyFactory(case=case, needs_extra_care=True, care_note="Doof; via tolk bellen.")
    return case


class TestDetail:
    """GET /api/v1/cases/{reference}."""

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            (Role.CASE_HANDLER, 200),
            (Role.LEGAL_STAFF, 200),
            (Role.TEAM_LEAD, 200),
            (Role.ADMINISTRATOR, 200),
            (Role.RESIDENT, 404),  # not theirs: as if it did not exist
            (Role.INTEGRATION_CLIENT, 404),
        ],
    )
    def test_roles(self, client_for, users, case, role, status):
        response = client_for(users[role]).get(f"/api/v1/cases/{case.reference}")
        assert response.status_code == status
        if status == 404:
            assert response["Content-Type"] == "application/problem+json"

    def test_anonymous(self, anon, case):
        assert anon.get(f"/api/v1/cases/{case.reference}").status_code == 401

    def test_handler_in_another_team_gets_404(self, client_for, case, other_team):
        stranger = UserFactory(role=Role.CASE_HANDLER, teams=[other_team])
        assert client_for(stranger).get(f"/api/v1/cases/{case.reference}").status_code == 404

    def test_handler_sees_contact_details_and_care_note(self, client_for, users, case):
        party = (
            client_for(users[Role.CASE_HANDLER])
            .get(f"/api/v1/cases/{case.reference}")
            .json()["parties"][0]
        )
        assert party["phone"] == "+31612345678"
        assert party["careNote"] == "Doof; via tolk bellen."
        assert party["needsExtraCare"] is True

    def test_administrator_sees_no_personal_data(self, client_for, users, case):
        party = (
            client_for(users[Role.ADMINISTRATOR])
            .get(f"/api/v1/cases/{case.reference}")
            .json()["parties"][0]
        )
        assert "phone" not in party
        assert "email" not in party
        assert "street" not in party
        assert "careNote" not in party

    def test_resident_sees_own_data_but_not_the_staff_care_note(self, client_for, users, team):
        own = CaseFactory(team=team, registered_by=users[Role.RESIDENT])
        PartyFactory(case=own, needs_extra_care=True, care_note="Intern: heeft eerder gedreigd.")
        body = client_for(users[Role.RESIDENT]).get(f"/api/v1/cases/{own.reference}").json()
        assert body["parties"][0]["phone"] == "+31612345678"
        assert "careNote" not in body["parties"][0]
        assert "needsExtraCare" not in body["parties"][0]  # a flag for handling staff

    def test_unknown_reference_is_a_404_problem(self, client_for, users):
        response = client_for(users[Role.ADMINISTRATOR]).get("/api/v1/cases/KL-2026-999999")
        assert response.status_code == 404
        assert response.json()["status"] == 404

    def test_token_authentication(self, case, users):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(users[Role.CASE_HANDLER])}")
        assert client.get(f"/api/v1/cases/{case.reference}").status_code == 200
        client.credentials(HTTP_AUTHORIZATION="Token wrong")
        assert client.get(f"/api/v1/cases/{case.reference}").status_code == 401


class TestAssignment:
    """PUT /api/v1/cases/{reference}/assignment."""

    def put(self, client, case, assignee):
        return client.put(
            f"/api/v1/cases/{case.reference}/assignment", {"assignee": assignee}, format="json"
        )

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            (Role.CASE_HANDLER, 200),
            (Role.LEGAL_STAFF, 200),
            (Role.TEAM_LEAD, 200),
            (Role.ADMINISTRATOR, 400),  # may assign others, but is no handler itself
            (Role.RESIDENT, 403),
            (Role.INTEGRATION_CLIENT, 403),
        ],
    )
    def test_claim_by_role(self, client_for, users, case, role, status):
        response = self.put(client_for(users[role]), case, users[role].username)
        assert response.status_code == status, response.content
        if status == 200:
            assert response.json()["assignee"]["username"] == users[role].username
            assert CaseEvent.objects.get(case=case, kind="claimed").actor == users[role]

    def test_anonymous(self, anon, case):
        assert self.put(anon, case, None).status_code == 401

    def test_claim_of_a_taken_case_is_a_conflict(self, client_for, users, case, team):
        colleague = UserFactory(role=Role.CASE_HANDLER, teams=[team])
        assert self.put(client_for(colleague), case, colleague.username).status_code == 200

        response = self.put(client_for(users[Role.CASE_HANDLER]), case, "case_handler")

        assert response.status_code == 409
        assert response.json()["assignee"] == colleague.username
        case.refresh_from_db()
        assert case.assignee == colleague

    def test_claim_twice_is_idempotent(self, client_for, users, case):
        client = client_for(users[Role.CASE_HANDLER])
        assert self.put(client, case, "case_handler").status_code == 200
        assert self.put(client, case, "case_handler").status_code == 200
        assert CaseEvent.objects.filter(case=case, kind="claimed").count() == 1

    def test_handler_releases_own_case(self, client_for, users, case):
        client = client_for(users[Role.CASE_HANDLER])
        self.put(client, case, "case_handler")
        response = self.put(client, case, None)
        assert response.status_code == 200
        assert response.json()["assignee"] is None
        event = CaseEvent.objects.get(case=case, kind="released")
        assert event.data == {"assignee": {"before": "case_handler", "after": None}}

    def test_handler_cannot_release_or_assign_someone_elses_case(
        self, client_for, users, case, team
    ):
        colleague = UserFactory(role=Role.CASE_HANDLER, teams=[team])
        self.put(client_for(colleague), case, colleague.username)
        client = client_for(users[Role.CASE_HANDLER])
        assert self.put(client, case, None).status_code == 403
        assert self.put(client, case, "legal_staff").status_code == 403

    def test_team_lead_reassigns(self, client_for, users, case, team):
        colleague = UserFactory(role=Role.CASE_HANDLER, teams=[team])
        self.put(client_for(users[Role.CASE_HANDLER]), case, "case_handler")
        response = self.put(client_for(users[Role.TEAM_LEAD]), case, colleague.username)
        assert response.status_code == 200
        event = CaseEvent.objects.get(case=case, kind="assigned")
        assert event.data["assignee"] == {"before": "case_handler", "after": colleague.username}
        assert event.actor == users[Role.TEAM_LEAD]

    def test_administrator_assigns_to_a_handler(self, client_for, users, case):
        response = self.put(client_for(users[Role.ADMINISTRATOR]), case, "case_handler")
        assert response.status_code == 200

    def test_cannot_assign_to_someone_outside_the_team(self, client_for, users, case, other_team):
        outsider = UserFactory(role=Role.CASE_HANDLER, teams=[other_team])
        response = self.put(client_for(users[Role.TEAM_LEAD]), case, outsider.username)
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "assignee"

    def test_cannot_assign_to_a_resident(self, client_for, users, case):
        response = self.put(client_for(users[Role.TEAM_LEAD]), case, "resident")
        assert response.status_code == 400

    def test_unknown_user(self, client_for, users, case):
        response = self.put(client_for(users[Role.TEAM_LEAD]), case, "nobody")
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "assignee"

    def test_missing_body_names_the_field(self, client_for, users, case):
        response = client_for(users[Role.TEAM_LEAD]).put(
            f"/api/v1/cases/{case.reference}/assignment", {}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "assignee"


class TestTimeline:
    """GET /api/v1/cases/{reference}/events and POST .../notes."""

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            (Role.CASE_HANDLER, 200),
            (Role.LEGAL_STAFF, 200),
            (Role.TEAM_LEAD, 200),
            (Role.ADMINISTRATOR, 403),  # notes and step data are personal data
            (Role.RESIDENT, 403),
            (Role.INTEGRATION_CLIENT, 403),
        ],
    )
    def test_read_by_role(self, client_for, users, case, role, status):
        assert client_for(users[role]).get(
            f"/api/v1/cases/{case.reference}/events"
        ).status_code == (status)

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
    def test_note_by_role(self, client_for, users, case, role, status):
        response = client_for(users[role]).post(
            f"/api/v1/cases/{case.reference}/notes", {"text": "Gebeld, geen gehoor."}
        )
        assert response.status_code == status

    def test_anonymous(self, anon, case):
        assert anon.get(f"/api/v1/cases/{case.reference}/events").status_code == 401
        assert anon.post(f"/api/v1/cases/{case.reference}/notes", {"text": "x"}).status_code == 401

    def test_timeline_in_order_with_actor_and_change(self, client_for, users, case):
        client = client_for(users[Role.CASE_HANDLER])
        client.put(f"/api/v1/cases/{case.reference}/assignment", {"assignee": "case_handler"})
        client.post(f"/api/v1/cases/{case.reference}/notes", {"text": "Voorkeur: 's ochtends."})

        events = client.get(f"/api/v1/cases/{case.reference}/events").json()["results"]

        assert [e["kind"] for e in events] == ["claimed", "note"]
        assert events[0]["actor"] == {
            "username": "case_handler",
            "name": "Sam " + users[Role.CASE_HANDLER].last_name,
        }
        assert events[0]["data"] == {"assignee": {"before": None, "after": "case_handler"}}
        assert events[1]["text"] == "Voorkeur: 's ochtends."

    def test_empty_note_names_the_field(self, client_for, users, case):
        response = client_for(users[Role.CASE_HANDLER]).post(
            f"/api/v1/cases/{case.reference}/notes", {"text": "   "}
        )
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "text"

    def test_events_cannot_be_changed_or_deleted(self, case):
        event = CaseEvent.objects.create(case=case, kind="note", text="eerste versie")
        event.text = "herschreven"
        with pytest.raises(AppendOnlyError):
            event.save()
        with pytest.raises(AppendOnlyError):
            event.delete()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_health_is_public(client_for, users, role):
    assert client_for(users[role]).get("/api/v1/health").status_code == 200


class TestAttachmentDownload:
    """GET /api/v1/cases/{reference}/attachments/{id}."""

    @pytest.fixture
    def filed(self, client_for, users):
        import base64

        from tests.cases.test_filing_api import PDF, complaint_body

        body = complaint_body(
            attachments=[{"filename": "foto schade.pdf", "content": base64.b64encode(PDF).decode()}]
        )
        response = client_for(users[Role.RESIDENT]).post("/api/v1/complaints", body)
        reference = response.json()["reference"]
        from cases.models import Case

        case = Case.objects.get(reference=reference)
        case.team = users[Role.CASE_HANDLER].teams.get()
        case.save(update_fields=["team"])
        return case, case.attachments.get()

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            (Role.CASE_HANDLER, 200),
            (Role.LEGAL_STAFF, 200),
            (Role.TEAM_LEAD, 200),
            (Role.RESIDENT, 200),  # filed it: their own file
            (Role.ADMINISTRATOR, 403),  # sees the case, not its personal data
            (Role.INTEGRATION_CLIENT, 404),
        ],
    )
    def test_by_role(self, client_for, users, filed, role, status):
        case, attachment = filed
        response = client_for(users[role]).get(
            f"/api/v1/cases/{case.reference}/attachments/{attachment.pk}"
        )
        assert response.status_code == status
        if status == 200:
            from tests.cases.test_filing_api import PDF

            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Type"] == "application/pdf"
            assert 'filename="foto schade.pdf"' in response["Content-Disposition"]

    def test_anonymous(self, anon, filed):
        case, attachment = filed
        url = f"/api/v1/cases/{case.reference}/attachments/{attachment.pk}"
        assert anon.get(url).status_code == 401

    def test_attachment_of_another_case_is_404(self, client_for, users, filed, case):
        _, attachment = filed
        response = client_for(users[Role.CASE_HANDLER]).get(
            f"/api/v1/cases/{case.reference}/attachments/{attachment.pk}"
        )
        assert response.status_code == 404


@pytest.mark.parametrize("path", ["", "/events", "/assignment", "/notes", "/attachments/1"])
def test_malformed_reference_is_a_400_naming_it(client_for, users, path):
    client = client_for(users[Role.TEAM_LEAD])
    url = f"/api/v1/cases/not-a-reference{path}"
    if path in ("/assignment",):
        response = client.put(url, {"assignee": None})
    elif path == "/notes":
        response = client.post(url, {"text": "x"})
    else:
        response = client.get(url)
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "reference"
