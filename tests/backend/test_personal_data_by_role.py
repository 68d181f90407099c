"""Personal data by role, a superuser included: what each caller sees of a case, what a
search reveals, what the Django admin shows, and how the break-glass account is logged."""

import json
import logging

import pytest
from django.contrib.auth.models import Group

from backend.accounts.models import User
from backend.accounts.roles import Role
from cases.models import Case, CaseEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAME = "Fatima el Amrani"  # the filer in complaint_body()
PERSONAL_CALLERS = ["filer", "case_handler", "legal_staff", "team_lead"]
NO_PERSONAL_DATA = ["administrator", "superuser"]


def detail(world, caller: str) -> dict:
    callers, places = world
    response = callers[caller].get(f"/api/v1/cases/{places['complaint']}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("caller", PERSONAL_CALLERS)
def test_the_filer_and_handling_staff_see_who_filed_and_what(world, caller):
    body = detail(world, caller)
    assert body["parties"][0]["name"] == NAME
    assert body["parties"][0]["email"] == "fatima@example.nl"
    assert body["subject"]
    assert body["description"]
    assert body["complaint"] is not None
    assert len(body["attachments"]) == 1


@pytest.mark.parametrize("caller", NO_PERSONAL_DATA)
def test_administrators_and_a_superuser_see_no_personal_data(world, caller):
    body = detail(world, caller)
    party = body["parties"][0]
    assert party["name"] is None
    assert party["organisationName"] is None
    assert not {"email", "phone", "street", "postalCode", "careNote", "needsExtraCare"} & set(party)
    for personal in ("subject", "description", "complaint", "attachments"):
        assert body[personal] is None, personal
    assert body["timeline"] is None
    assert body["contactMoments"] is None
    assert NAME not in json.dumps(body)
    # What they need to manage the work is there.
    assert body["reference"]
    assert body["status"]
    assert body["deadlines"]


@pytest.mark.parametrize("caller", ["filer", *NO_PERSONAL_DATA])
def test_only_handling_staff_see_the_extra_care_flag_and_note(world, caller):
    party = detail(world, caller)["parties"][0]
    assert "needsExtraCare" not in party
    assert "careNote" not in party
    staff = detail(world, "case_handler")["parties"][0]
    assert staff["needsExtraCare"] is True
    assert staff["careNote"]


@pytest.mark.parametrize("caller", NO_PERSONAL_DATA)
def test_the_queue_shows_them_no_subject_or_name(world, caller):
    callers, _ = world
    rows = callers[caller].get("/api/v1/cases").json()["results"]
    assert rows
    assert all(row["subject"] is None and row["filerName"] is None for row in rows)


def test_the_filer_sees_their_own_subject_and_name_in_their_list(world):
    callers, _ = world
    rows = callers["filer"].get("/api/v1/cases").json()["results"]
    assert {row["filerName"] for row in rows} == {NAME}
    assert all(row["subject"] for row in rows)


@pytest.mark.parametrize("caller", NO_PERSONAL_DATA)
def test_a_search_by_name_finds_nothing_for_them_but_a_reference_does(world, caller):
    callers, places = world
    handler = callers["case_handler"].get("/api/v1/cases", {"q": "Fatima"}).json()["results"]
    assert {row["reference"] for row in handler} >= {places["complaint"]}

    by_name = callers[caller].get("/api/v1/cases", {"q": "Fatima"}).json()["results"]
    by_subject = callers[caller].get("/api/v1/cases", {"q": "balie"}).json()["results"]
    by_reference = callers[caller].get("/api/v1/cases", {"q": places["complaint"]}).json()

    assert by_name == []
    assert by_subject == []
    assert [row["reference"] for row in by_reference["results"]] == [places["complaint"]]


# The Django admin follows the same rule.


@pytest.fixture
def administrator(users):
    user = users[Role.ADMINISTRATOR]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def break_glass(db):
    return UserFactory(username="nood-admin", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("who", ["administrator", "break_glass"])
def test_the_admin_shows_them_no_party_names_subjects_or_notes(world, client, request, who):
    _, places = world
    case = Case.objects.get(reference=places["complaint"])
    CaseEvent.objects.create(case=case, kind="note", text="Mevrouw belde huilend op.")
    client.force_login(request.getfixturevalue(who))

    listing = client.get("/admin/cases/case/")
    page = client.get(f"/admin/cases/case/{case.pk}/change/")

    assert listing.status_code == 200
    assert page.status_code == 200
    for response in (listing, page):
        text = response.content.decode()
        assert places["complaint"] in text
        assert NAME not in text
        assert "Onvriendelijk" not in text
        assert "huilend" not in text


def test_a_handler_with_admin_access_would_see_them(world, client, users):
    """The rule is the role's, not the page's: staff with personal data see the parties."""
    _, places = world
    handler = users[Role.CASE_HANDLER]
    handler.is_staff = True
    handler.save(update_fields=["is_staff"])
    handler.user_permissions.add(*Group.objects.get(name="administrator").permissions.all())
    client.force_login(User.objects.get(pk=handler.pk))
    case = Case.objects.get(reference=places["complaint"])
    assert NAME in client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/team/add/",
        "/admin/auth/group/",
        "/admin/cases/decreeday/add/",
        "/admin/cases/closingday/",
        "/admin/letters/branding/",
        "/admin/axes/accessattempt/",
    ],
)
def test_the_administrator_configures_the_service_in_the_admin(client, administrator, path):
    client.force_login(administrator)
    assert client.get(path).status_code == 200


