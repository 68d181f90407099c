"""The admin pages staff configure the service with: load, in Dutch and English."""

import datetime
import re

import pytest

from backend.accounts.models import IntegrationClient
from backend.accounts.roles import Role
from backend.accounts.tokens import token_for_key
from backend.outbox.models import OutboxDelivery, OutboxMessage
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
        "/admin/accounts/integrationclient/",
        "/admin/accounts/integrationclient/add/",
        "/admin/accounts/apitoken/",
        "/admin/accounts/apitoken/add/",
        "/admin/outbox/outboxmessage/",
        "/admin/outbox/outboxdelivery/",
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


def test_an_administrator_makes_a_client_issues_a_token_once_and_revokes_it(client):
    administrator = UserFactory(role=Role.ADMINISTRATOR, is_staff=True)
    client.force_login(administrator)
    made = client.post(
        "/admin/accounts/integrationclient/add/",
        {
            "name": "Formulieren",
            "organisation": "Gemeente Voorbeeld",
            "contact_email": "koppelingen@gemeente.example",
            "requests_per_minute": 60,
            "is_active": "on",
        },
    )
    assert made.status_code == 302, made.content.decode()[:2000]
    formulieren = IntegrationClient.objects.get(name="Formulieren")
    assert formulieren.account.has_role(Role.INTEGRATION_CLIENT)

    issued = client.post(
        "/admin/accounts/apitoken/add/",
        {"client": formulieren.pk, "name": "productie", "scopes": ["complaints:create"],
         "days": 30, "kinds": "[]"},
        follow=True,
    )  # fmt: skip
    page = issued.content.decode()
    key = re.search(r"(kb_[A-Za-z0-9_-]{40,})", page).group(1)
    token = token_for_key(key)
    assert (token.client, token.scopes) == (formulieren, ["complaints:create"])
    assert key not in client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()

    client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_administrator_replays_a_dead_lettered_delivery(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, is_staff=True))
    message = OutboxMessage.objects.create(topic="t.x", dedup_key="k", payload={})
    dead = OutboxDelivery.objects.create(
        message=message, consumer="gone-away", state="dead", attempts=8, last_error="OSError"
    )
    response = client.post(
        "/admin/outbox/outboxdelivery/",
        {"action": "replay", "_selected_action": [dead.pk]},
    )
    assert response.status_code == 302
    dead.refresh_from_db()
    assert (dead.state, dead.attempts, dead.last_error) == ("pending", 0, "")
