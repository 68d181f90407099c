"""Legal staff's objections inbox (the four-eyes inbox never shows one's own drafts), the
step check with its letter preview (Awb 7:2 and 7:4 before saving), and the team lead's
page (workload, assignment, the print batch)."""

import datetime
import re

import pytest
from django.utils import timezone

from backend.accounts.roles import Role
from backend.outbox.models import OutboxMessage
from cases.models import Case
from cases.services import contact_moment_log
from cases.workflows import service as workflow
from tests.factories import CaseFactory, PrintBatchFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lawyers(team):
    return (
        UserFactory(username="jurist", role=Role.LEGAL_STAFF, teams=[team]),
        UserFactory(username="jurist2", role=Role.LEGAL_STAFF, teams=[team]),
    )


def _take(case, by, name, **data):
    workflow.case_transition(case=Case.objects.get(pk=case.pk), name=name, data=data, by=by)


def _formal(case, lawyer, users):
    contact_moment_log(
        case=case, by=users[Role.CASE_HANDLER], occurred_at=timezone.now(), outcome="reached"
    )
    for name in ("confirm_receipt", "accept", "continue_formally"):
        _take(case, lawyer, name)


def _drafted(case, lawyer, users):
    _formal(case, lawyer, users)
    _take(case, lawyer, "waive_hearing", ground="manifestly_unfounded")
    _take(case, lawyer, "draft_decision", outcome="unfounded", reasons="-", costs="refused")


def _references(body: str) -> list[str]:
    return re.findall(r'href="/werkbank/zaken/([A-Z]{2}-\d{4}-\d+)"', body)


def test_the_inbox_sorts_objections_by_stage(filed, browser_for, lawyers, users):
    client = browser_for("legal_staff")
    body = client.get("/werkbank/bezwaren?stage=admissibility").content.decode()
    assert _references(body) == [filed["objection"].reference]
    assert filed["complaint"].reference not in body  # complaints are not in this inbox
    _formal(filed["objection"], lawyers[0], users)
    body = client.get("/werkbank/bezwaren?stage=hearing").content.decode()
    assert _references(body) == [filed["objection"].reference]
    assert "nog niet gepland" in body
    assert (
        client.get("/werkbank/bezwaren?stage=admissibility")
        .content.decode()
        .count('href="/werkbank/zaken/')
        == 0
    )


def test_the_review_inbox_never_shows_ones_own_drafts(filed, lawyers, users, client):
    drafter, reviewer = lawyers
    _drafted(filed["objection"], drafter, users)
    client.force_login(drafter)
    own = client.get("/werkbank/bezwaren?stage=review").content.decode()
    assert _references(own) == []
    assert 'Te beoordelen (vier ogen) <span class="wb-count">(0)</span>' in own
    client.force_login(reviewer)
    theirs = client.get("/werkbank/bezwaren?stage=review").content.decode()
    assert _references(theirs) == [filed["objection"].reference]


def test_the_drafter_is_offered_no_review_step_and_cannot_take_one(filed, lawyers, users, client):
    drafter, reviewer = lawyers
    case = filed["objection"]
    _drafted(case, drafter, users)
    client.force_login(drafter)
    page = client.get(f"/werkbank/zaken/{case.reference}").content.decode()
    assert "approve-decision" not in page
    response = client.post(f"/werkbank/zaken/{case.reference}/stappen/approve-decision")
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status == "decision_drafted"
    client.force_login(reviewer)
    page = client.get(f"/werkbank/zaken/{case.reference}").content.decode()
    assert 'id="step-approve-decision"' in page
    response = client.post(f"/werkbank/zaken/{case.reference}/stappen/approve-decision")
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "decided"


def test_a_superuser_drafter_is_held_to_four_eyes_in_the_workbench(filed, users, team, client):
    boss = UserFactory(username="beheer", is_superuser=True, role=Role.LEGAL_STAFF, teams=[team])
    case = filed["objection"]
    _drafted(case, boss, users)
    client.force_login(boss)
    response = client.post(f"/werkbank/zaken/{case.reference}/stappen/approve-decision")
    assert response.status_code == 403
    assert "vier ogen" in response.content.decode()


def _hearing_form(at: datetime.datetime, inspection: datetime.date, **extra) -> dict:
    return {
        "at": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M"),
        "location": "Stadhuis, zaal 2",
        "inspection_from": inspection.isoformat(),
        "inspection_place": "Balie stadhuis",
        **extra,
    }


