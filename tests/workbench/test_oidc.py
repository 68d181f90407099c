"""Signing staff in through the municipality's identity provider (OpenID Connect): the
whole code flow against a provider of the test's own on loopback (authorization, token
with a signed ID token, JWKS, userinfo), the provider's groups mapped to roles at every
sign-in, nobody let in without a mapped role, and no superuser power through it."""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from backend.accounts.models import User
from backend.accounts.roles import Role
from tests.factories import UserFactory
from workbench.models import ProviderAccount

pytestmark = pytest.mark.django_db
CLIENT_ID = "klachten-werkbank"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = "test-key-1"
ISSUER = "https://idp.gemeente.example"


class Provider:
    """What the provider knows: the nonce of each code it handed out, and the person."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.claims: dict = {}
        self.token_requests: list[dict] = []
        self.userinfo_sub: str | None = None  # None: the ID token's subject


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _json(self, body: dict, status: int = 200) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            provider.token_requests.append(form)
            nonce = provider.codes.pop(form.get("code"), None)
            if nonce is None or "code_verifier" not in form:
                self._json({"error": "invalid_grant"}, 400)
                return
            now = int(time.time())
            id_token = jwt.encode(
                {
                    "iss": ISSUER,
                    "sub": provider.claims.get("preferred_username", "x"),
                    "aud": CLIENT_ID,
                    "iat": now,
                    "exp": now + 300,
                    "nonce": nonce,
                },
                KEY,
                algorithm="RS256",
                headers={"kid": KID},
            )
            self._json({"access_token": "at-" + uuid.uuid4().hex, "id_token": id_token})

        def do_GET(self) -> None:
            if self.path.startswith("/jwks"):
                jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
                self._json({"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]})
            elif self.path.startswith("/userinfo"):
                sub = provider.userinfo_sub or provider.claims.get("preferred_username", "x")
                self._json({**provider.claims, "sub": sub})
            else:
                self._json({}, 404)

    return Handler


@pytest.fixture
def provider(settings):
    state = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "geheim"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = base + "/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = base + "/token"
    settings.OIDC_OP_USER_ENDPOINT = base + "/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = base + "/jwks"
    settings.OIDC_ROLE_MAP = {"kb-behandelaars": "case_handler", "juristen": "legal_staff"}
    settings.OIDC_TEAMS_CLAIM = "teams"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "workbench.oidc.MunicipalOIDCBackend",
    ]
    yield state
    server.shutdown()


def sign_in(client: Client, provider: Provider, claims: dict):
    """The browser's part of the code flow: to the provider and back with a code."""
    provider.claims = claims
    start = client.get("/werkbank/oidc/authenticate/", {"next": "/werkbank/"})
    assert start.status_code == 302
    asked = {k: v[0] for k, v in parse_qs(urlparse(start["Location"]).query).items()}
    assert asked["client_id"] == CLIENT_ID
    assert asked["code_challenge_method"] == "S256"  # PKCE
    code = uuid.uuid4().hex
    provider.codes[code] = asked["nonce"]
    return client.get("/werkbank/oidc/callback/", {"code": code, "state": asked["state"]})


