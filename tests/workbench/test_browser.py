"""The workbench in a real browser (headless Chromium): the routes people take, axe-core
on every page they see, screenshots as test artefacts."""

import json
import time

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from backend.accounts.roles import Role
from cases.models import Case
from letters import services as letter_services
from tests.cases.test_filing_api import complaint_body
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


def set_value(browser: Session, css: str, value: str) -> None:
    """A date-time field's value (typing into one depends on the browser's locale)."""
    browser.driver.execute_script("arguments[0].value = arguments[1]", browser.find(css), value)


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
    browser.click(f"{form} button[type=submit]")
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
        json.dumps({"clicks": clicks, "seconds": round(seconds, 1)}, indent=2)
    )
    assert clicks <= 6
    assert {page: found for page, found in violations.items() if found} == {}
