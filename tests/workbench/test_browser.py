"""The workbench in a real browser (headless Chromium): the routes people take, axe-core
on every page they see, screenshots as test artefacts."""

import datetime
import json
import time

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from backend.accounts.roles import Role
from cases.models import Case, ObjectionDetails
from cases.objection_inbox import STAGES
from letters import services as letter_services
from tests.cases.steps import hearing_time
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.conftest import reference_sequences_drop, roles_create
from tests.factories import TeamFactory, UserFactory
from tests.workbench.browser import ARTIFACTS, Session, chromium

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery"  # tests.factories.UserFactory


@pytest.fixture(autouse=True)
def roles(transactional_db):
    roles_create()
    reference_sequences_drop()


@pytest.fixture
def team(roles):
    return TeamFactory(code="klachten", name="Klachten")


@pytest.fixture
def people(team):
    staff = {}
    for role in (Role.CASE_HANDLER, Role.TEAM_LEAD, Role.RESIDENT):
        staff[role] = UserFactory(
            username=f"wb-{role.value}", role=role, teams=[team] if role != Role.RESIDENT else []
        )
    for name in ("wb-jurist-a", "wb-jurist-b"):
        staff[name] = UserFactory(username=name, role=Role.LEGAL_STAFF, teams=[team])
    return staff


@pytest.fixture
def browser(live_server):
    driver = chromium()
    try:
        yield Session(driver, live_server.url)
    finally:
        driver.quit()


def sign_in(browser: Session, username: str) -> None:
    browser.open("/werkbank/")
    assert "/werkbank/inloggen" in browser.driver.current_url
    browser.type("#id_username", username)
    browser.type("#id_password", PASSWORD)
    browser.click("button[type=submit].utrecht-button--primary-action")
    assert "/werkbank/inloggen" not in browser.driver.current_url


def file_complaint(client_for, filer, team) -> Case:
    response = client_for(filer).post("/api/v1/complaints", complaint_body())
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    Case.objects.filter(pk=case.pk).update(team=team)
    return case


def sign_out(browser: Session) -> None:
    browser.click("form[action='/werkbank/uitloggen'] button")
    assert "/werkbank/inloggen" in browser.driver.current_url


def file_objection(client_for, filer, team) -> Case:
    response = client_for(filer).post("/api/v1/objections", objection_body())
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    Case.objects.filter(pk=case.pk).update(team=team)
    return case


def take_step(browser: Session, slug: str, fields: dict | None = None, check: bool = False):
    """Open a step on the case page, fill its form, and take (or check) it."""
    browser.click(f"#step-{slug} summary")
    form = f"#step-{slug} form"
    for name, value in (fields or {}).items():
        element = browser.find(f"{form} [name={name}]")
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        elif element.get_attribute("type") in ("date", "datetime-local"):
            set_value(browser, f"{form} [name={name}]", value)
        else:
            browser.type(f"{form} [name={name}]", value)
    button = "button[name=check]" if check else "button.utrecht-button--primary-action"
    browser.click(f"{form} {button}")


def set_value(browser: Session, css: str, value: str) -> None:
    """A date-time field's value (typing into one depends on the browser's locale)."""
    browser.driver.execute_script("arguments[0].value = arguments[1]", browser.find(css), value)


def page_weight(browser: Session) -> dict:
    """What the page just loaded cost: bytes of the document and its files (as served by
    the test server: uncompressed), and the server's time to the first byte."""
    timing = browser.driver.execute_script(
        "const nav = performance.getEntriesByType('navigation')[0];"
        "const files = performance.getEntriesByType('resource');"
        "return {document: nav.decodedBodySize, server_ms: nav.responseStart - nav.requestStart,"
        " files: files.reduce((n, f) => n + f.decodedBodySize, 0), count: files.length};"
    )
    return {**timing, "total": timing["document"] + timing["files"]}


def test_axe_reports_a_violation_when_a_page_has_one(browser, people):
    """The accessibility check can fail: an image without a text alternative is found."""
    browser.open("/werkbank/inloggen")
    browser.driver.execute_script(
        "const img = document.createElement('img'); img.src = '/static/none.png';"
        "document.getElementById('main').appendChild(img);"
    )
    assert "image-alt" in [violation["id"] for violation in browser.axe("broken")]


