"""The admin pages staff configure the service with: load, in Dutch and English."""

import datetime

import pytest

from cases.models import DecreeDay
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/accounts/team/",
        "/admin/accounts/user/",
        "/admin/cases/case/",
        "/admin/cases/deadline/",
        "/admin/cases/decreeday/",
        "/admin/cases/closingday/",
        "/admin/cases/decreeday/add/",
        "/admin/workbench/provideraccount/",
        "/admin/workbench/provideraccount/add/",
    ],
)
def test_admin_pages_load(admin_client, path):
    assert admin_client.get(path).status_code == 200


def test_admin_speaks_dutch_and_english(admin_client):
    dutch = admin_client.get("/admin/cases/decreeday/", HTTP_ACCEPT_LANGUAGE="nl")
    english = admin_client.get("/admin/cases/decreeday/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Atw" in dutch.content.decode()
    assert "Beheer" in dutch.content.decode() or "beheer" in dutch.content.decode()
    assert "administration" in english.content.decode().lower()


def test_staff_add_a_decree_day_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/cases/decreeday/add/",
        {"date": "2029-05-11", "name": "Vrijdag na Hemelvaartsdag", "source": "Stcrt. 2028, 1"},
    )
    assert response.status_code == 302
    assert DecreeDay.objects.get(date=datetime.date(2029, 5, 11)).source == "Stcrt. 2028, 1"
