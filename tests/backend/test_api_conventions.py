"""Wire conventions every endpoint shares: problem details, headers, no trailing slash."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_unknown_path_is_a_problem_not_an_html_page(anon):
    response = anon.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["instance"] == "/api/v1/nothing-here"


def test_trailing_slash_is_not_redirected(anon):
    assert anon.get("/api/v1/health/").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/cases/", "/api/v1/nothing-here", "/api/v2/cases"])
def test_unknown_paths_are_problems_with_debug_on_too(anon, settings, path):
    settings.DEBUG = True
    for response in (anon.get(path), anon.post(path, {}, format="json")):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 404


def test_method_not_allowed_is_a_problem(anon):
    response = anon.delete("/api/v1/complaints")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"


def test_openapi_document_is_served_and_camel_cased(anon):
    response = anon.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/complaints" in schema["paths"]
    assert "/cases/{reference}/assignment" in schema["paths"]
    filing = schema["components"]["schemas"]["ComplaintFilingRequest"]
    assert "receivedAt" in filing["properties"]
    party = schema["components"]["schemas"]["PartyInputRequest"]
    assert {"postalCode", "preferredContactTimes", "careNote"} <= set(party["properties"])
    for path in schema["paths"].values():
        for operation in path.values():
            for response_ in operation["responses"].values():
                assert "API-Version" in response_["headers"]


def test_swagger_ui_is_served_without_remote_assets(anon):
    response = anon.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"cdn.jsdelivr" not in response.content


def test_a_concurrent_transition_is_a_409_problem(rf):
    from django_fsm import ConcurrentTransition

    from backend.api.problems import problem_exception_handler

    response = problem_exception_handler(
        ConcurrentTransition("changed"), {"request": rf.post("/api/v1/x")}
    )
    assert response.status_code == 409
    assert response.data["status"] == 409


def test_problem_extensions_never_replace_the_standard_members():
    from backend.api.problems import problem_body

    with pytest.raises(ValueError, match="status"):
        problem_body(
            status=409, slug="conflict", title="", detail="", instance="", extra={"status": "x"}
        )


def test_a_browser_post_to_a_wrong_address_is_a_404_problem_not_a_csrf_page(users):
    from django.test import Client

    from backend.accounts.roles import Role

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users[Role.CASE_HANDLER])
    response = browser.post("/api/v1/print-batches/-1/posted")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("language", "reason"),
    [(None, "Geef een getal van 1 tot en met"), ("en", "Give a number from 1 to"), ("nl", "Geef")],
)
def test_error_messages_follow_accept_language(client_for, users, language, reason):
    from backend.accounts.roles import Role

    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = client_for(users[Role.CASE_HANDLER]).get("/api/v1/cases?pageSize=1000", **headers)
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["reason"].startswith(reason)
    assert response.json()["detail"] != ""
