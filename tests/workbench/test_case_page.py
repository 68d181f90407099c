"""The case page: what a handler reads (parties, terms with their legal basis, timeline,
letters) and does (log a call in one click, take a step through a form generated from
its declared input, add a note), each through the services the API uses."""

import datetime
import re

import pytest
from django.utils import timezone

from backend.accounts.roles import Role
from backend.outbox.models import OutboxMessage
from cases.models import Case, CaseEvent, ContactMoment, EventKind
from cases.tracking_links import tracked_case
from cases.workflows import service as workflow
from letters import services as letter_services

pytestmark = pytest.mark.django_db


def _page(client, case):
    return client.get(f"/werkbank/zaken/{case.reference}").content.decode()


def test_the_page_shows_terms_with_their_legal_basis(filed, browser_for):
    body = _page(browser_for("case_handler"), filed["complaint"])
    assert "Awb 9:11" in body
    assert "Behandeltermijn klacht" in body  # the term's Dutch label, not its code
    assert "complaint_handling" not in body


def test_a_failed_call_is_logged_in_one_click_and_the_next_try_is_another_time(
    filed, browser_for, users
):
    client = browser_for("case_handler")
    case = filed["complaint"]
    response = client.post(
        f"/werkbank/zaken/{case.reference}/contact", {"outcome": "no_answer", "note": "Geen gehoor"}
    )
    assert response.status_code == 302
    moment = ContactMoment.objects.get(case=case)
    assert (moment.outcome, moment.by, moment.note) == (
        "no_answer",
        users[Role.CASE_HANDLER],
        "Geen gehoor",
    )
    body = _page(client, case)
    tried = re.search(r"niet bereikt: ([^)]*)\)", body)
    assert tried is not None
    assert "ochtend" in tried.group(1)
    assert re.search(r"Probeer hierna: middag", body)  # another time of day first


def test_a_call_back_request_needs_a_time(filed, browser_for):
    case = filed["complaint"]
    response = browser_for("case_handler").post(
        f"/werkbank/zaken/{case.reference}/contact", {"outcome": "callback_requested"}
    )
    assert response.status_code == 400
    assert not ContactMoment.objects.filter(case=case).exists()


def test_every_offered_step_has_a_form_from_its_declared_input(filed, browser_for):
    body = _page(browser_for("case_handler"), filed["complaint"])
    form = body.split('id="step-resolve-informally"')[1].split("</details>")[0]
    for name in ("solution", "confirmed_via", "confirmed_at"):
        assert f'name="{name}"' in form
    assert 'type="datetime-local"' in form
    assert "Wat is afgesproken" in form  # the field's Dutch label


