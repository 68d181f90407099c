"""The queue page: tabs, filters and search as in the API, traffic lights, keyset pages,
claiming with one click, and a constant number of statements."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.accounts.roles import Role
from cases.models import Case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _references(response) -> list[str]:
    return re.findall(r'href="/werkbank/zaken/([A-Z]{2}-\d{4}-\d+)"', response.content.decode())


def test_the_tabs_show_own_team_unassigned_and_overdue_cases(filed, browser_for, users, team):
    handler = users[Role.CASE_HANDLER]
    complaint, objection = filed["complaint"], filed["objection"]
    Case.objects.filter(pk=complaint.pk).update(assignee=handler)
    late = CaseFactory(team=team, overdue=True)
    client = browser_for("case_handler")

    mine = _references(client.get("/werkbank/?view=mine"))
    team_view = _references(client.get("/werkbank/?view=team"))
    unassigned = _references(client.get("/werkbank/?view=unassigned"))
    overdue = _references(client.get("/werkbank/?view=overdue"))

    assert mine == [complaint.reference]
    assert set(team_view) == {complaint.reference, objection.reference, late.reference}
    assert complaint.reference not in unassigned
    assert objection.reference in unassigned
    assert overdue == [late.reference]


def test_the_queue_searches_and_filters_as_the_api_does(filed, browser_for):
    client = browser_for("case_handler")
    found = _references(client.get("/werkbank/", {"view": "team", "q": "parkeervergunning"}))
    assert found == [filed["objection"].reference]
    found = _references(client.get("/werkbank/", {"view": "team", "kind": "complaint"}))
    assert found == [filed["complaint"].reference]
    response = client.get("/werkbank/", {"view": "team", "kind": "nonsense"})
    assert response.status_code == 200
    assert _references(response) == []
    assert "kind" in response.content.decode()  # the refused filter is named


def test_due_dates_are_traffic_lights_with_words(filed, browser_for, team):
    today = timezone.localdate()
    CaseFactory(team=team, queue_due_date=today - datetime.timedelta(days=1))
    CaseFactory(team=team, queue_due_date=today + datetime.timedelta(days=30))
    body = browser_for("case_handler").get("/werkbank/?view=team").content.decode()
    assert "wb-due--overdue" in body
    assert "wb-due--soon" in body
    assert "wb-due--on_track" in body
    # The colour is never the only signal: each light has its words.
    assert re.search(r"wb-due--overdue.*?(werkdag te laat|werkdagen te laat|te laat)", body, re.S)


def test_the_queue_pages_with_keyset_links(filed, browser_for, team, settings):
    settings.QUEUE_PAGE_SIZE = 2
    for _ in range(3):
        CaseFactory(team=team)
    client = browser_for("case_handler")
    first = client.get("/werkbank/?view=team")
    link = re.search(r'rel="next" href="([^"]+)"', first.content.decode())
    assert link is not None
    second = client.get(link.group(1).replace("&amp;", "&"))
    assert set(_references(first)).isdisjoint(_references(second))
    assert len(_references(first)) == 2
    assert len(_references(second)) == 2


def test_the_queue_reads_a_constant_number_of_statements(filed, browser_for, team):
    client = browser_for("case_handler")
    client.get("/werkbank/?view=team")  # the session and caches warm
    with CaptureQueriesContext(connection) as few:
        client.get("/werkbank/?view=team")
    for _ in range(10):
        CaseFactory(team=team)
    with CaptureQueriesContext(connection) as many:
        client.get("/werkbank/?view=team")
    assert len(many) == len(few)


def test_claiming_from_the_queue_takes_one_click(filed, browser_for, users):
    client = browser_for("case_handler")
    reference = filed["complaint"].reference
    response = client.post(f"/werkbank/zaken/{reference}/oppakken", follow=True)
    assert response.status_code == 200
    assert Case.objects.get(reference=reference).assignee == users[Role.CASE_HANDLER]


def test_someone_first_is_a_clear_message_and_changes_nothing(filed, browser_for, users):
    reference = filed["complaint"].reference
    Case.objects.filter(reference=reference).update(assignee=users[Role.LEGAL_STAFF])
    response = browser_for("case_handler").post(f"/werkbank/zaken/{reference}/oppakken")
    assert response.status_code == 409
    assert "al aan iemand anders toegewezen" in response.content.decode()
    assert Case.objects.get(reference=reference).assignee == users[Role.LEGAL_STAFF]


def test_the_queue_hides_personal_data_from_administrators(filed, browser_for):
    body = browser_for("administrator").get("/werkbank/?view=team").content.decode()
    assert filed["complaint"].reference in body
    assert "Fatima" not in body
    assert "Onvriendelijk" not in body