def test_a_handler_signs_in_through_the_provider_and_gets_the_mapped_role(provider, team):
    client = Client()
    response = sign_in(
        client,
        provider,
        {
            "preferred_username": "j.devries",
            "email": "j.devries@gemeente.example",
            "given_name": "Jan",
            "family_name": "de Vries",
            "groups": ["kb-behandelaars", "iedereen"],
            "teams": [team.code],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/werkbank/"
    user = User.objects.get(username="j.devries")
    assert [g.name for g in user.groups.all()] == [Role.CASE_HANDLER.value]
    assert list(user.teams.all()) == [team]
    assert not user.has_usable_password()
    assert client.get("/werkbank/").status_code == 200
    assert provider.token_requests[0]["code_verifier"]


def test_roles_follow_the_provider_at_every_sign_in(provider, team):
    claims = {"preferred_username": "a.jurist", "groups": ["kb-behandelaars"]}
    sign_in(Client(), provider, claims)
    sign_in(Client(), provider, {**claims, "groups": ["juristen"]})
    user = User.objects.get(username="a.jurist")
    assert [g.name for g in user.groups.all()] == [Role.LEGAL_STAFF.value]


def test_someone_without_a_mapped_group_is_not_let_in(provider):
    client = Client()
    response = sign_in(client, provider, {"preferred_username": "bezoeker", "groups": ["gasten"]})
    assert response.status_code == 302
    assert response["Location"].startswith("/werkbank/inloggen?mislukt=1")
    assert not User.objects.filter(username="bezoeker").exists()
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Inloggen met uw gemeenteaccount is niet gelukt" in page


def test_a_deactivated_account_is_not_let_in(provider):
    old = UserFactory(username="oud", role=Role.CASE_HANDLER, is_active=False)
    ProviderAccount.objects.create(user=old, issuer=ISSUER, subject="oud")
    client = Client()
    sign_in(client, provider, {"preferred_username": "oud", "groups": ["kb-behandelaars"]})
    assert "_auth_user_id" not in client.session


def test_the_provider_never_opens_an_existing_local_account(provider):
    """Someone who can choose the name "noodaccount" at the provider does not become the
    break-glass superuser."""
    boss = UserFactory(username="noodaccount", is_superuser=True, is_staff=True)
    client = Client()
    response = sign_in(
        client, provider, {"preferred_username": "noodaccount", "groups": ["kb-behandelaars"]}
    )
    assert response["Location"].startswith("/werkbank/inloggen?mislukt=1")
    assert "_auth_user_id" not in client.session
    boss.refresh_from_db()
    assert list(boss.groups.all()) == []


def test_a_superuser_linked_to_the_provider_is_still_refused(provider):
    boss = UserFactory(username="beheer", is_superuser=True)
    ProviderAccount.objects.create(user=boss, issuer=ISSUER, subject="beheer")
    client = Client()
    sign_in(client, provider, {"preferred_username": "beheer", "groups": ["kb-behandelaars"]})
    assert "_auth_user_id" not in client.session


def test_userinfo_about_someone_else_is_refused(provider):
    client = Client()
    provider.userinfo_sub = "iemand-anders"
    sign_in(client, provider, {"preferred_username": "j.devries", "groups": ["kb-behandelaars"]})
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="j.devries").exists()


def test_a_code_posted_to_the_local_sign_in_is_not_exchanged(provider, users):
    client = Client()
    client.post(
        "/werkbank/inloggen?code=abc&state=xyz",
        {"username": users[Role.CASE_HANDLER].username, "password": "nee"},
    )
    assert provider.token_requests == []
    assert "_auth_user_id" not in client.session


def test_an_id_token_for_another_sign_in_is_refused(provider):
    client = Client()
    provider.claims = {"preferred_username": "j.devries", "groups": ["kb-behandelaars"]}
    start = client.get("/werkbank/oidc/authenticate/")
    asked = {k: v[0] for k, v in parse_qs(urlparse(start["Location"]).query).items()}
    provider.codes["abc"] = "another-nonce"  # an ID token for another sign-in
    response = client.get("/werkbank/oidc/callback/", {"code": "abc", "state": asked["state"]})
    assert response.status_code in (302, 400)  # the nonce does not match: refused
    assert "_auth_user_id" not in client.session


def test_with_the_provider_on_a_superuser_still_bypasses_no_rule(provider):
    boss = UserFactory(username="noodaccount", is_superuser=True, is_staff=True)
    assert not boss.has_perm("cases.view_personal_data")
    assert not boss.has_perm("cases.complaint_resolve_informally")


def test_without_a_provider_its_routes_are_not_there(client):
    assert client.get("/werkbank/oidc/authenticate/").status_code == 404
    assert "gemeenteaccount" not in client.get("/werkbank/inloggen").content.decode()


def test_with_a_provider_the_sign_in_page_offers_it(provider, client):
    assert "/werkbank/oidc/authenticate/" in client.get("/werkbank/inloggen").content.decode()