def test_checking_a_hearing_shows_the_awb_7_2_and_7_4_rules_before_saving(
    filed, lawyers, users, client
):
    case = filed["objection"]
    _formal(case, lawyers[0], users)
    client.force_login(lawyers[0])
    too_soon = timezone.now() + datetime.timedelta(days=7)
    response = client.post(
        f"/werkbank/zaken/{case.reference}/stappen/plan-hearing",
        {
            **_hearing_form(too_soon, timezone.localdate() + datetime.timedelta(days=5)),
            "check": "1",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "7:2" in body
    assert "7:4" in body
    assert Case.objects.get(pk=case.pk).status == "formal_handling"


def test_checking_a_step_previews_its_letter_and_saves_nothing(filed, lawyers, users, client):
    case = filed["objection"]
    _formal(case, lawyers[0], users)
    client.force_login(lawyers[0])
    hearing = timezone.now() + datetime.timedelta(days=21)
    form = _hearing_form(hearing, timezone.localdate() + datetime.timedelta(days=3))
    outbox_before = OutboxMessage.objects.count()
    response = client.post(
        f"/werkbank/zaken/{case.reference}/stappen/plan-hearing", {**form, "check": "1"}
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    body = response.content.decode()
    assert 'id="checked"' in body
    assert Case.objects.get(pk=case.pk).status == "formal_handling"
    assert OutboxMessage.objects.count() == outbox_before
    link = re.search(r'href="(/werkbank/zaken/[^"]+/voorbeeld/[^"]+)"', body)
    assert link is not None
    pdf = client.get(link.group(1))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # The preview is the person's own: a colleague gets nothing at that address.
    client.force_login(lawyers[1])
    assert client.get(link.group(1)).status_code == 404
    # What was checked is what is taken.
    client.force_login(lawyers[0])
    taken = client.post(f"/werkbank/zaken/{case.reference}/stappen/plan-hearing", form)
    assert taken.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "hearing_planned"


def test_the_team_page_shows_workload_and_what_needs_attention(filed, browser_for, users, team):
    CaseFactory(team=team, overdue=True, assignee=users[Role.CASE_HANDLER])
    body = browser_for("team_lead").get("/werkbank/team").content.decode()
    assert "Werkverdeling" in body
    row = re.search(r"Sam Jansen\d*</th>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(.*?)</td>", body, re.S)
    assert row is not None
    assert "wb-alarm" in body  # an overdue case counted against its handler


@pytest.mark.parametrize("caller", ["case_handler", "legal_staff", "resident"])
def test_only_team_leads_and_administrators_open_the_team_page(filed, browser_for, caller):
    assert browser_for(caller).get("/werkbank/team").status_code == 403


def test_a_team_lead_assigns_a_case_from_the_team_page(filed, browser_for, users):
    case = filed["complaint"]
    Case.objects.filter(pk=case.pk).update(queue_due_date=timezone.localdate())
    client = browser_for("team_lead")
    assert case.reference in client.get("/werkbank/team").content.decode()
    response = client.post(
        f"/werkbank/zaken/{case.reference}/toewijzen",
        {"assignee": users[Role.CASE_HANDLER].username, "back": "team"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/werkbank/team"
    assert Case.objects.get(pk=case.pk).assignee == users[Role.CASE_HANDLER]


def test_assigning_to_someone_outside_the_team_is_refused(filed, browser_for, other_team):
    outsider = UserFactory(username="buiten", role=Role.CASE_HANDLER, teams=[other_team])
    case = filed["complaint"]
    client = browser_for("team_lead")
    response = client.post(
        f"/werkbank/zaken/{case.reference}/toewijzen",
        {"assignee": outsider.username, "back": "team"},
        follow=True,
    )
    assert "kan geen zaken van dit team behandelen" in response.content.decode()
    assert Case.objects.get(pk=case.pk).assignee is None


def test_a_handler_cannot_assign_to_a_colleague(filed, browser_for, users):
    case = filed["complaint"]
    response = browser_for("case_handler").post(
        f"/werkbank/zaken/{case.reference}/toewijzen", {"assignee": users[Role.TEAM_LEAD].username}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).assignee is None


def test_the_print_batch_is_fetched_and_confirmed_posted(filed, browser_for):
    batch = PrintBatchFactory(letters=3, pages=5)
    client = browser_for("team_lead")
    body = client.get("/werkbank/team").content.decode()
    assert f"/api/v1/print-batches/{batch.pk}/pdf" in body
    response = client.post(f"/werkbank/printbatches/{batch.pk}/verstuurd")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.posted_at is not None
    assert (
        f"/api/v1/print-batches/{batch.pk}/pdf" not in client.get("/werkbank/team").content.decode()
    )


def test_a_case_held_by_someone_outside_the_team_shows_them(filed, browser_for, other_team):
    outsider = UserFactory(
        username="buiten",
        first_name="Bo",
        last_name="Buiten",
        role=Role.CASE_HANDLER,
        teams=[other_team],
    )
    case = filed["complaint"]
    Case.objects.filter(pk=case.pk).update(assignee=outsider, queue_due_date=timezone.localdate())
    body = browser_for("team_lead").get("/werkbank/team").content.decode()
    assert '<option value="buiten" selected>' in body
