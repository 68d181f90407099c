"""Token authentication (backend/accounts/authentication.py) answers as DRF's: the
caller for a known token of an active account, 401 problem details otherwise."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from backend.accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def get_queue(key: str):
    return APIClient().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Token {key}")


@pytest.mark.parametrize("role", [*Role, "superuser"])
def test_a_known_token_signs_its_account_in(role):
    user = (
        UserFactory(is_superuser=True, is_staff=True)
        if role == "superuser"
        else UserFactory(role=role)
    )
    token = Token.objects.create(user=user)
    assert get_queue(token.key).status_code == 200
    assert get_queue(token.key).status_code == 200  # the statement kept: same answer


def test_an_unknown_token_and_an_inactive_account_get_401():
    inactive = UserFactory(role=Role.CASE_HANDLER, is_active=False)
    token = Token.objects.create(user=inactive)
    for key in (token.key, "0" * 40, "nope"):
        response = get_queue(key)
        assert response.status_code == 401, key
        assert response["Content-Type"] == "application/problem+json"
