"""The workbench's hardening: a CSP without inline script or style (and pages that need
none), CSRF on every write, sessions that end when left alone, cookies out of scripts'
reach, the sign-in lockout, Dutch by default, and no search text in the access log."""

import re
import time

import pytest
from django.conf import settings
from django.test import Client

from backend.accounts.roles import Role
from cases.models import Case, ContactMoment

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # tests.factories.UserFactory


def _pages(filed) -> list[str]:
    return [
        "/werkbank/",
        "/werkbank/?view=team",
        "/werkbank/?view=overdue",
        f"/werkbank/zaken/{filed['complaint'].reference}",
        f"/werkbank/zaken/{filed['objection'].reference}",
    ]


def _no_inline_code(html: str) -> list[str]:
    found = [f"<script{s}>" for s in re.findall(r"<script([^>]*)>", html) if "src=" not in s]
    found += re.findall(r"<[^>]+\sstyle=", html)
    found += re.findall(r"<[^>]+\son[a-z]+=", html)
    found += re.findall(r"<style", html)
    found += re.findall(r"hx-on", html)
    return found


def test_every_page_runs_under_the_csp_without_inline_code(filed, browser_for):
    client = browser_for("case_handler")
    for path in _pages(filed):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert _no_inline_code(response.content.decode()) == [], path


def test_the_sign_in_page_runs_under_the_csp_without_inline_code(client):
    response = client.get("/werkbank/inloggen")
    assert response.status_code == 200
    assert _no_inline_code(response.content.decode()) == []


def test_a_write_without_the_csrf_token_is_refused_as_a_page(filed, users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.CASE_HANDLER])
    response = client.post(
        f"/werkbank/zaken/{filed['complaint'].reference}/contact",
        {"outcome": "no_answer"},
        HTTP_ACCEPT="text/html",
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert not ContactMoment.objects.exists()


def test_a_write_with_the_token_from_the_page_goes_through(filed, users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.CASE_HANDLER])
    page = client.get(f"/werkbank/zaken/{filed['complaint'].reference}").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/werkbank/zaken/{filed['complaint'].reference}/contact",
        {"outcome": "no_answer", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert ContactMoment.objects.count() == 1


def _age(client, **seconds_ago) -> None:
    session = client.session
    for name, ago in seconds_ago.items():
        session[name] = int(time.time()) - ago
    session.save()


def test_a_session_left_alone_ends(filed, browser_for):
    client = browser_for("case_handler")
    assert client.get("/werkbank/").status_code == 200
    _age(client, seen_at=settings.SESSION_IDLE_MINUTES * 60 + 5)
    response = client.get("/werkbank/", follow=True)
    assert response.redirect_chain[0][1] == 302
    assert response.redirect_chain[0][0].startswith("/werkbank/inloggen")
    assert "U bent uitgelogd omdat u een tijd niets deed." in response.content.decode()
    # Signed out: the next request is not let in either.
    assert client.get("/werkbank/").status_code == 302


def test_a_session_ends_after_a_working_day_however_busy(filed, browser_for):
    client = browser_for("case_handler")
    _age(client, signed_in_at=settings.SESSION_COOKIE_AGE + 5, seen_at=10)
    assert client.get("/werkbank/").status_code == 302


def test_an_idle_session_opens_no_api_and_no_letter_either(filed, browser_for):
    """The timeout is not the workbench's alone: the same cookie reads the API."""
    client = browser_for("case_handler")
    path = f"/api/v1/cases/{filed['complaint'].reference}"
    assert client.get(path).status_code == 200
    _age(client, seen_at=settings.SESSION_IDLE_MINUTES * 60 + 5)
    assert client.get(path).status_code in (401, 403)


def test_signing_in_again_starts_a_new_clock(filed, users, client):
    client.force_login(users[Role.CASE_HANDLER])
    _age(client, signed_in_at=settings.SESSION_COOKIE_AGE - 60)
    client.logout()
    response = client.post(
        "/werkbank/inloggen", {"username": users[Role.CASE_HANDLER].username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert time.time() - client.session["signed_in_at"] < 60


def test_an_htmx_request_after_the_session_ended_sends_the_page_to_sign_in(filed, client):
    response = client.get("/werkbank/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/werkbank/inloggen")


def test_session_and_csrf_cookies_are_out_of_scripts_reach_and_same_site(users, client):
    response = client.post(
        "/werkbank/inloggen", {"username": users[Role.CASE_HANDLER].username, "password": PASSWORD}
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE


def test_signing_in_with_a_wrong_password_says_so_and_locks_after_five(users, client):
    username = users[Role.CASE_HANDLER].username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/werkbank/inloggen", {"username": username, "password": "nee"})
        assert response.status_code in (200, 429)
    response = client.post("/werkbank/inloggen", {"username": username, "password": PASSWORD})
    assert response.status_code != 302  # locked: even the right password does not sign in
    assert "_auth_user_id" not in client.session


def test_residents_and_integrations_may_sign_in_but_not_use_the_workbench(users, client):
    client.force_login(users[Role.RESIDENT])
    response = client.get("/werkbank/")
    assert response.status_code == 403
    assert "Geen toegang tot de werkbank" in response.content.decode()


def test_the_workbench_speaks_dutch_unless_english_is_chosen(filed, browser_for):
    client = browser_for("case_handler")
    assert "Werkvoorraad" in client.get("/werkbank/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post("/werkbank/taal", {"language": "en", "next": "/werkbank/"})
    assert ">Queue<" in client.get("/werkbank/").content.decode()


def test_the_queue_search_stays_out_of_the_access_log(filed, browser_for, caplog):
    browser_for("case_handler").get("/werkbank/", {"view": "team", "q": "Amrani"})
    assert caplog.records
    assert all("Amrani" not in record.getMessage() for record in caplog.records)
    assert all("Amrani" not in str(record.__dict__) for record in caplog.records)


def test_a_claim_by_a_signed_in_resident_changes_nothing(filed, browser_for):
    reference = filed["complaint"].reference
    response = browser_for("resident").post(f"/werkbank/zaken/{reference}/oppakken")
    assert response.status_code == 403
    assert Case.objects.get(reference=reference).assignee is None


def test_an_htmx_request_for_a_missing_page_gets_an_html_page(filed, browser_for):
    response = browser_for("case_handler").get(
        "/werkbank/zaken/KL-2025-999999", HTTP_HX_REQUEST="true", HTTP_ACCEPT="*/*"
    )
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_api_still_answers_problems_as_json(client):
    response = client.get("/api/v1/nothing-here", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