def test_a_handler_resolves_a_complaint_by_phone(browser, people, team, client_for):
    case = file_complaint(client_for, people[Role.RESIDENT], team)
    violations = {}

    browser.open("/werkbank/")
    violations["sign-in"] = browser.axe("sign-in")
    browser.screenshot("sign-in")
    started = time.monotonic()
    sign_in(browser, "wb-case_handler")
    browser.clicks = 0  # the route counts from the queue

    browser.click("a.wb-tab[href='?view=unassigned']")
    assert case.reference in browser.text()
    violations["queue"] = browser.axe("queue")
    browser.screenshot("queue")
    weight = page_weight(browser)
    browser.click(f"#row-{case.reference} button[type=submit]")  # claim
    assert browser.driver.current_url.endswith(f"/werkbank/zaken/{case.reference}")
    assert "U behandelt deze zaak nu." in browser.text()
    violations["case"] = browser.axe("case")

    browser.click("button[name=outcome][value=no_answer]")
    assert "Gesprek vastgelegd: geen gehoor" in browser.text()
    # Another time of day is advised than the one just tried (which depends on the clock).
    assert "Probeer hierna:" in browser.text()
    assert "niet bereikt:" in browser.text()
    browser.type("#call-note", "Mevrouw is tevreden met een excuus en een nieuwe afspraak.")
    browser.click("button[name=outcome][value=reached]")
    assert "U heeft de inwoner gesproken" in browser.text()
    browser.screenshot("case")

    browser.click("#step-resolve-informally summary")
    form = "#step-resolve-informally form"
    violations["step-form"] = browser.axe("step-form")
    browser.type(f"{form} textarea[name=solution]", "Excuses gemaakt; nieuwe afspraak gepland.")
    Select(browser.find(f"{form} select[name=confirmed_via]")).select_by_value("phone")
    set_value(
        browser, f"{form} input[name=confirmed_at]", timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    )
    browser.click(f"{form} button.utrecht-button--primary-action")
    assert "Gedaan: Informeel opgelost." in browser.text()
    clicks, seconds = browser.clicks, time.monotonic() - started
    case.refresh_from_db()
    assert case.status == "resolved_informally"

    letter_services.letters_render_pending()  # the worker's part
    browser.open(f"/werkbank/zaken/{case.reference}")
    letter = browser.driver.find_element(By.LINK_TEXT, "Uw klacht is opgelost")
    assert f"/api/v1/cases/{case.reference}/letters/" in letter.get_attribute("href")
    browser.screenshot("case-resolved")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "informal-route.json").write_text(
        json.dumps({"clicks": clicks, "seconds": round(seconds, 1), "queue": weight}, indent=2)
    )
    assert clicks <= 6
    assert {page: found for page, found in violations.items() if found} == {}


def test_lawyers_take_an_objection_to_a_decision_under_four_eyes(browser, people, team, client_for):
    """Admissibility, hearing (checked before saving: Awb 7:2 and 7:4) and a decision the
    drafter cannot approve; a second lawyer approves it from the four-eyes inbox."""
    case = file_objection(client_for, people[Role.RESIDENT], team)
    violations = {}
    sign_in(browser, "wb-jurist-a")
    browser.click("nav a[href='/werkbank/bezwaren']")
    assert case.reference in browser.text()
    violations["inbox"] = browser.axe("inbox")
    browser.click(f"#row-{case.reference} a")
    browser.click("form[action$='/oppakken'] button")
    take_step(browser, "confirm-receipt")
    take_step(browser, "accept")
    assert "Informeel contact" in browser.text() or "informeel contact" in browser.text()
    browser.click("button[name=outcome][value=reached]")
    take_step(browser, "continue-formally")

    hearing = timezone.localtime(hearing_time(days=21))
    inspection = (hearing - datetime.timedelta(days=8)).date()
    hearing_fields = {
        "at": hearing.strftime("%Y-%m-%dT%H:%M"),
        "location": "Stadhuis, zaal 2",
        "inspection_from": inspection.isoformat(),
        "inspection_place": "Balie stadhuis",
    }
    take_step(browser, "plan-hearing", hearing_fields, check=True)
    assert "Alles klopt" in browser.text()
    assert browser.driver.find_elements(By.CSS_SELECTOR, "#checked a[href*='/voorbeeld/']")
    violations["step-checked"] = browser.axe("step-checked")
    browser.screenshot("step-checked")
    browser.click("#step-plan-hearing form button.utrecht-button--primary-action")
    assert Case.objects.get(pk=case.pk).status == "hearing_planned"

    # The hearing's day comes.
    ObjectionDetails.objects.filter(case=case).update(
        hearing_at=timezone.now() - datetime.timedelta(hours=1)
    )
    browser.open(f"/werkbank/zaken/{case.reference}")
    take_step(browser, "hold-hearing", {"report": "Bezwaarmaker lichtte de gronden toe."})
    take_step(
        browser,
        "draft-decision",
        {"outcome": "unfounded", "reasons": "De weigering blijft in stand.", "costs": "refused"},
    )
    assert Case.objects.get(pk=case.pk).status == "decision_drafted"
    assert not browser.driver.find_elements(By.CSS_SELECTOR, "#step-approve-decision")
    browser.open("/werkbank/bezwaren?stage=review")
    assert case.reference not in browser.text()  # never one's own draft
    sign_out(browser)

    sign_in(browser, "wb-jurist-b")
    browser.open("/werkbank/bezwaren?stage=review")
    assert case.reference in browser.text()
    violations["review-inbox"] = browser.axe("review-inbox")
    browser.screenshot("review-inbox")
    browser.click(f"#row-{case.reference} a")
    take_step(browser, "approve-decision")
    assert Case.objects.get(pk=case.pk).status == "decided"
    assert {page: found for page, found in violations.items() if found} == {}