def test_a_step_with_bad_input_shows_the_errors_inline_and_saves_nothing(filed, browser_for):
    case = filed["complaint"]
    client = browser_for("case_handler")
    client.post(f"/werkbank/zaken/{case.reference}/contact", {"outcome": "reached"})
    response = client.post(
        f"/werkbank/zaken/{case.reference}/stappen/resolve-informally",
        {"solution": "", "confirmed_via": "phone", "confirmed_at": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert "<details" in body
    assert 'id="step-resolve-informally" open' in body
    assert 'value="phone" selected' in body  # what was sent stays in the form
    case.refresh_from_db()
    assert case.status == "received"
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITION).exists()


def test_a_step_taken_in_the_workbench_is_the_api_step(filed, browser_for):
    case = filed["complaint"]
    client = browser_for("case_handler")
    client.post(f"/werkbank/zaken/{case.reference}/contact", {"outcome": "reached"})
    confirmed = timezone.localtime() - datetime.timedelta(minutes=5)
    response = client.post(
        f"/werkbank/zaken/{case.reference}/stappen/resolve-informally",
        {
            "solution": "Excuses gemaakt en de container wordt morgen geleegd.",
            "confirmed_via": "phone",
            "confirmed_at": confirmed.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.status == "resolved_informally"
    event = CaseEvent.objects.get(case=case, kind=EventKind.TRANSITION)
    assert event.data["step"] == "resolve_informally"
    assert event.data["confirmed_at"].startswith(confirmed.strftime("%Y-%m-%dT%H:%M"))
    assert OutboxMessage.objects.filter(payload__letter="complaint_informal_resolution").exists()


def test_a_step_not_possible_yet_names_the_condition_and_its_article(filed, browser_for, users):
    case = filed["complaint"]
    workflow.case_transition(case=case, name="confirm_receipt", data={}, by=users[Role.TEAM_LEAD])
    response = browser_for("case_handler").post(
        f"/werkbank/zaken/{case.reference}/stappen/offer-written-contact"
    )
    assert response.status_code == 409
    assert "COMPLAINT_FAILED_CALLS" in response.content.decode()  # the rule's source
    case.refresh_from_db()
    assert case.status == "awaiting_contact"


def test_the_person_complained_about_takes_no_step_and_logs_no_call(filed, browser_for, users):
    case = filed["complaint"]
    handler = users[Role.CASE_HANDLER]
    case.complaint.employee = handler
    case.complaint.save()
    client = browser_for("case_handler")
    response = client.post(f"/werkbank/zaken/{case.reference}/contact", {"outcome": "reached"})
    assert response.status_code == 403
    assert "Awb 9:7" in response.content.decode()
    assert not ContactMoment.objects.filter(case=case).exists()


def test_a_note_goes_on_the_timeline(filed, browser_for):
    case = filed["complaint"]
    client = browser_for("team_lead")
    response = client.post(f"/werkbank/zaken/{case.reference}/notities", {"text": "Let op"})
    assert response.status_code == 302
    assert CaseEvent.objects.filter(case=case, kind=EventKind.NOTE, text="Let op").exists()
    assert "Let op" in _page(client, case)


def test_an_empty_note_is_refused(filed, browser_for):
    case = filed["complaint"]
    response = browser_for("team_lead").post(
        f"/werkbank/zaken/{case.reference}/notities", {"text": "  "}
    )
    assert response.status_code == 400
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.NOTE).exists()


def test_letters_are_listed_with_their_pdf(filed, browser_for, users):
    case = filed["complaint"]
    workflow.case_transition(
        case=case, name="confirm_receipt", data={}, by=users[Role.CASE_HANDLER]
    )
    letter_services.letters_render_pending()
    body = _page(browser_for("case_handler"), Case.objects.get(pk=case.pk))
    assert "Ontvangstbevestiging van uw klacht" in body
    assert re.search(rf'href="/api/v1/cases/{case.reference}/letters/\d+"', body)


def test_a_refused_call_log_keeps_what_was_typed_and_marks_the_field(filed, browser_for):
    case = filed["complaint"]
    response = browser_for("case_handler").post(
        f"/werkbank/zaken/{case.reference}/contact",
        {"outcome": "callback_requested", "note": "Belt na vijven terug"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="call-back-error"' in body
    assert 'aria-describedby="call-back-error"' in body
    assert "Belt na vijven terug</textarea>" in body


def test_a_page_shown_for_a_post_keeps_the_case_page_address(filed, browser_for):
    case = filed["complaint"]
    client = browser_for("case_handler")
    response = client.post(
        f"/werkbank/zaken/{case.reference}/notities", {"text": ""}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Replace-Url"] == f"/werkbank/zaken/{case.reference}"
    assert f'name="next" value="/werkbank/zaken/{case.reference}"' in response.content.decode()
    # A reload of the action's address lands on the case, not on an empty 405.
    again = client.get(f"/werkbank/zaken/{case.reference}/notities")
    assert again.status_code == 302
    assert again["Location"] == f"/werkbank/zaken/{case.reference}"


def test_a_team_leads_claim_never_takes_a_case_someone_claimed_first(filed, browser_for, users):
    case = filed["complaint"]
    Case.objects.filter(pk=case.pk).update(assignee=users[Role.CASE_HANDLER])
    response = browser_for("team_lead").post(f"/werkbank/zaken/{case.reference}/oppakken")
    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).assignee == users[Role.CASE_HANDLER]


def test_a_handler_gives_the_resident_a_new_tracking_link_shown_once(filed, browser_for):
    case = filed["complaint"]
    client = browser_for("case_handler")
    assert "Geef een nieuwe volglink" in _page(client, case)

    response = client.post(f"/werkbank/zaken/{case.reference}/volglink", follow=True)

    body = response.content.decode()
    url = re.search(r"(https?://\S+/api/v1/tracking/[A-Za-z0-9_-]+)", body).group(1)
    assert tracked_case(url.rsplit("/", 1)[1]) == case
    assert url not in _page(client, case)  # shown once


def test_an_administrator_gives_out_no_tracking_link(filed, browser_for):
    case = filed["complaint"]
    client = browser_for("administrator")
    response = client.post(f"/werkbank/zaken/{case.reference}/volglink")
    assert response.status_code in (403, 404)
    assert not case.tracking_links.filter(revoked_at__isnull=False).exists()
