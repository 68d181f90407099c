"""Every workbench page and action against every kind of caller, a superuser included.

Who may open the workbench: staff who work queues (``cases.view_queue``). Anonymous
callers are sent to the sign-in page; residents and integration clients get a 403 page.
What each may then do on a case is the services' decision, as in the API: the
administrator's grants (a superuser holds those and nothing more) see no personal data
and take no step, log no call and add no note.
"""

import pytest

from backend.accounts.roles import Role
from cases.models import Case
from letters.models import PrintBatch
from tests.cases.test_filing_api import objection_body
from tests.factories import PrintBatchFactory
from tests.workbench.conftest import CALLERS, QUEUE_WORKERS, STAFF

pytestmark = pytest.mark.django_db
# A refusal: no access (403, 404), or the service refusing this person (400: an
# administrator cannot be a case's handler; 409: the case's state).
REFUSED = (400, 403, 404, 409)

# name: (method, path, form, callers for whom it works)
PAGES = {
    "queue": ("get", "/werkbank/", None, QUEUE_WORKERS),
    "queue-team": ("get", "/werkbank/?view=team", None, QUEUE_WORKERS),
    "case": ("get", "/werkbank/zaken/{complaint}", None, QUEUE_WORKERS),
    "claim": ("post", "/werkbank/zaken/{complaint}/oppakken", {}, STAFF),
    "log-contact": (
        "post",
        "/werkbank/zaken/{complaint}/contact",
        {"outcome": "no_answer"},
        STAFF,
    ),
    "add-note": ("post", "/werkbank/zaken/{complaint}/notities", {"text": "Gebeld"}, STAFF),
    "tracking-link": ("post", "/werkbank/zaken/{complaint}/volglink", {}, STAFF),
    "step": (
        "post",
        "/werkbank/zaken/{complaint}/stappen/confirm-receipt",
        {},
        frozenset({"case_handler", "team_lead"}),
    ),
    "step-check": (
        "post",
        "/werkbank/zaken/{complaint}/stappen/confirm-receipt",
        {"check": "1"},
        frozenset({"case_handler", "team_lead"}),
    ),
    "objections": ("get", "/werkbank/bezwaren?stage=review", None, QUEUE_WORKERS),
    # Team leads divide the work; the administrator's grants include assigning.
    "team": ("get", "/werkbank/team", None, frozenset({"team_lead", "administrator", "superuser"})),
    "assign": (
        "post",
        "/werkbank/zaken/{complaint}/toewijzen",
        {"assignee": "team_lead"},  # for the others someone else (oneself would be a claim)
        frozenset({"team_lead", "administrator", "superuser"}),
    ),
    # The mailroom's batches hold every team's addresses.
    "batch-posted": (
        "post",
        "/werkbank/printbatches/{batch}/verstuurd",
        {},
        frozenset({"team_lead"}),
    ),
}


def _call(client, method, path, form):
    if method == "get":
        return client.get(path)
    return client.post(path, form)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_admits_exactly_its_callers(filed, browser_for, name):
    method, path, form, allowed = PAGES[name]
    batch = PrintBatchFactory()
    path = path.format(complaint=filed["complaint"].reference, batch=batch.pk)
    wrong = []
    # The refused first: an allowed write may change the case.
    for caller in sorted(CALLERS, key=lambda each: (each in allowed, each)):
        # Each caller meets the case as filed (a claim or step by the one before undone).
        Case.objects.filter(pk=filed["complaint"].pk).update(
            assignee=None, assigned_at=None, status="received"
        )
        PrintBatch.objects.filter(pk=batch.pk).update(posted_at=None, posted_by=None)
        response = _call(browser_for(caller), method, path, form)
        status = response.status_code
        if status >= 500:
            wrong.append(f"{caller}: {status}")
        elif caller == "anonymous":
            if status != 302 or "/werkbank/inloggen" not in response["Location"]:
                wrong.append(f"anonymous not sent to sign in ({status})")
        elif caller in allowed and status not in (200, 302):
            wrong.append(f"{caller} refused ({status})")
        elif caller not in allowed and status not in REFUSED:
            wrong.append(f"{caller} got through ({status})")
    assert wrong == []


def test_a_case_the_caller_may_not_see_is_not_found(filed, browser_for, other_team):
    Case.objects.filter(pk=filed["complaint"].pk).update(team=other_team)
    response = browser_for("case_handler").get(f"/werkbank/zaken/{filed['complaint'].reference}")
    assert response.status_code == 404
    assert b"Fatima" not in response.content


def test_a_malformed_reference_is_not_found_as_an_html_page(filed, browser_for):
    response = browser_for("case_handler").get("/werkbank/zaken/nonsense", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("caller", ["administrator", "superuser"])
def test_administrators_see_the_case_without_personal_data(filed, browser_for, caller):
    response = browser_for(caller).get(f"/werkbank/zaken/{filed['complaint'].reference}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Fatima" not in body
    assert "06 12345678" not in body
    assert "+31612345678" not in body
    assert "Slechtziend" not in body  # the extra-care note
    assert "/stappen/" not in body  # no step is open to them


def test_staff_see_the_extra_care_note_and_contact_details(filed, browser_for):
    body = browser_for("case_handler").get(f"/werkbank/zaken/{filed['complaint'].reference}")
    text = body.content.decode()
    assert "Fatima el Amrani" in text
    assert "+31612345678" in text
    assert "Slechtziend" in text


@pytest.mark.parametrize("caller", sorted(QUEUE_WORKERS))
def test_only_legal_staff_see_a_bsn_on_the_case_page(team, users, client_for, browser_for, caller):
    """As in the API (tests/cases/test_bsn.py): the BSN is for legal staff only."""
    body = objection_body()
    body["parties"][0]["bsn"] = "111222333"
    response = client_for(users[Role.RESIDENT]).post("/api/v1/objections", body)
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    Case.objects.filter(reference=reference).update(team=team)
    page = browser_for(caller).get(f"/werkbank/zaken/{reference}").content.decode()
    assert ("111222333" in page) is (caller == "legal_staff")