def test_a_team_lead_assigns_a_case(browser, people, team, client_for):
    case = file_complaint(client_for, people[Role.RESIDENT], team)
    Case.objects.filter(pk=case.pk).update(queue_due_date=timezone.localdate())
    sign_in(browser, "wb-team_lead")
    browser.click("nav a[href='/werkbank/team']")
    violations = browser.axe("team")
    handler = people[Role.CASE_HANDLER]
    Select(browser.find(f"#assign-{case.reference}")).select_by_value(handler.username)
    browser.click(f"#row-{case.reference} button[type=submit]")
    assert "Toewijzing opgeslagen." in browser.text()
    assert Case.objects.get(pk=case.pk).assignee == handler
    browser.screenshot("team")
    assert violations == []


def test_a_handler_works_with_the_keyboard_alone(browser, people, team, client_for):
    """Skip link first; claim and log a call with Tab and Enter, no mouse."""
    case = file_complaint(client_for, people[Role.RESIDENT], team)
    sign_in(browser, "wb-case_handler")
    browser.open("/werkbank/?view=unassigned")
    body = browser.driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert "skip-link" in browser.driver.switch_to.active_element.get_attribute("class")

    def tab_to(css: str, limit: int = 60) -> None:
        wanted = browser.find(css)
        for _ in range(limit):
            if browser.driver.switch_to.active_element == wanted:
                return
            browser.driver.switch_to.active_element.send_keys(Keys.TAB)
        raise AssertionError(f"{css} not reached with Tab")

    tab_to(f"#row-{case.reference} button[type=submit]")
    browser.driver.switch_to.active_element.send_keys(Keys.ENTER)
    browser.settled()
    assert "U behandelt deze zaak nu." in browser.text()
    tab_to("button[name=outcome][value=no_answer]")
    browser.driver.switch_to.active_element.send_keys(Keys.ENTER)
    browser.settled()
    assert "Gesprek vastgelegd: geen gehoor." in browser.text()
    assert Case.objects.get(pk=case.pk).contact_moments.count() == 1


def test_every_page_passes_axe_in_both_languages(browser, people, team, client_for):
    """Each tab of the queue and of the objections inbox, the team page, a complaint and
    an objection, in Dutch and in English; the pages for no access and not found."""
    complaint = file_complaint(client_for, people[Role.RESIDENT], team)
    objection = file_objection(client_for, people[Role.RESIDENT], team)
    pages = [
        *(f"/werkbank/?view={view}" for view in ("mine", "team", "unassigned", "overdue")),
        *(f"/werkbank/bezwaren?stage={stage.code}" for stage in STAGES),
        "/werkbank/team",
        f"/werkbank/zaken/{complaint.reference}",
        f"/werkbank/zaken/{objection.reference}",
        "/werkbank/zaken/KL-2020-999999",  # not found
    ]
    sign_in(browser, "wb-team_lead")
    found = {}
    for language in ("nl", "en"):
        if language == "en":
            browser.click("form.wb-language button")
            assert browser.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        for path in pages:
            browser.open(path)
            found[f"{language} {path}"] = browser.axe(path)
    sign_out(browser)
    sign_in(browser, "wb-resident")  # signed in, but no access (English still chosen)
    assert "No access to the workbench" in browser.text()
    assert not browser.driver.find_elements(By.CSS_SELECTOR, "nav.wb-nav")
    found["no access"] = browser.axe("no access")
    assert {page: violations for page, violations in found.items() if violations} == {}