def test_nobody_widens_their_own_rights_and_only_a_superuser_makes_one(
    client, administrator, users
):
    client.force_login(administrator)
    own = client.get(f"/admin/accounts/user/{administrator.pk}/change/").content.decode()
    other = client.get(f"/admin/accounts/user/{users[Role.CASE_HANDLER].pk}/change/")

    assert 'name="groups"' not in own
    assert 'name="is_superuser"' not in own
    assert 'name="groups"' in other.content.decode()
    assert 'name="is_superuser"' not in other.content.decode()


def test_an_administrator_cannot_change_a_superuser_or_its_password(
    client, administrator, break_glass
):
    client.force_login(administrator)
    edit = client.post(
        f"/admin/accounts/user/{break_glass.pk}/password/",
        {"password1": "overgenomen 123!", "password2": "overgenomen 123!"},
    )
    assert edit.status_code == 403
    break_glass.refresh_from_db()
    assert not break_glass.check_password("overgenomen 123!")
    page = client.get(f"/admin/accounts/user/{break_glass.pk}/change/").content.decode()
    assert 'name="username"' not in page  # shown read-only


def test_every_request_of_a_superuser_is_logged_as_break_glass(world, caplog):
    callers, places = world
    with caplog.at_level(logging.WARNING, logger="backend.break_glass"):
        callers["superuser"].get(f"/api/v1/cases/{places['complaint']}")
        callers["administrator"].get(f"/api/v1/cases/{places['complaint']}")
    used = [r for r in caplog.records if r.name == "backend.break_glass"]
    assert len(used) == 1
    assert used[0].route == "/api/v1/cases/<str:reference>"
    assert used[0].status == 200
    assert places["complaint"] not in used[0].getMessage()


def test_a_role_given_is_logged_by_ids_and_role_names_only(db, caplog):
    person = UserFactory(username="j.devries", first_name="Jan", last_name="de Vries")
    with caplog.at_level(logging.WARNING, logger="backend.accounts"):
        person.groups.add(Group.objects.get(name=Role.LEGAL_STAFF.value))
        Group.objects.get(name=Role.TEAM_LEAD.value).user_set.remove(person)
    given, taken = [r for r in caplog.records if r.name == "backend.accounts"]
    assert (given.action, given.users, given.roles) == ("add", [person.pk], ["legal_staff"])
    assert (taken.action, taken.users, taken.roles) == ("remove", [person.pk], ["team_lead"])
    assert all(
        "Vries" not in r.getMessage() and "devries" not in str(r.__dict__) for r in (given, taken)
    )


# Admin login: throttled and locked after repeated failures.


def test_the_admin_login_locks_after_five_failures_and_logs_no_username(client, caplog, settings):
    UserFactory(username="beheerder", is_staff=True, password="juist wachtwoord 1")
    url = "/admin/login/?next=/admin/"
    with caplog.at_level(logging.INFO):
        tries = [
            client.post(url, {"username": "beheerder", "password": "fout"}).status_code
            for _ in range(settings.AXES_FAILURE_LIMIT)
        ]
        locked = client.post(url, {"username": "beheerder", "password": "juist wachtwoord 1"})
    # The form again with its error, until the limit: then locked, the right password too.
    assert tries == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    logged = "\n".join(r.getMessage() + str(r.__dict__.get("args")) for r in caplog.records)
    assert "Locking out" in logged or "locked" in logged.lower()
    assert "beheerder" not in logged
    assert "127.0.0.1" not in logged


def test_a_colleague_from_another_address_is_not_locked_out(client, settings):
    UserFactory(username="beheerder", is_staff=True, password="juist wachtwoord 1")
    url = "/admin/login/?next=/admin/"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "beheerder", "password": "fout"}, REMOTE_ADDR="10.0.0.9")
    ok = client.post(url, {"username": "beheerder", "password": "juist wachtwoord 1"})
    assert ok.status_code == 302
